"""Fixtures that run real simulated printers (TLS MQTT broker + printer logic) on loopback.

Nothing here mocks the integration's own client: Home Assistant talks MQTT over TLS to a real
broker in a background thread, exactly as it would to a printer on the LAN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bambuprint_iq.const import (
    CONF_ACCESS_CODE,
    CONF_CAMERA_PORT,
    CONF_FINGERPRINT,
    CONF_METHOD,
    CONF_MODEL,
    CONF_MQTT_PORT,
    CONF_SERIAL,
    CONF_SKIP_TLS_VERIFY,
    DOMAIN,
)
from simulator.fleet import PrinterInfo, SimulatedPrinter
from simulator.sim_thread import SimulatorThread

# Fast enough for tests, slow enough that a print has visible intermediate states.
TEST_SPEED = 30.0


@pytest.fixture
def printers() -> list[SimulatedPrinter]:
    """The printers a test runs; override in a module or with parametrize."""
    return [SimulatedPrinter(model="P1S", ams_units=1, seed=1, speed=TEST_SPEED)]


@pytest.fixture
async def simulator(
    hass: HomeAssistant, socket_enabled: None, printers: list[SimulatedPrinter]
) -> AsyncIterator[SimulatorThread]:
    """Run the printers for one test; everything stops (and joins) afterwards.

    Entries are unloaded first, like a user removing the integration before switching
    the printers off, so teardown does not measure reconnect attempts.
    """
    sim = SimulatorThread(printers)
    await hass.async_add_executor_job(sim.start)
    try:
        yield sim
    finally:
        await hass.async_block_till_done()
        for entry in hass.config_entries.async_entries(DOMAIN):
            if entry.state is ConfigEntryState.LOADED:
                await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_add_executor_job(sim.close)


@pytest.fixture
def printer(simulator: SimulatorThread) -> PrinterInfo:
    """The first simulated printer."""
    return simulator.printers[0]


def flow_input(info: PrinterInfo, **overrides: Any) -> dict[str, Any]:
    """What a user types into the printer form for ``info``."""
    advanced = {
        CONF_MQTT_PORT: info.mqtt_port,
        CONF_CAMERA_PORT: info.camera_port or 6000,
        CONF_SKIP_TLS_VERIFY: overrides.pop(CONF_SKIP_TLS_VERIFY, False),
    }
    advanced.update({k: overrides.pop(k) for k in list(overrides) if k in advanced})
    return {
        CONF_HOST: info.host,
        CONF_SERIAL: info.serial,
        CONF_ACCESS_CODE: info.access_code,
        "advanced": advanced,
        **overrides,
    }


def entry_for(info: PrinterInfo, method: str = "developer", **data: Any) -> MockConfigEntry:
    """A config entry equal to what the flow creates for ``info``."""
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=info.serial,
        title=f"{info.model} {info.serial[-4:]}",
        data={
            CONF_HOST: info.host,
            CONF_SERIAL: info.serial,
            CONF_ACCESS_CODE: info.access_code,
            CONF_MQTT_PORT: info.mqtt_port,
            CONF_CAMERA_PORT: info.camera_port or 6000,
            CONF_SKIP_TLS_VERIFY: False,
            CONF_FINGERPRINT: info.fingerprint,
            CONF_METHOD: method,
            CONF_MODEL: None,
            **data,
        },
    )


async def setup_printer(
    hass: HomeAssistant, info: PrinterInfo, method: str = "developer", **data: Any
) -> MockConfigEntry:
    """Add and set up an entry for a simulated printer."""
    entry = entry_for(info, method, **data)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def printer_device(hass: HomeAssistant, entry: MockConfigEntry, serial: str) -> dr.DeviceEntry:
    """The printer's own device (not one of its AMS units)."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return next(d for d in devices if (DOMAIN, serial) in d.identifiers)
