"""Bambu Cloud sign-in steps of the config flow: password, e-mailed code or 2FA, then printers.

Each printer of the account becomes its own entry (unique id = serial) carrying the account's
token; the first one chosen is created by this flow, the others are offered as discovered
printers to confirm, which is how Home Assistant adds several entries from one sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import voluptuous as vol

from .cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
    cloud_endpoints,
)
from .const import CONF_METHOD, CONF_MODEL, CONF_SERIAL, DOMAIN, ConnectionMethod
from .core.cloud import (
    BambuCloudClient,
    CloudAuthError,
    CloudCredentials,
    CloudDevice,
    CloudflareBlocked,
    CloudRegion,
    CloudUnavailable,
    EmailCodeRequired,
    InvalidCredentials,
    LoginStep,
    PhoneAccountNotSupported,
    TfaCodeInvalid,
    TfaRequired,
    VerificationCodeExpired,
    VerificationCodeInvalid,
)

CONF_EMAIL = "email"
CONF_PASSWORD = "password"
CONF_CODE = "code"
CONF_RESEND = "send_new_code"
CONF_PRINTERS = "printers"

_SECRET = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))


def _login_errors(err: Exception) -> dict[str, str]:
    """Translate a sign-in failure into a form error next to the right field."""
    if isinstance(err, PhoneAccountNotSupported):
        return {CONF_EMAIL: "phone_not_supported"}
    if isinstance(err, InvalidCredentials):
        return {CONF_PASSWORD: "invalid_auth"}
    if isinstance(err, VerificationCodeExpired):
        return {CONF_CODE: "code_expired"}
    if isinstance(err, VerificationCodeInvalid | TfaCodeInvalid):
        return {CONF_CODE: "code_incorrect"}
    if isinstance(err, CloudflareBlocked):
        return {"base": "cloudflare"}
    return {"base": "cloud_unavailable"}


class CloudFlowMixin(ConfigFlow):
    """Steps for the "Bambu Cloud" choice of the method menu, and cloud reauth."""

    _cloud_region: CloudRegion = CloudRegion.GLOBAL
    _cloud_email: str = ""
    _cloud_step: LoginStep | None = None
    _cloud_credentials: CloudCredentials | None = None
    _cloud_devices: tuple[CloudDevice, ...] = ()
    _cloud_reauth_entry: ConfigEntry | None = None
    _cloud_pending: dict[str, Any] | None = None

    def _cloud_client(self) -> BambuCloudClient:
        return BambuCloudClient(
            async_get_clientsession(self.hass),
            self._cloud_region,
            endpoints=cloud_endpoints(self.hass, self._cloud_region),
        )

    async def async_step_cloud(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Region, e-mail and password."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._cloud_region = CloudRegion(user_input[CONF_REGION])
            self._cloud_email = user_input[CONF_EMAIL].strip()
            try:
                step = await self._cloud_client().async_login(
                    self._cloud_email, user_input[CONF_PASSWORD]
                )
            except (CloudAuthError, CloudUnavailable) as err:
                errors = _login_errors(err)
            else:
                return await self._async_next_cloud_step(step)
        schema = vol.Schema(
            {
                vol.Required(CONF_REGION, default=self._cloud_region.value): SelectSelector(
                    SelectSelectorConfig(
                        options=[r.value for r in CloudRegion],
                        translation_key="region",
                        mode=SelectSelectorMode.LIST,
                    )
                ),
                vol.Required(CONF_EMAIL, default=self._cloud_email): str,
                vol.Required(CONF_PASSWORD): _SECRET,
            }
        )
        return self.async_show_form(step_id="cloud", data_schema=schema, errors=errors)

    async def _async_next_cloud_step(self, step: LoginStep) -> ConfigFlowResult:
        self._cloud_step = step
        if isinstance(step, EmailCodeRequired):
            return await self.async_step_cloud_code()
        if isinstance(step, TfaRequired):
            return await self.async_step_cloud_tfa()
        self._cloud_credentials = step
        if self._cloud_reauth_entry is not None:
            return self._async_finish_cloud_reauth(step)
        return await self.async_step_cloud_printers()

    async def async_step_cloud_code(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The code Bambu e-mailed; a new one on request (codes expire after minutes)."""
        errors: dict[str, str] = {}
        client = self._cloud_client()
        if user_input is not None:
            try:
                if user_input.get(CONF_RESEND):
                    self._cloud_step = await client.async_request_email_code(self._cloud_email)
                else:
                    credentials = await client.async_login_with_code(
                        self._cloud_email, user_input[CONF_CODE].strip()
                    )
                    return await self._async_next_cloud_step(credentials)
            except (CloudAuthError, CloudUnavailable) as err:
                errors = _login_errors(err)
        reason = (
            self._cloud_step.reason if isinstance(self._cloud_step, EmailCodeRequired) else None
        )
        schema = vol.Schema(
            {
                vol.Optional(CONF_CODE, default=""): str,
                vol.Optional(CONF_RESEND, default=False): bool,
            }
        )
        return self.async_show_form(
            step_id="cloud_code",
            data_schema=schema,
            errors=errors,
            description_placeholders={"reason": reason.value if reason else "requested"},
        )

    async def async_step_cloud_tfa(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The authenticator app's code; if Bambu refuses 2FA, an e-mailed code takes over."""
        errors: dict[str, str] = {}
        if user_input is not None:
            assert isinstance(self._cloud_step, TfaRequired)
            try:
                step = await self._cloud_client().async_submit_tfa_code(
                    self._cloud_step, user_input[CONF_CODE].strip()
                )
            except (CloudAuthError, CloudUnavailable) as err:
                errors = _login_errors(err)
            else:
                return await self._async_next_cloud_step(step)
        return self.async_show_form(
            step_id="cloud_tfa",
            data_schema=vol.Schema({vol.Required(CONF_CODE): str}),
            errors=errors,
        )

    async def async_step_cloud_printers(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the account's printers; each becomes its own entry."""
        assert self._cloud_credentials is not None
        if not self._cloud_devices:
            try:
                self._cloud_devices = await self._cloud_client().async_get_devices(
                    self._cloud_credentials
                )
            except (CloudAuthError, CloudUnavailable) as err:
                return self.async_abort(reason=_cloud_abort_reason(err))
        known = self._async_current_ids(include_ignore=False)
        available = [d for d in self._cloud_devices if d.serial not in known]
        if not available:
            return self.async_abort(reason="no_new_printers")
        if user_input is not None:
            chosen = [d for d in available if d.serial in user_input[CONF_PRINTERS]]
            first, *others = chosen
            for device in others:
                self.hass.async_create_task(
                    self.hass.config_entries.flow.async_init(
                        DOMAIN,
                        context={"source": SOURCE_INTEGRATION_DISCOVERY},
                        data=self._cloud_entry_data(device),
                    )
                )
            await self.async_set_unique_id(first.serial)
            self._abort_if_unique_id_configured()
            return self.async_create_entry(title=_title(first), data=self._cloud_entry_data(first))
        options = [
            SelectOptionDict(
                value=d.serial, label=f"{_title(d)} ({'online' if d.online else 'offline'})"
            )
            for d in available
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_PRINTERS, default=[available[0].serial]): SelectSelector(
                    SelectSelectorConfig(options=options, multiple=True)
                )
            }
        )
        return self.async_show_form(step_id="cloud_printers", data_schema=schema)

    def _cloud_entry_data(self, device: CloudDevice) -> dict[str, Any]:
        assert self._cloud_credentials is not None
        return {
            CONF_METHOD: ConnectionMethod.CLOUD.value,
            CONF_SERIAL: device.serial,
            CONF_MODEL: device.model.value if device.model else None,
            CONF_REGION: self._cloud_region.value,
            CONF_CLOUD_ACCOUNT: self._cloud_email,
            CONF_CLOUD_CREDENTIALS: self._cloud_credentials.to_storage(),
        }

    async def async_step_integration_discovery(
        self, discovery_info: dict[str, Any]
    ) -> ConfigFlowResult:
        """Another printer chosen in a cloud sign-in: confirm it once."""
        await self.async_set_unique_id(discovery_info[CONF_SERIAL])
        self._abort_if_unique_id_configured()
        self._cloud_pending = dict(discovery_info)
        self.context["title_placeholders"] = {"name": discovery_info[CONF_SERIAL][-4:]}
        return await self.async_step_cloud_confirm()

    async def async_step_cloud_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a further printer of the signed-in account."""
        assert self._cloud_pending is not None
        if user_input is not None:
            data = self._cloud_pending
            return self.async_create_entry(title=f"Bambu Lab {data[CONF_SERIAL][-4:]}", data=data)
        return self.async_show_form(
            step_id="cloud_confirm",
            description_placeholders={"serial": self._cloud_pending[CONF_SERIAL]},
        )

    async def async_step_reauth_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The cloud token expired or was revoked: sign in again (password, then code/2FA)."""
        entry = self._get_reauth_entry()
        self._cloud_reauth_entry = entry
        self._cloud_region = CloudRegion(entry.data[CONF_REGION])
        self._cloud_email = entry.data[CONF_CLOUD_ACCOUNT]
        errors: dict[str, str] = {}
        if user_input is not None:
            try:
                step = await self._cloud_client().async_login(
                    self._cloud_email, user_input[CONF_PASSWORD]
                )
            except (CloudAuthError, CloudUnavailable) as err:
                errors = _login_errors(err)
            else:
                return await self._async_next_cloud_step(step)
        return self.async_show_form(
            step_id="reauth_cloud",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): _SECRET}),
            description_placeholders={"account": self._cloud_email},
            errors=errors,
        )

    def _async_finish_cloud_reauth(self, credentials: CloudCredentials) -> ConfigFlowResult:
        """Store the new token in every entry of the account, then reload the one in reauth."""
        assert self._cloud_reauth_entry is not None
        stored = credentials.to_storage()
        for entry in self.hass.config_entries.async_entries(DOMAIN):
            same_account = entry.data.get(CONF_CLOUD_ACCOUNT) == self._cloud_email
            if same_account and entry.entry_id != self._cloud_reauth_entry.entry_id:
                self.hass.config_entries.async_update_entry(
                    entry, data={**entry.data, CONF_CLOUD_CREDENTIALS: stored}
                )
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_update_reload_and_abort(
            self._cloud_reauth_entry, data_updates={CONF_CLOUD_CREDENTIALS: stored}
        )

    async def async_step_reconfigure_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """A cloud printer: the sign-in is renewed through reauth."""
        return self.async_abort(reason="reconfigure_not_needed")


def _title(device: CloudDevice) -> str:
    return device.name or f"Bambu Lab {device.serial[-4:]}"


def _cloud_abort_reason(err: Exception) -> str:
    return "cloud_token_rejected" if isinstance(err, CloudAuthError) else "cloud_unavailable"


def is_cloud(data: Mapping[str, Any]) -> bool:
    """Entries created by the cloud sign-in."""
    return data.get(CONF_METHOD) == ConnectionMethod.CLOUD.value
