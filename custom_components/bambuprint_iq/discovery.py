"""Printer discovery on the LAN: Bambu printers broadcast SSDP NOTIFY datagrams to UDP 2021.

Home Assistant's own SSDP listener watches multicast 1900, not this broadcast port, so the
integration listens itself. A new printer is offered in "Discovered"; a known printer whose
address changed gets its entry updated and reloaded (printers usually get their IP by DHCP).
"""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.config_entries import SOURCE_DISCOVERY
from homeassistant.const import CONF_HOST, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .const import CONF_METHOD, CONF_SERIAL, DOMAIN, ConnectionMethod
from .core.printer.ssdp import SsdpDiscovery, SsdpListener

_LOGGER = logging.getLogger(__name__)
SSDP_BIND: HassKey[tuple[str, int] | None] = HassKey(f"{DOMAIN}_ssdp_bind")
"""Address and port to listen on (tests: loopback and a free port); None switches it off."""
SSDP_LISTENER: HassKey[SsdpListener] = HassKey(f"{DOMAIN}_ssdp_listener")
SSDP_SEEN: HassKey[dict[str, SsdpDiscovery]] = HassKey(f"{DOMAIN}_ssdp_seen")
"""Latest announcement per serial, so other flows (cloud sign-in) know where a printer is."""
DEFAULT_BIND: Final = ("0.0.0.0", 2021)
_LAN_METHODS = {ConnectionMethod.LOCAL.value, ConnectionMethod.DEVELOPER.value}


@callback
def async_handle_discovery(hass: HomeAssistant, found: SsdpDiscovery) -> None:
    """Update a known printer's address, or offer a new printer to the user."""
    hass.data.setdefault(SSDP_SEEN, {})[found.serial.upper()] = found
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.unique_id != found.serial:
            continue
        lan = entry.data.get(CONF_METHOD) in _LAN_METHODS
        if lan and entry.data.get(CONF_HOST) != found.host:
            _LOGGER.info("Printer %s moved to a new address; updating", entry.title)
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_HOST: found.host}
            )
            hass.config_entries.async_schedule_reload(entry.entry_id)
        return
    if any(
        flow["context"].get("unique_id") == found.serial
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    ):
        return
    hass.async_create_task(
        hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_DISCOVERY},
            data={
                CONF_SERIAL: found.serial,
                CONF_HOST: found.host,
                "name": found.name,
                "lan_only": found.lan_only,
            },
        )
    )


@callback
def async_seen_host(hass: HomeAssistant, serial: str) -> str | None:
    """The address the printer last announced on the LAN, None when it was not heard."""
    found = hass.data.get(SSDP_SEEN, {}).get(serial.upper())
    return found.host if found is not None else None


async def async_start_discovery(hass: HomeAssistant) -> None:
    """Listen for the whole life of Home Assistant; a busy or blocked port is not fatal."""
    bind = hass.data.get(SSDP_BIND, DEFAULT_BIND)
    if bind is None:
        return
    host, port = bind
    listener = SsdpListener(
        lambda found: async_handle_discovery(hass, found), port=port, bind_address=host
    )
    try:
        await listener.async_start()
    except Exception as err:
        _LOGGER.info("Printer discovery is off (UDP %s unavailable: %s)", port, err)
        return
    hass.data[SSDP_LISTENER] = listener

    async def _stop(_event: Event) -> None:
        await listener.async_stop()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _stop)
