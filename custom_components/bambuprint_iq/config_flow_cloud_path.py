"""After the cloud sign-in: per chosen printer, through the cloud or on the LAN.

The LAN is offered only when the printer answers there: at the address it last announced
(SSDP), or at one the user types. Its certificate is read without credentials (CN must be
the serial) and pinned through the LAN path's own certificate step; only then is the access
code the cloud handed out sent to the printer, which also tells whether it takes unsigned
commands (Developer Mode) or telemetry only.

Printers are asked one after the other. A flow creates one entry, so the first chosen printer
is created here and the others are offered under "Discovered" with their decision attached.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_RECONFIGURE,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST

from .cloud_setup import lan_ports
from .config_flow_cloud_base import (
    CloudEntryPlan,
    CloudFlowBase,
    address_schema,
    device_title,
    lan_entry_data,
    lan_method,
)
from .const import (
    CONF_ACCESS_CODE,
    CONF_CAMERA_PORT,
    CONF_METHOD,
    CONF_MODEL,
    CONF_MQTT_PORT,
    CONF_SERIAL,
    DOMAIN,
    ConnectionMethod,
)
from .core.cloud import CloudDevice
from .discovery import async_seen_host
from .flow_selectors import ADVANCED, NEW_PRINTER_OPTIONS


def address_errors(errors: Mapping[str, str]) -> dict[str, str]:
    """LAN-path errors rephrased for a form that asks only for the address."""
    if CONF_SERIAL in errors:
        return {CONF_HOST: "other_printer"}
    if CONF_ACCESS_CODE in errors:
        return {"base": "cloud_access_code_refused"}
    return dict(errors)


def form_ports(user_input: Mapping[str, Any]) -> tuple[int, int]:
    """MQTT and camera port from the address form's collapsed section."""
    advanced = user_input[ADVANCED]
    return int(advanced[CONF_MQTT_PORT]), int(advanced[CONF_CAMERA_PORT])


class CloudPathMixin(CloudFlowBase):
    """Cloud or LAN for each printer picked after signing in."""

    @property
    def _cloud_device(self) -> CloudDevice:
        """The printer being asked about."""
        return self._cloud_queue[0]

    async def _async_next_cloud_printer(self) -> ConfigFlowResult:
        if not self._cloud_queue:
            return await self._async_create_cloud_entries()
        device = self._cloud_device
        if device.access_code is None:
            # Without the access code the LAN is not reachable: nothing to choose.
            return await self.async_step_cloud_path_cloud()
        self._cloud_lan_host = await self._async_answering_host(
            device.serial, async_seen_host(self.hass, device.serial)
        )
        if self._cloud_lan_host is None:
            return await self.async_step_cloud_path_unseen()
        return await self.async_step_cloud_path()

    async def _async_answering_host(self, serial: str, host: str | None) -> str | None:
        """``host`` if this printer's certificate is served there (reads it, trusts nothing)."""
        if host is None:
            return None
        mqtt_port, _camera = lan_ports(self.hass, serial)
        errors = await self._async_check_address(serial, host, mqtt_port)
        return None if errors else host

    async def _async_check_address(self, serial: str, host: str, mqtt_port: int) -> dict[str, str]:
        probe = {CONF_HOST: host, CONF_MQTT_PORT: mqtt_port, CONF_SERIAL: serial.upper()}
        return address_errors(await self._lan._async_read_certificate(probe))

    async def async_step_cloud_path(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The printer answered on the LAN: connect there, or through the cloud."""
        device = self._cloud_device
        return self.async_show_menu(
            step_id="cloud_path",
            menu_options=["cloud_path_local", "cloud_path_cloud"],
            description_placeholders={
                "name": device_title(device),
                "serial": device.serial,
                "host": str(self._cloud_lan_host),
            },
        )

    async def async_step_cloud_path_unseen(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Not heard on the LAN: the cloud, or an address the user knows."""
        device = self._cloud_device
        return self.async_show_menu(
            step_id="cloud_path_unseen",
            menu_options=["cloud_path_cloud", "cloud_address"],
            description_placeholders={"name": device_title(device), "serial": device.serial},
        )

    async def async_step_cloud_path_cloud(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Through Bambu's cloud broker with the account's token."""
        device = self._cloud_device
        data = {
            CONF_METHOD: ConnectionMethod.CLOUD.value,
            CONF_SERIAL: device.serial,
            CONF_MODEL: device.model.value if device.model else None,
            **self._cloud_account(),
        }
        return await self._async_planned(
            CloudEntryPlan(serial=device.serial, title=device_title(device), data=data, options={})
        )

    async def async_step_cloud_path_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """On the LAN at the address where the printer just answered."""
        assert self._cloud_lan_host is not None
        return await self._async_pin_cloud_printer(
            self._cloud_lan_host, lan_ports(self.hass, self._cloud_device.serial)
        )

    async def async_step_cloud_address(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The printer's LAN address; left empty, the printer goes through the cloud."""
        device = self._cloud_device
        if user_input is None:
            return self._async_show_address_form(
                "cloud_address", {}, None, lan_ports(self.hass, device.serial)
            )
        host = str(user_input.get(CONF_HOST) or "").strip()
        if not host:
            return await self.async_step_cloud_path_cloud()
        ports = form_ports(user_input)
        errors = await self._async_check_address(device.serial, host, ports[0])
        if errors:
            return self._async_show_address_form("cloud_address", errors, host, ports)
        return await self._async_pin_cloud_printer(host, ports)

    async def _async_pin_cloud_printer(self, host: str, ports: tuple[int, int]) -> ConfigFlowResult:
        """Hand over to the LAN path's certificate step (it comes back to the method below)."""
        device = self._cloud_device
        assert device.access_code is not None
        self._lan._data = lan_entry_data(
            serial=device.serial,
            model=device.model.value if device.model else None,
            access_code=device.access_code,
            host=host,
            ports=ports,
            account=self._cloud_account(),
        )
        return await self._async_show_certificate()

    async def _async_show_certificate(self) -> ConfigFlowResult:
        self._cloud_lan_pending = True
        return await self._lan.async_step_certificate()

    async def async_cloud_lan_confirmed(self) -> ConfigFlowResult:
        """The certificate is pinned: log in with the cloud's access code, then decide."""
        self._cloud_lan_pending = False
        lan_data = self._lan._data
        identity, errors = await self._lan._async_identify()
        if identity is None:
            step_id = (
                "reconfigure_to_local" if self.source == SOURCE_RECONFIGURE else "cloud_address"
            )
            ports = (lan_data[CONF_MQTT_PORT], lan_data[CONF_CAMERA_PORT])
            return self._async_show_address_form(
                step_id, address_errors(errors), lan_data[CONF_HOST], ports
            )
        data = {
            **lan_data,
            CONF_METHOD: lan_method(identity).value,
            CONF_MODEL: identity.model.value if identity.model else lan_data[CONF_MODEL],
        }
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(self._get_reconfigure_entry(), data=data)
        device = self._cloud_device
        return await self._async_planned(
            CloudEntryPlan(
                serial=device.serial,
                title=device_title(device),
                data=data,
                options=dict(NEW_PRINTER_OPTIONS),
            )
        )

    def _async_show_address_form(
        self, step_id: str, errors: dict[str, str], host: str | None, ports: tuple[int, int]
    ) -> ConfigFlowResult:
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            name, serial = entry.title, str(entry.data[CONF_SERIAL])
        else:
            name, serial = device_title(self._cloud_device), self._cloud_device.serial
        schema = address_schema(*ports, host_required=step_id != "cloud_address")
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, {CONF_HOST: host or ""}),
            errors=errors,
            description_placeholders={"name": name, "serial": serial},
        )

    async def _async_planned(self, plan: CloudEntryPlan) -> ConfigFlowResult:
        """One printer decided; on to the next."""
        self._cloud_plans = (*self._cloud_plans, plan)
        self._cloud_queue = self._cloud_queue[1:]
        self._cloud_lan_host = None
        return await self._async_next_cloud_printer()

    async def _async_create_cloud_entries(self) -> ConfigFlowResult:
        first, *others = self._cloud_plans
        for plan in others:
            self.hass.async_create_task(
                self.hass.config_entries.flow.async_init(
                    DOMAIN,
                    context={"source": SOURCE_INTEGRATION_DISCOVERY},
                    data=plan.as_discovery(),
                )
            )
        # A LAN offer (SSDP) of the same printer may be open; it ends when this entry exists.
        await self.async_set_unique_id(first.serial, raise_on_progress=False)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(
            title=first.title, data=dict(first.data), options=dict(first.options)
        )

    async def async_step_integration_discovery(
        self, discovery_info: dict[str, Any]
    ) -> ConfigFlowResult:
        """Another printer chosen in a cloud sign-in: confirm it once."""
        try:
            plan = CloudEntryPlan.from_discovery(discovery_info)
        except ValueError:
            return self.async_abort(reason="invalid_discovery_info")
        await self.async_set_unique_id(plan.serial)
        self._abort_if_unique_id_configured()
        self._cloud_pending = plan
        self.context["title_placeholders"] = {"name": plan.title}
        return await self.async_step_cloud_confirm()

    async def async_step_cloud_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a further printer of the signed-in account, as decided in the sign-in."""
        plan = self._cloud_pending
        assert plan is not None
        if user_input is not None:
            return self.async_create_entry(
                title=plan.title, data=dict(plan.data), options=dict(plan.options)
            )
        return self.async_show_form(
            step_id="cloud_confirm",
            description_placeholders={"name": plan.title, "serial": plan.serial},
        )
