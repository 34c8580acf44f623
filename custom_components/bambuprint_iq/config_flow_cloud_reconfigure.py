"""Reconfigure entries that came from a Bambu Cloud sign-in.

A cloud entry can move to the other region (a fresh sign-in there, see the sign-in mixin) or
to the LAN (the access code comes fresh from the account, the address from what the printer
reports or announces, and the certificate is pinned as on the LAN path). A LAN entry that kept
its account can go back to the cloud, or have its address changed the usual LAN way.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_HOST

from .cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
    is_cloud,
    is_lan_from_cloud,
    lan_ports,
)
from .config_flow_cloud_base import cloud_abort_reason, lan_entry_data
from .config_flow_cloud_path import CloudPathMixin, form_ports
from .const import CONF_METHOD, CONF_MODEL, CONF_SERIAL, ConnectionMethod
from .coordinator import BambuRuntimeData
from .core.cloud import CloudAuthError, CloudCredentials, CloudRegion, CloudUnavailable
from .discovery import async_seen_host


def _reported_host(entry: ConfigEntry) -> str | None:
    """The address the running printer reports about itself (``net.info`` over the cloud)."""
    if entry.state is not ConfigEntryState.LOADED:
        return None
    runtime: BambuRuntimeData = entry.runtime_data  # a loaded printer entry has its state
    return runtime.coordinator.data.network.ip_address


class CloudReconfigureMixin(CloudPathMixin):
    """Region and connection-path changes for entries tied to a cloud account."""

    _cloud_reconfigure_code: str | None = None

    def _cloud_reconfigure_applies(self, entry: ConfigEntry) -> bool:
        """Cloud entries, and LAN entries from the cloud until their address form is chosen."""
        return is_cloud(entry.data) or (
            is_lan_from_cloud(entry.data) and not self._cloud_lan_form_chosen
        )

    async def async_step_reconfigure_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """What to change for a printer tied to a cloud account."""
        entry = self._get_reconfigure_entry()
        if is_cloud(entry.data):
            options = ["reconfigure_region", "reconfigure_to_local"]
        else:
            options = ["reconfigure_address", "reconfigure_to_cloud"]
        return self.async_show_menu(
            step_id="reconfigure_cloud",
            menu_options=options,
            description_placeholders={"name": entry.title},
        )

    async def async_step_reconfigure_address(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """New address or access code on the LAN: the LAN path's own form."""
        self._cloud_lan_form_chosen = True
        return await self._lan.async_step_reconfigure()

    async def async_step_reconfigure_to_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Back to the cloud broker with the account the entry kept.

        A token that expired meanwhile fails the reload with a sign-in request (reauth).
        """
        entry = self._get_reconfigure_entry()
        if user_input is None:
            return self.async_show_form(
                step_id="reconfigure_to_cloud", description_placeholders={"name": entry.title}
            )
        data = {
            CONF_METHOD: ConnectionMethod.CLOUD.value,
            CONF_SERIAL: entry.data[CONF_SERIAL],
            CONF_MODEL: entry.data.get(CONF_MODEL),
            CONF_REGION: entry.data[CONF_REGION],
            CONF_CLOUD_ACCOUNT: entry.data[CONF_CLOUD_ACCOUNT],
            CONF_CLOUD_CREDENTIALS: entry.data[CONF_CLOUD_CREDENTIALS],
        }
        return self.async_update_reload_and_abort(entry, data=data)

    async def async_step_reconfigure_to_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move a cloud printer to the LAN: address, then the certificate to trust."""
        entry = self._get_reconfigure_entry()
        serial = str(entry.data[CONF_SERIAL])
        if self._cloud_reconfigure_code is None:
            problem = await self._async_fetch_access_code(entry)
            if problem is not None:
                return self.async_abort(reason=problem)
        if user_input is None:
            host = _reported_host(entry) or async_seen_host(self.hass, serial)
            return self._async_show_address_form(
                "reconfigure_to_local", {}, host, lan_ports(self.hass, serial)
            )
        host, ports = str(user_input[CONF_HOST]).strip(), form_ports(user_input)
        errors = await self._async_check_address(serial, host, ports[0])
        if errors.get(CONF_HOST) == "other_printer":
            return self.async_abort(reason="different_device")
        if errors:
            return self._async_show_address_form("reconfigure_to_local", errors, host, ports)
        assert self._cloud_reconfigure_code is not None
        self._lan._data = lan_entry_data(
            serial=serial,
            model=entry.data.get(CONF_MODEL),
            access_code=self._cloud_reconfigure_code,
            host=host,
            ports=ports,
            account=entry.data,
        )
        return await self._async_show_certificate()

    async def _async_fetch_access_code(self, entry: ConfigEntry) -> str | None:
        """Read the printer's current access code from the account; an abort reason if not."""
        try:
            credentials = CloudCredentials.from_storage(entry.data[CONF_CLOUD_CREDENTIALS])
        except (KeyError, ValueError):
            return "cloud_token_rejected"
        self._cloud_region = credentials.region
        try:
            devices = await self._cloud_client().async_get_devices(credentials)
        except (CloudAuthError, CloudUnavailable) as err:
            return cloud_abort_reason(err)
        device = next((d for d in devices if d.serial == entry.data[CONF_SERIAL]), None)
        if device is None:
            return "printer_not_on_account"
        if device.access_code is None:
            return "no_access_code"
        self._cloud_reconfigure_code = device.access_code
        return None

    async def _async_finish_region_switch(self, credentials: CloudCredentials) -> ConfigFlowResult:
        """Signed in to the other region: keep the entry if its printer is on that account."""
        entry = self._get_reconfigure_entry()
        try:
            devices = await self._cloud_client().async_get_devices(credentials)
        except (CloudAuthError, CloudUnavailable) as err:
            return self.async_abort(reason=cloud_abort_reason(err))
        if entry.data[CONF_SERIAL] not in {device.serial for device in devices}:
            return self.async_abort(reason="printer_not_on_account")
        return self.async_update_reload_and_abort(entry, data_updates=self._cloud_account())

    def _other_region(self, entry: ConfigEntry) -> CloudRegion:
        current = CloudRegion(entry.data[CONF_REGION])
        return next(region for region in CloudRegion if region is not current)
