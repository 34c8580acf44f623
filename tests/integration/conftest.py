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
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bambuprint_iq.assistant import (
    CONF_API_KEY,
    CONF_BASE_URL,
    CONF_MODEL_NAME,
    ENTRY_TYPE,
    ENTRY_TYPE_ASSISTANT,
)
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
from custom_components.bambuprint_iq.core.filament import (
    FetchPolicy,
    FilamentLibrary,
    LibraryConfig,
)
from custom_components.bambuprint_iq.filament_model import AssistantSpecExtractor
from custom_components.bambuprint_iq.history_store import storage_dir
from custom_components.bambuprint_iq.services_library import FILAMENT_LIBRARY
from simulator.fleet import PrinterInfo, SimulatedPrinter
from simulator.sim_thread import SimulatorThread
from tests.fakes.anthropic_api import TEST_API_KEY, TEST_MODEL, FakeAnthropicApi
from tests.fakes.filament_web import FilamentWeb, ofd_ndjson, spoolmandb_json

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


def assistant_data(api: FakeAnthropicApi, key: str = TEST_API_KEY) -> dict[str, object]:
    """Data of an assistant entry whose Claude is the loopback fake."""
    return {
        ENTRY_TYPE: ENTRY_TYPE_ASSISTANT,
        CONF_API_KEY: key,
        CONF_MODEL_NAME: TEST_MODEL,
        CONF_BASE_URL: api.base_url,
    }


@pytest.fixture
async def fake_api(socket_enabled: None) -> AsyncIterator[FakeAnthropicApi]:
    """The fake Messages API on 127.0.0.1."""
    async with FakeAnthropicApi() as api:
        yield api


@pytest.fixture
async def assistant(hass: HomeAssistant, fake_api: FakeAnthropicApi) -> MockConfigEntry:
    """A loaded assistant entry whose model is the fake."""
    entry = MockConfigEntry(domain=DOMAIN, unique_id="assistant", data=assistant_data(fake_api))
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    return entry


@pytest.fixture
async def filament_site(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[FilamentWeb]:
    """The database exports on loopback, and the integration's library pointed at them."""
    async with FilamentWeb() as web:
        web.add("/ofd/all.ndjson", ofd_ndjson(web.base_url), "application/x-ndjson")
        web.add("/spoolmandb/filaments.json", spoolmandb_json(), "application/json")
        assert await async_setup_component(hass, DOMAIN, {})
        hass.data[FILAMENT_LIBRARY] = FilamentLibrary(
            storage_dir(hass) / "filament",
            async_get_clientsession(hass),
            config=LibraryConfig(
                ofd_url=web.url("/ofd/all.ndjson"),
                spoolmandb_url=web.url("/spoolmandb/filaments.json"),
                fetch_policy=FetchPolicy(min_interval_s=0.05, backoff_base_s=0.02),
            ),
            extractor=AssistantSpecExtractor(hass),
        )
        yield web
