"""LAN discovery: real SSDP NOTIFY datagrams sent to the integration's listener."""

from __future__ import annotations

import socket

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bambuprint_iq.const import DOMAIN
from custom_components.bambuprint_iq.discovery import SSDP_BIND, SSDP_LISTENER
from simulator.fleet import PrinterInfo

from .conftest import entry_for, flow_input
from .test_entities import wait_for


def _notify(serial: str, host: str) -> bytes:
    lines = [
        "NOTIFY * HTTP/1.1",
        "Host: 239.255.255.250:1990",
        "Server: UPnP/1.0",
        f"Location: {host}",
        "NT: urn:bambulab-com:device:3dprinter:1",
        "NTS: ssdp:alive",
        f"USN: {serial}",
        "Cache-Control: max-age=1800",
        "DevModel.bambu.com: C12",
        "DevName.bambu.com: Workshop P1S",
        "DevConnect.bambu.com: lan",
        "DevBind.bambu.com: free",
        "DevVersion.bambu.com: 01.08.00.00",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _send(hass: HomeAssistant, datagram: bytes) -> None:
    port = hass.data[SSDP_LISTENER].port
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(datagram, ("127.0.0.1", port))
    await hass.async_block_till_done()


@pytest.fixture(autouse=True)
def listen_on_loopback(hass: HomeAssistant, socket_enabled: None) -> None:
    """The discovery listener binds a free loopback port in these tests."""
    hass.data[SSDP_BIND] = ("127.0.0.1", 0)


async def test_new_printer_is_offered(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """An announcement starts a flow with the address and serial filled in."""
    assert await async_setup_component(hass, DOMAIN, {})
    await _send(hass, b"garbage that is not SSDP")
    await _send(hass, _notify(printer.serial, printer.host))
    await wait_for(hass, lambda: bool(hass.config_entries.flow.async_progress_by_handler(DOMAIN)))
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["step_id"] == "discovered"
    await _send(hass, _notify(printer.serial, printer.host))  # repeats do not stack flows
    assert len(hass.config_entries.flow.async_progress_by_handler(DOMAIN)) == 1
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {"next_step_id": "developer"}
    )
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
    assert suggested == {CONF_HOST: printer.host, "serial": printer.serial}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], flow_input(printer))
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_known_printer_with_new_address_is_updated(
    hass: HomeAssistant, printer: PrinterInfo
) -> None:
    """DHCP gave the printer a new address: the entry follows it and reconnects."""
    template = entry_for(printer, host="192.0.2.10")  # the old address; nothing answers there
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=template.unique_id,
        title=template.title,
        data=dict(template.data),
        disabled_by=ConfigEntryDisabler.USER,
    )
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})  # disabled: no attempt on 192.0.2.10
    await _send(hass, _notify(printer.serial, printer.host))
    await wait_for(hass, lambda: entry.data[CONF_HOST] == printer.host)
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    await hass.config_entries.async_set_disabled_by(entry.entry_id, None)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: entry.state is ConfigEntryState.LOADED, 30)
