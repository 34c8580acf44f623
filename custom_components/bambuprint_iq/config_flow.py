"""Config flow: one path per way of reaching a printer, SSH-style certificate trust.

The printer's TLS certificate is signed by Bambu's private CA, which we do not ship. We read the
leaf certificate first (no credentials sent), require CN == serial, show its fingerprint and pin
it once the user confirms. Only then does the access code travel to the printer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.const import CONF_HOST
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    EntitySelector,
    EntitySelectorConfig,
)
import voluptuous as vol

from .ai_task_provider import AI_TASK_DOMAIN, ai_task_entities
from .assistant import (
    CONF_AI_TASK_ENTITY,
    CONF_API_KEY,
    CONF_BASE_URL,
    CONF_MODEL_NAME,
    CONF_PROVIDER,
    DEFAULT_MODEL,
    ENTRY_TYPE,
    ENTRY_TYPE_ASSISTANT,
    ProviderKind,
    async_create_provider,
    is_assistant,
)
from .cloud_setup import is_cloud
from .config_flow_cloud import CloudFlowMixin
from .const import (
    CONF_ACCESS_CODE,
    CONF_CAMERA_PORT,
    CONF_FINGERPRINT,
    CONF_METHOD,
    CONF_MODEL,
    CONF_MQTT_PORT,
    CONF_SERIAL,
    CONF_SKIP_TLS_VERIFY,
    DEFAULT_CAMERA_PORT,
    DEFAULT_MQTT_PORT,
    DOMAIN,
    ConnectionMethod,
)
from .core.analysis import ApiKeyRejected, ProviderError
from .core.printer.errors import (
    InvalidAccessCode,
    NotAPrinter,
    PrinterConnectionError,
)
from .core.printer.probe import PrinterIdentity, PrinterSilent, async_identify_printer
from .core.printer.tls import (
    CertificateInfo,
    InsecureSkipVerify,
    PinnedCertificate,
    TlsPolicy,
    async_probe_certificate,
    format_fingerprint,
)
from .flow_selectors import ADVANCED, NEW_PRINTER_OPTIONS, PASSWORD as _PASSWORD, PORT as _PORT
from .options_flow import BambuPrintIQOptionsFlow
from .options_flow_assistant import AssistantOptionsFlow

PROBE_TIMEOUT = 10.0


def _advanced_schema(defaults: Mapping[str, Any]) -> vol.Schema:
    """Ports (for port forwarding or the simulator) and the explicit TLS opt-out."""
    return vol.Schema(
        {
            vol.Required(
                CONF_MQTT_PORT, default=defaults.get(CONF_MQTT_PORT, DEFAULT_MQTT_PORT)
            ): _PORT,
            vol.Required(
                CONF_CAMERA_PORT, default=defaults.get(CONF_CAMERA_PORT, DEFAULT_CAMERA_PORT)
            ): _PORT,
            vol.Required(
                CONF_SKIP_TLS_VERIFY, default=defaults.get(CONF_SKIP_TLS_VERIFY, False)
            ): bool,
        }
    )


def _printer_schema(defaults: Mapping[str, Any], *, with_serial: bool) -> vol.Schema:
    fields: dict[vol.Marker, Any] = {vol.Required(CONF_HOST): str}
    if with_serial:
        fields[vol.Required(CONF_SERIAL)] = str
    fields[vol.Required(CONF_ACCESS_CODE)] = _PASSWORD
    fields[vol.Required(ADVANCED)] = section(_advanced_schema(defaults), {"collapsed": True})
    return vol.Schema(fields)


def _flatten(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Lift the advanced section's values to the top level and normalise them."""
    data = {k: v for k, v in user_input.items() if k != ADVANCED}
    advanced = dict(user_input.get(ADVANCED, {}))
    data[CONF_MQTT_PORT] = int(advanced.get(CONF_MQTT_PORT, DEFAULT_MQTT_PORT))
    data[CONF_CAMERA_PORT] = int(advanced.get(CONF_CAMERA_PORT, DEFAULT_CAMERA_PORT))
    data[CONF_SKIP_TLS_VERIFY] = bool(advanced.get(CONF_SKIP_TLS_VERIFY, False))
    data[CONF_HOST] = str(data[CONF_HOST]).strip()
    data[CONF_ACCESS_CODE] = str(data[CONF_ACCESS_CODE]).strip()
    if CONF_SERIAL in data:
        data[CONF_SERIAL] = str(data[CONF_SERIAL]).strip().upper()
    return data


def _tls_policy(data: Mapping[str, Any]) -> TlsPolicy:
    if data.get(CONF_SKIP_TLS_VERIFY):
        return InsecureSkipVerify()
    return PinnedCertificate(fingerprint=data[CONF_FINGERPRINT], serial=data[CONF_SERIAL])


class BambuPrintIQConfigFlow(CloudFlowMixin, ConfigFlow, domain=DOMAIN):
    """Add a printer over the LAN, in Developer Mode or telemetry-only."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Hold what the steps learn until the entry is written."""
        self._data: dict[str, Any] = {}
        self._form_step = "developer"
        self._certificate: CertificateInfo | None = None
        self._identity: PrinterIdentity | None = None
        self._discovered: dict[str, Any] = {}

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Options live in their own flow (printers and the assistant have different ones)."""
        if is_assistant(config_entry):
            return AssistantOptionsFlow()
        return BambuPrintIQOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask how the printer is reached; each method has its own capability set."""
        return self.async_show_menu(
            step_id="user",
            menu_options=[
                ConnectionMethod.DEVELOPER.value,
                ConnectionMethod.LOCAL.value,
                ConnectionMethod.CLOUD.value,
                ENTRY_TYPE_ASSISTANT,
            ],
        )

    async def async_step_assistant(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """No printer needed: which model analyses photos (or none, for profiles only)."""
        if self.source != SOURCE_RECONFIGURE:
            await self.async_set_unique_id(ENTRY_TYPE_ASSISTANT)
            self._abort_if_unique_id_configured()
        options = ["assistant_claude", "assistant_none"]
        if ai_task_entities(self.hass):
            options.insert(1, "assistant_ai_task")
        return self.async_show_menu(step_id="assistant", menu_options=options)

    async def async_step_assistant_claude(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Claude with the user's own API key, checked before anything is saved."""
        errors: dict[str, str] = {}
        if user_input is not None:
            advanced = user_input.get(ADVANCED, {})
            data = {
                ENTRY_TYPE: ENTRY_TYPE_ASSISTANT,
                CONF_PROVIDER: ProviderKind.CLAUDE.value,
                CONF_API_KEY: str(user_input[CONF_API_KEY]).strip(),
                CONF_MODEL_NAME: str(user_input[CONF_MODEL_NAME]).strip(),
                CONF_BASE_URL: str(advanced.get(CONF_BASE_URL) or "").strip() or None,
            }
            errors = await self._async_check_api_key(data)
            if not errors:
                return self._async_save_assistant(data)
        schema = vol.Schema(
            {
                vol.Required(CONF_API_KEY): _PASSWORD,
                vol.Required(CONF_MODEL_NAME, default=DEFAULT_MODEL): str,
                vol.Required(ADVANCED): section(
                    vol.Schema({vol.Optional(CONF_BASE_URL): str}), {"collapsed": True}
                ),
            }
        )
        return self.async_show_form(step_id="assistant_claude", data_schema=schema, errors=errors)

    async def async_step_assistant_ai_task(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """An AI task entity the user already set up (any model Home Assistant supports)."""
        entities = ai_task_entities(self.hass)
        if not entities:
            return self.async_abort(reason="no_ai_task_entity")
        if user_input is not None:
            return self._async_save_assistant(
                {
                    ENTRY_TYPE: ENTRY_TYPE_ASSISTANT,
                    CONF_PROVIDER: ProviderKind.AI_TASK.value,
                    CONF_AI_TASK_ENTITY: str(user_input[CONF_AI_TASK_ENTITY]),
                }
            )
        schema = vol.Schema(
            {
                vol.Required(CONF_AI_TASK_ENTITY, default=entities[0]): EntitySelector(
                    EntitySelectorConfig(domain=AI_TASK_DOMAIN, include_entities=entities)
                )
            }
        )
        return self.async_show_form(step_id="assistant_ai_task", data_schema=schema)

    async def async_step_assistant_none(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Profiles and history without photo analysis."""
        return self._async_save_assistant(
            {ENTRY_TYPE: ENTRY_TYPE_ASSISTANT, CONF_PROVIDER: ProviderKind.NONE.value}
        )

    def _async_save_assistant(self, data: dict[str, Any]) -> ConfigFlowResult:
        """A new assistant entry, or the reconfigured one with its new provider."""
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(self._get_reconfigure_entry(), data=data)
        return self.async_create_entry(title="BambuPrint IQ assistant", data=data)

    async def _async_check_api_key(self, data: dict[str, Any]) -> dict[str, str]:
        """One cheap authenticated call before anything is saved."""
        provider = await async_create_provider(self.hass, data)
        try:
            await provider.validate_api_key()
        except ApiKeyRejected:
            return {CONF_API_KEY: "invalid_api_key"}
        except ProviderError:
            return {"base": "provider_unavailable"}
        finally:
            await provider.async_close()
        return {}

    async def async_step_reauth_api_key(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The provider refused the stored API key: ask for a new one."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data[CONF_API_KEY] = str(user_input[CONF_API_KEY]).strip()
            errors = await self._async_check_api_key(self._data)
            if not errors:
                return self.async_update_reload_and_abort(
                    self._get_reauth_entry(), data_updates={CONF_API_KEY: self._data[CONF_API_KEY]}
                )
        return self.async_show_form(
            step_id="reauth_api_key",
            data_schema=vol.Schema({vol.Required(CONF_API_KEY): _PASSWORD}),
            errors=errors,
        )

    async def async_step_developer(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Developer Mode on the LAN: telemetry and control."""
        return await self._async_printer_step(ConnectionMethod.DEVELOPER, user_input)

    async def async_step_local(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """LAN telemetry only, for printers that stay in the Bambu Connect / cloud world."""
        return await self._async_printer_step(ConnectionMethod.LOCAL, user_input)

    async def _async_printer_step(
        self,
        method: ConnectionMethod,
        user_input: dict[str, Any] | None,
        errors: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        self._form_step = method.value
        errors = dict(errors or {})
        if user_input is not None and not errors:
            data = _flatten(user_input)
            await self.async_set_unique_id(data[CONF_SERIAL])
            self._abort_if_unique_id_configured()
            self._data = {**data, CONF_METHOD: method.value}
            if data[CONF_SKIP_TLS_VERIFY]:
                return await self._async_connect_and_finish()
            errors = await self._async_read_certificate(data)
            if not errors:
                return await self.async_step_certificate()
        defaults = self._data if errors else {}
        schema = _printer_schema(defaults, with_serial=True)
        if user_input is not None:
            schema = self.add_suggested_values_to_schema(schema, user_input)
        elif self._discovered:
            schema = self.add_suggested_values_to_schema(schema, self._discovered)
        return self.async_show_form(step_id=method.value, data_schema=schema, errors=errors)

    async def async_step_discovery(self, discovery_info: dict[str, Any]) -> ConfigFlowResult:
        """A printer announced itself on the LAN: offer it with address and serial filled in."""
        serial = str(discovery_info[CONF_SERIAL])
        await self.async_set_unique_id(serial)
        self._abort_if_unique_id_configured(updates={CONF_HOST: discovery_info[CONF_HOST]})
        self._discovered = {CONF_HOST: discovery_info[CONF_HOST], CONF_SERIAL: serial}
        self.context["title_placeholders"] = {
            "name": str(discovery_info.get("name") or f"Bambu Lab {serial[-4:]}")
        }
        return await self.async_step_discovered()

    async def async_step_discovered(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask how to connect to the printer that was found."""
        return self.async_show_menu(
            step_id="discovered",
            menu_options=[ConnectionMethod.DEVELOPER.value, ConnectionMethod.LOCAL.value],
            description_placeholders={
                "serial": self._discovered[CONF_SERIAL],
                "host": self._discovered[CONF_HOST],
            },
        )

    async def _async_read_certificate(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Fetch the leaf certificate without sending credentials; check it names the serial."""
        try:
            certificate = await async_probe_certificate(
                data[CONF_HOST], data[CONF_MQTT_PORT], timeout=PROBE_TIMEOUT
            )
        except NotAPrinter:
            return {CONF_HOST: "not_a_printer"}
        except PrinterConnectionError:
            return {CONF_HOST: "cannot_connect"}
        if certificate.common_name.upper() != data[CONF_SERIAL]:
            return {CONF_SERIAL: "wrong_serial"}
        self._certificate = certificate
        return {}

    async def async_step_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the fingerprint the user is about to trust, like SSH does on first contact."""
        assert self._certificate is not None
        if user_input is None:
            return self.async_show_form(
                step_id="certificate",
                description_placeholders={
                    "fingerprint": format_fingerprint(self._certificate.fingerprint),
                    "serial": self._certificate.common_name,
                },
            )
        self._data[CONF_FINGERPRINT] = self._certificate.fingerprint
        if self._cloud_lan_pending:
            return await self.async_cloud_lan_confirmed()
        if self.source == SOURCE_RECONFIGURE:
            return await self._async_finish_reconfigure()
        return await self._async_connect_and_finish()

    async def _async_identify(self) -> tuple[PrinterIdentity | None, dict[str, str]]:
        """Log in with the access code over the pinned connection and read who answers."""
        try:
            identity = await async_identify_printer(
                host=self._data[CONF_HOST],
                port=self._data[CONF_MQTT_PORT],
                serial=self._data[CONF_SERIAL],
                access_code=self._data[CONF_ACCESS_CODE],
                tls_policy=_tls_policy(self._data),
                timeout=PROBE_TIMEOUT,
            )
        except InvalidAccessCode:
            return None, {CONF_ACCESS_CODE: "invalid_auth"}
        except PrinterSilent:
            return None, {"base": "no_response"}
        except PrinterConnectionError:
            # Unreachable, or (between probe and login) a different certificate appeared.
            return None, {CONF_HOST: "cannot_connect"}
        return identity, {}

    async def _async_connect_and_finish(self) -> ConfigFlowResult:
        identity, errors = await self._async_identify()
        if identity is None:
            return await self._async_printer_step(
                ConnectionMethod(self._data[CONF_METHOD]), self._data_as_form(), errors
            )
        self._identity = identity
        self._data[CONF_MODEL] = identity.model.value if identity.model else None
        if self._data[CONF_METHOD] == ConnectionMethod.DEVELOPER and (
            identity.signed_commands_required
        ):
            return await self.async_step_signed_commands()
        return self._async_create()

    def _data_as_form(self) -> dict[str, Any]:
        """Turn stored data back into the form's shape so a retry keeps what was typed."""
        return {
            CONF_HOST: self._data[CONF_HOST],
            CONF_SERIAL: self._data[CONF_SERIAL],
            CONF_ACCESS_CODE: self._data[CONF_ACCESS_CODE],
            ADVANCED: {
                CONF_MQTT_PORT: self._data[CONF_MQTT_PORT],
                CONF_CAMERA_PORT: self._data[CONF_CAMERA_PORT],
                CONF_SKIP_TLS_VERIFY: self._data[CONF_SKIP_TLS_VERIFY],
            },
        }

    async def async_step_signed_commands(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Developer Mode is off on the printer: explain that control will be missing."""
        if user_input is None:
            return self.async_show_form(step_id="signed_commands")
        return self._async_create()

    def _async_create(self) -> ConfigFlowResult:
        assert self._identity is not None
        return self.async_create_entry(
            title=f"{self._identity.model_name} {self._data[CONF_SERIAL][-4:]}",
            data=self._data,
            options=dict(NEW_PRINTER_OPTIONS),
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The printer refused the access code, or the AI provider refused the API key."""
        self._data = dict(entry_data)
        if entry_data.get(ENTRY_TYPE) == ENTRY_TYPE_ASSISTANT:
            return await self.async_step_reauth_api_key()
        if is_cloud(entry_data):
            return await self.async_step_reauth_cloud()
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask only for the new access code."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data[CONF_ACCESS_CODE] = user_input[CONF_ACCESS_CODE].strip()
            identity, errors = await self._async_identify()
            if identity is not None:
                return self.async_update_reload_and_abort(
                    self._get_reauth_entry(),
                    data_updates={CONF_ACCESS_CODE: self._data[CONF_ACCESS_CODE]},
                )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema({vol.Required(CONF_ACCESS_CODE): _PASSWORD}),
            description_placeholders={"serial": self._data[CONF_SERIAL]},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """New IP address or access code for the same printer."""
        entry = self._get_reconfigure_entry()
        if is_assistant(entry):
            return await self.async_step_assistant()
        if self._cloud_reconfigure_applies(entry):
            return await self.async_step_reconfigure_cloud()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._data = {**entry.data, **_flatten(user_input)}
            if self._data[CONF_SKIP_TLS_VERIFY]:
                return await self._async_finish_reconfigure()
            errors = await self._async_read_certificate(self._data)
            if errors.get(CONF_SERIAL) == "wrong_serial":
                return self.async_abort(reason="different_device")
            if not errors:
                assert self._certificate is not None
                if self._certificate.fingerprint != entry.data.get(CONF_FINGERPRINT):
                    return await self.async_step_certificate()
                return await self._async_finish_reconfigure()
        schema = self.add_suggested_values_to_schema(
            _printer_schema(entry.data, with_serial=False), user_input or dict(entry.data)
        )
        return self.async_show_form(step_id="reconfigure", data_schema=schema, errors=errors)

    async def _async_finish_reconfigure(self) -> ConfigFlowResult:
        entry = self._get_reconfigure_entry()
        identity, errors = await self._async_identify()
        if identity is None:
            schema = self.add_suggested_values_to_schema(
                _printer_schema(self._data, with_serial=False), self._data_as_form()
            )
            return self.async_show_form(step_id="reconfigure", data_schema=schema, errors=errors)
        return self.async_update_reload_and_abort(entry, data=self._data)
