"""After the cloud sign-in, each printer goes through the cloud or on the LAN.

Real components throughout: the fake cloud API issues tokens and access codes, the simulated
printers serve TLS MQTT with their own certificates, and the integration's SSDP listener hears
a real NOTIFY datagram on loopback.
"""

from __future__ import annotations

import json
import logging

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bambuprint_iq.cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
)
from custom_components.bambuprint_iq.const import (
    CONF_ACCESS_CODE,
    CONF_FINGERPRINT,
    CONF_FULL_REFRESH_MINUTES,
    CONF_METHOD,
    CONF_MQTT_PORT,
    DOMAIN,
)
from simulator.config import SimulatedPrinter
from simulator.sim_thread import SimulatorThread
from tests.fakes.bambu_cloud import FakeBambuCloud

from .cloud_support import (  # noqa: F401 - the *_fixture names are fixtures
    EMAIL,
    PASSWORD,
    address_input,
    announce,
    assert_no_secrets,
    choose,
    closed_port,
    cloud_broker_fixture,
    cloud_fixture,
    form_schema,
    login_type_fixture,
    sign_in,
    start_cloud_flow,
    suggested,
    visible,
)
from .conftest import TEST_SPEED
from .test_entities import state_of


@pytest.fixture(name="printers")
def printers_fixture() -> list[SimulatedPrinter]:
    """Two printers on the account; the second requires signed commands (no Developer Mode)."""
    return [
        SimulatedPrinter(model="P1S", seed=21, speed=TEST_SPEED),
        SimulatedPrinter(model="P1S", seed=22, speed=TEST_SPEED, secured=True),
    ]


def _colon(fingerprint: str) -> str:
    return ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()


def _method_of(hass: HomeAssistant) -> list[str]:
    return sorted(
        str(state.attributes["method"])
        for state in hass.states.async_all("sensor")
        if state.entity_id.endswith("connection_capabilities")
    )


@pytest.mark.parametrize("cloud_broker", [1])
async def test_announced_printer_goes_on_the_lan(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    cloud: FakeBambuCloud,
    caplog: pytest.LogCaptureFixture,
    hass_client: ClientSessionGenerator,
) -> None:
    """Heard on the LAN → offered locally → certificate pinned → LAN entry with the cloud code."""
    caplog.set_level(logging.DEBUG)
    first, second = simulator.printers
    assert await async_setup_component(hass, DOMAIN, {})
    await announce(hass, first.serial, first.host)
    shown: list[ConfigFlowResult] = []
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"printers": [first.serial, second.serial]}
    )
    shown.append(result)
    assert result["step_id"] == "cloud_path"
    assert result["menu_options"] == ["cloud_path_local", "cloud_path_cloud"]
    assert result["description_placeholders"] == {
        "name": "Workshop P1S",
        "serial": first.serial,
        "host": first.host,
    }
    result = await choose(hass, flow_id, "cloud_path_local")
    shown.append(result)
    assert result["step_id"] == "certificate"  # the LAN path's own trust step
    assert result["description_placeholders"] == {
        "fingerprint": _colon(first.fingerprint),
        "serial": first.serial,
    }
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    shown.append(result)
    assert result["step_id"] == "cloud_path_unseen"  # the second printer was not announced
    result = await choose(hass, flow_id, "cloud_path_cloud")
    shown.append(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Workshop P1S"
    data = result["data"]
    assert data[CONF_METHOD] == "developer"  # the printer takes unsigned commands
    assert data["host"] == first.host
    assert data[CONF_MQTT_PORT] == first.mqtt_port
    assert data[CONF_ACCESS_CODE] == first.access_code  # from the cloud, newline trimmed
    assert data[CONF_FINGERPRINT] == first.fingerprint
    assert data[CONF_CLOUD_ACCOUNT] == EMAIL
    assert data[CONF_REGION] == "global"
    assert data[CONF_CLOUD_CREDENTIALS]["access_token"] == cloud.last_token(EMAIL)
    assert result["options"] == {CONF_FULL_REFRESH_MINUTES: 60}
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, entry, "print_status") == "idle"
    assert _method_of(hass) == ["developer"]

    # The SSDP offer of the first printer is gone; the second waits, as a cloud printer.
    progress = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [(f["step_id"], f["context"]["unique_id"]) for f in progress] == [
        ("cloud_confirm", second.serial)
    ]
    result = await hass.config_entries.flow.async_configure(progress[0]["flow_id"], {})
    shown.append(result)
    assert result["data"][CONF_METHOD] == "cloud"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert _method_of(hass) == ["cloud", "developer"]

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    secrets = (PASSWORD, cloud.last_token(EMAIL), first.access_code, second.access_code)
    assert_no_secrets(
        secrets, json.dumps(diagnostics), caplog.text, entry.title, *map(visible, shown)
    )


async def test_typed_address_errors_and_secured_printer(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    cloud: FakeBambuCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Typed addresses are checked; a refused code falls back to the cloud; secured → local."""
    first, second = simulator.printers
    cloud.accounts[EMAIL].devices[0]["dev_access_code"] = "wrong123"
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    shown: list[ConfigFlowResult] = [
        await hass.config_entries.flow.async_configure(
            flow_id, {"printers": [first.serial, second.serial]}
        )
    ]
    result = await choose(hass, flow_id, "cloud_address")
    assert result["step_id"] == "cloud_address"
    assert result["description_placeholders"] == {"name": "Workshop P1S", "serial": first.serial}
    assert suggested(result, "host") == ""
    section = form_schema(result)["advanced"].schema.schema
    assert {str(k): k.default() for k in section} == {
        "mqtt_port": first.mqtt_port,
        "camera_port": first.camera_port,
    }
    attempts = {
        "nothing listens": (address_input(first.host, closed_port()), {"host": "cannot_connect"}),
        "not a printer": (
            address_input("127.0.0.1", int(cloud.api_url.rsplit(":", 1)[1])),
            {"host": "not_a_printer"},
        ),
        "other printer": (
            address_input(second.host, second.mqtt_port),
            {"host": "other_printer"},
        ),
    }
    for typed, errors in attempts.values():
        result = await hass.config_entries.flow.async_configure(flow_id, typed)
        assert result["errors"] == errors
        assert suggested(result, "host") == typed["host"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, address_input(first.host, first.mqtt_port, first.camera_port)
    )
    assert result["step_id"] == "certificate"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    shown.append(result)
    assert result["step_id"] == "cloud_address"
    assert result["errors"] == {"base": "cloud_access_code_refused"}
    # Giving up on the LAN: an empty address means "through the cloud".
    result = await hass.config_entries.flow.async_configure(
        flow_id, address_input("", first.mqtt_port)
    )
    assert result["step_id"] == "cloud_path_unseen"
    assert result["description_placeholders"]["serial"] == second.serial
    await choose(hass, flow_id, "cloud_address")
    await hass.config_entries.flow.async_configure(
        flow_id, address_input(second.host, second.mqtt_port, second.camera_port)
    )
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    shown.append(result)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_METHOD] == "cloud"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED

    confirm = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert confirm["step_id"] == "cloud_confirm"
    result = await hass.config_entries.flow.async_configure(confirm["flow_id"], {})
    shown.append(result)
    assert result["title"] == "Garage P1S"
    assert result["data"][CONF_METHOD] == "local"  # signed commands required: telemetry only
    assert result["data"][CONF_ACCESS_CODE] == second.access_code
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert _method_of(hass) == ["cloud", "local"]
    secrets = (PASSWORD, cloud.last_token(EMAIL), second.access_code, "wrong123")
    assert_no_secrets(secrets, caplog.text, *map(visible, shown))


@pytest.mark.parametrize("cloud_broker", [1])
async def test_nothing_chosen_and_printer_without_code(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """An empty choice is refused; a printer the cloud gives no code for goes to the cloud."""
    second = simulator.printers[1]
    cloud.accounts[EMAIL].devices[1]["dev_access_code"] = None
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    result = await hass.config_entries.flow.async_configure(flow_id, {"printers": []})
    assert result["errors"] == {"printers": "no_printer_chosen"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"printers": [second.serial]})
    assert result["type"] is FlowResultType.CREATE_ENTRY  # no menu: the LAN is out of reach
    assert result["data"][CONF_METHOD] == "cloud"
    assert CONF_ACCESS_CODE not in result["data"]
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
