"""Bambu Cloud sign-in steps of the config flow: password, e-mailed code or 2FA, then printers.

The same sign-in serves three purposes: adding printers (then, per printer, cloud or LAN:
``config_flow_cloud_path.py``), renewing an expired or revoked token (reauth), and moving a
cloud entry to the other region (reconfigure: ``config_flow_cloud_reconfigure.py``).
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigEntry, ConfigFlowResult
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import voluptuous as vol

from .cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
    is_cloud,
)
from .config_flow_cloud_base import (
    CONF_CODE,
    CONF_EMAIL,
    CONF_PASSWORD,
    cloud_abort_reason,
    device_title,
    login_errors,
)
from .config_flow_cloud_reconfigure import CloudReconfigureMixin
from .const import CONF_ACCESS_CODE, CONF_SERIAL, DOMAIN
from .core.cloud import (
    CloudAuthError,
    CloudCredentials,
    CloudRegion,
    CloudUnavailable,
    EmailCodeRequired,
    LoginStep,
    TfaRequired,
)
from .flow_selectors import PASSWORD

__all__ = ["CloudFlowMixin"]

CONF_RESEND = "send_new_code"
CONF_PRINTERS = "printers"


def _sign_in_schema(region: CloudRegion, email: str) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_REGION, default=region.value): SelectSelector(
                SelectSelectorConfig(
                    options=[r.value for r in CloudRegion],
                    translation_key="region",
                    mode=SelectSelectorMode.LIST,
                )
            ),
            vol.Required(CONF_EMAIL, default=email): str,
            vol.Required(CONF_PASSWORD): PASSWORD,
        }
    )


class CloudFlowMixin(CloudReconfigureMixin):
    """Steps for the "Bambu Cloud" choice of the method menu, cloud reauth and region change."""

    async def async_step_cloud(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Region, e-mail and password."""
        errors: dict[str, str] = {}
        if user_input is not None:
            result, errors = await self._async_sign_in(user_input)
            if result is not None:
                return result
        return self.async_show_form(
            step_id="cloud",
            data_schema=_sign_in_schema(self._cloud_region, self._cloud_email),
            errors=errors,
        )

    async def _async_sign_in(
        self, user_input: dict[str, Any]
    ) -> tuple[ConfigFlowResult | None, dict[str, str]]:
        """Submit region, e-mail and password; the next step, or the form's errors."""
        self._cloud_region = CloudRegion(user_input[CONF_REGION])
        self._cloud_email = user_input[CONF_EMAIL].strip()
        try:
            step = await self._cloud_client().async_login(
                self._cloud_email, user_input[CONF_PASSWORD]
            )
        except (CloudAuthError, CloudUnavailable) as err:
            return None, login_errors(err)
        return await self._async_next_cloud_step(step), {}

    async def _async_next_cloud_step(self, step: LoginStep) -> ConfigFlowResult:
        self._cloud_step = step
        if isinstance(step, EmailCodeRequired):
            return await self.async_step_cloud_code()
        if isinstance(step, TfaRequired):
            return await self.async_step_cloud_tfa()
        self._cloud_credentials = step
        if self._cloud_reauth_entry is not None:
            return await self._async_finish_cloud_reauth(step)
        if self.source == SOURCE_RECONFIGURE:
            return await self._async_finish_region_switch(step)
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
                errors = login_errors(err)
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
                errors = login_errors(err)
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
                return self.async_abort(reason=cloud_abort_reason(err))
        known = self._async_current_ids(include_ignore=False)
        available = [d for d in self._cloud_devices if d.serial not in known]
        if not available:
            return self.async_abort(reason="no_new_printers")
        errors: dict[str, str] = {}
        if user_input is not None:
            self._cloud_queue = tuple(d for d in available if d.serial in user_input[CONF_PRINTERS])
            if self._cloud_queue:
                return await self._async_next_cloud_printer()
            errors = {CONF_PRINTERS: "no_printer_chosen"}
        options = [
            SelectOptionDict(
                value=d.serial, label=f"{device_title(d)} ({'online' if d.online else 'offline'})"
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
        return self.async_show_form(step_id="cloud_printers", data_schema=schema, errors=errors)

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
                errors = login_errors(err)
            else:
                return await self._async_next_cloud_step(step)
        return self.async_show_form(
            step_id="reauth_cloud",
            data_schema=vol.Schema({vol.Required(CONF_PASSWORD): PASSWORD}),
            description_placeholders={"account": self._cloud_email},
            errors=errors,
        )

    async def _async_finish_cloud_reauth(self, credentials: CloudCredentials) -> ConfigFlowResult:
        """Store the new token in every entry of the account, then reload the one in reauth.

        LAN entries set up from this account also get the printer's current access code,
        in case it changed since (the cloud always knows the current one).
        """
        assert self._cloud_reauth_entry is not None
        stored = credentials.to_storage()
        siblings = [
            entry
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.entry_id != self._cloud_reauth_entry.entry_id
            and entry.data.get(CONF_CLOUD_ACCOUNT) == self._cloud_email
            and entry.data.get(CONF_REGION) == self._cloud_region.value
        ]
        codes = await self._async_access_codes(credentials, siblings)
        for entry in siblings:
            updates: dict[str, Any] = {CONF_CLOUD_CREDENTIALS: stored}
            code = codes.get(entry.data.get(CONF_SERIAL, ""))
            if code is not None and code != entry.data.get(CONF_ACCESS_CODE):
                updates[CONF_ACCESS_CODE] = code
            self.hass.config_entries.async_update_entry(entry, data={**entry.data, **updates})
            if is_cloud(entry.data) or CONF_ACCESS_CODE in updates:
                self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_update_reload_and_abort(
            self._cloud_reauth_entry, data_updates={CONF_CLOUD_CREDENTIALS: stored}
        )

    async def _async_access_codes(
        self, credentials: CloudCredentials, entries: list[ConfigEntry]
    ) -> dict[str, str]:
        """Serial → current access code, asked only when a LAN entry of the account exists."""
        if all(is_cloud(entry.data) for entry in entries):
            return {}
        try:
            devices = await self._cloud_client().async_get_devices(credentials)
        except (CloudAuthError, CloudUnavailable):
            return {}  # the token itself is fine; codes are refreshed at the next sign-in
        return {d.serial: d.access_code for d in devices if d.access_code is not None}

    async def async_step_reconfigure_region(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in to the other region's cloud (China accounts live on separate servers)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        region, email = self._other_region(entry), entry.data[CONF_CLOUD_ACCOUNT]
        if user_input is not None:
            result, errors = await self._async_sign_in(user_input)
            if result is not None:
                return result
            region, email = self._cloud_region, self._cloud_email
        return self.async_show_form(
            step_id="reconfigure_region",
            data_schema=_sign_in_schema(region, email),
            errors=errors,
        )
