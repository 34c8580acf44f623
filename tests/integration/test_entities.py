"""Entities end to end: simulated printer → TLS MQTT → parser → coordinator → HA states."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import logging

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bambuprint_iq.const import DOMAIN
from simulator.fleet import PrinterInfo, SimulatedPrinter
from simulator.sim_thread import SimulatorThread

from .conftest import TEST_SPEED, printer_device, setup_printer


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 15.0
) -> None:
    """Let the event loop run until the condition holds (printer pushes arrive async)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


def entity_id(hass: HomeAssistant, entry: MockConfigEntry, suffix: str) -> str:
    """Look an entity up by its unique id suffix (independent of naming)."""
    registry = er.async_get(hass)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.unique_id.endswith(f"_{suffix}"):
            return entity.entity_id
    raise AssertionError(f"no entity with unique id suffix {suffix}")


def state_of(hass: HomeAssistant, entry: MockConfigEntry, suffix: str) -> str:
    state = hass.states.get(entity_id(hass, entry, suffix))
    assert state is not None
    return state.state


async def test_telemetry_entities(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Printer and AMS values match what the simulated printer reports."""
    entry = await setup_printer(hass, printer)
    assert entry.state is ConfigEntryState.LOADED
    report = simulator.snapshot(printer.serial)

    assert state_of(hass, entry, "print_status") == "idle"
    assert state_of(hass, entry, "stage") == "idle"
    nozzle = float(state_of(hass, entry, "nozzle_temperature"))
    assert abs(nozzle - float(report["nozzle_temper"])) < 5
    unit = report["ams"]["ams"][0]
    humidity_level = int(unit["humidity"])
    assert state_of(hass, entry, "ams_0_humidity_level") == chr(ord("A") + 5 - humidity_level)
    assert abs(int(state_of(hass, entry, "ams_0_humidity")) - int(unit["humidity_raw"])) <= 5
    first_tray = unit["tray"][0]
    assert state_of(hass, entry, "ams_0_tray_0_type") == first_tray["tray_type"]
    assert state_of(hass, entry, "ams_0_tray_0_color") == "#" + first_tray["tray_color"][:6]
    attributes = hass.states.get(entity_id(hass, entry, "ams_0_tray_0_type")).attributes
    assert attributes["filament_id"] == first_tray["tray_info_idx"]

    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    own_device = printer_device(hass, entry, printer.serial)
    assert own_device.model == "P1S"
    assert own_device.manufacturer == "Bambu Lab"
    ams_device = next(d for d in devices if d.via_device_id == own_device.id)
    assert ams_device.name.endswith("AMS A")

    assert state_of(hass, entry, "online") == STATE_ON
    assert state_of(hass, entry, "connection_capabilities") == "full"
    # P1S has no chamber sensor and no door: no entity rather than a fake value.
    with pytest.raises(AssertionError):
        entity_id(hass, entry, "chamber_temperature")
    with pytest.raises(AssertionError):
        entity_id(hass, entry, "door")


async def test_print_lifecycle_and_controls(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """A print runs; pause, resume, speed and light go through the printer and back."""
    entry = await setup_printer(hass, printer)
    assert await hass.async_add_executor_job(simulator.start_print, printer.serial)
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") in ("prepare", "running"))
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "running", 30)
    await wait_for(hass, lambda: state_of(hass, entry, "current_layer") not in ("0", "unknown"))
    assert int(state_of(hass, entry, "total_layers")) > 0
    assert state_of(hass, entry, "printing") == STATE_ON
    assert state_of(hass, entry, "end_time") not in ("unknown", STATE_UNAVAILABLE)
    tray_now = int(simulator.snapshot(printer.serial)["ams"]["tray_now"])
    assert state_of(hass, entry, "ams_0_active_slot") == str(tray_now % 4 + 1)

    pause = entity_id(hass, entry, "pause")
    await hass.services.async_call("button", "press", {"entity_id": pause}, blocking=True)
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "pause")
    assert hass.states.get(pause).state == STATE_UNAVAILABLE  # nothing to pause any more

    resume = entity_id(hass, entry, "resume")
    await hass.services.async_call("button", "press", {"entity_id": resume}, blocking=True)
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "running")

    speed = entity_id(hass, entry, "speed_profile_select")
    await hass.services.async_call(
        "select", "select_option", {"entity_id": speed, "option": "sport"}, blocking=True
    )
    await wait_for(hass, lambda: state_of(hass, entry, "speed_profile") == "sport")
    assert simulator.snapshot(printer.serial)["spd_lvl"] == 3

    light = entity_id(hass, entry, "chamber_light")
    target = STATE_OFF if hass.states.get(light).state == STATE_ON else STATE_ON
    await hass.services.async_call("light", f"turn_{target}", {"entity_id": light}, blocking=True)
    await wait_for(hass, lambda: hass.states.get(light).state == target)

    stop = entity_id(hass, entry, "stop")
    await hass.services.async_call("button", "press", {"entity_id": stop}, blocking=True)
    await wait_for(hass, lambda: state_of(hass, entry, "printing") == STATE_OFF)


@pytest.mark.parametrize(
    "printers", [[SimulatedPrinter(model="X1C", secured=True, seed=2, speed=TEST_SPEED)]]
)
async def test_secured_printer_offers_no_print_control(
    hass: HomeAssistant, printer: PrinterInfo
) -> None:
    """Signed commands required: no pause/resume/stop/speed; the light still works."""
    entry = await setup_printer(hass, printer)
    for suffix in ("pause", "resume", "stop", "speed_profile_select"):
        with pytest.raises(AssertionError):
            entity_id(hass, entry, suffix)
    assert entity_id(hass, entry, "chamber_light")
    capabilities = hass.states.get(entity_id(hass, entry, "connection_capabilities"))
    assert capabilities.state == "partial"
    assert capabilities.attributes["missing"]["control"] == "signed_commands_required"
    # X1C has a chamber sensor and a door sensor.
    assert state_of(hass, entry, "chamber_temperature") not in ("unknown", STATE_UNAVAILABLE)
    assert state_of(hass, entry, "door") in (STATE_ON, STATE_OFF)


async def test_local_method_is_read_only(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Telemetry-only method: no control entities at all, and the sensor says why."""
    entry = await setup_printer(hass, printer, method="local")
    for suffix in ("pause", "resume", "stop", "speed_profile_select", "chamber_light"):
        with pytest.raises(AssertionError):
            entity_id(hass, entry, suffix)
    capabilities = hass.states.get(entity_id(hass, entry, "connection_capabilities"))
    assert capabilities.state == "telemetry_only"
    assert capabilities.attributes["missing"]["control"] == "telemetry_only_method"


@pytest.mark.parametrize("printers", [[SimulatedPrinter(model="X1C", seed=5, speed=TEST_SPEED)]])
async def test_door_and_hms(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Door changes and HMS errors reach their entities."""
    entry = await setup_printer(hass, printer)
    await hass.async_add_executor_job(simulator.set_door_open, printer.serial, True)
    await wait_for(hass, lambda: state_of(hass, entry, "door") == STATE_ON)
    await hass.async_add_executor_job(simulator.set_door_open, printer.serial, False)
    await wait_for(hass, lambda: state_of(hass, entry, "door") == STATE_OFF)

    # attr 0x0300_0100, code 0x0001_0007: a fatal motion-controller error.
    await hass.async_add_executor_job(simulator.inject_hms, printer.serial, 0x03000100, 0x00010007)
    await wait_for(hass, lambda: state_of(hass, entry, "hms_errors") == "1")
    errors = hass.states.get(entity_id(hass, entry, "hms_errors")).attributes["errors"]
    assert errors[0]["code"] == "HMS_0300_0100_0001_0007"
    assert errors[0]["severity"] == "fatal"
    assert errors[0]["url"].startswith("https://wiki.bambulab.com/")
    assert state_of(hass, entry, "error") == STATE_ON
    await hass.async_add_executor_job(simulator.clear_hms, printer.serial)
    await wait_for(hass, lambda: state_of(hass, entry, "hms_errors") == "0")
    assert state_of(hass, entry, "error") == STATE_OFF


async def test_broker_loss_and_recovery(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Broker gone → unavailable (logged once); back → values again, without a reload."""
    caplog.set_level(logging.INFO)
    entry = await setup_printer(hass, printer)
    nozzle = entity_id(hass, entry, "nozzle_temperature")
    await hass.async_add_executor_job(simulator.stop_broker, printer.serial)
    await wait_for(hass, lambda: hass.states.get(nozzle).state == STATE_UNAVAILABLE, 30)
    assert state_of(hass, entry, "online") == STATE_OFF
    await asyncio.sleep(2)  # several reconnect attempts fail meanwhile
    lost = [
        r for r in caplog.records if r.levelno == logging.INFO and "unavailable" in r.getMessage()
    ]
    assert len(lost) == 1, [r.getMessage() for r in lost]

    await hass.async_add_executor_job(simulator.start_broker, printer.serial)
    await wait_for(hass, lambda: hass.states.get(nozzle).state != STATE_UNAVAILABLE, 60)
    assert state_of(hass, entry, "online") == STATE_ON
    assert entry.state is ConfigEntryState.LOADED
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert printer.access_code not in caplog.text


async def test_writes_only_changed_entities(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """An idle printer's deltas touch one or two values: few state writes per message."""
    entry = await setup_printer(hass, printer)
    stats = entry.runtime_data.coordinator.write_stats
    start_messages, start_writes = stats.messages, stats.state_writes
    await wait_for(hass, lambda: stats.messages - start_messages >= 20, 60)
    messages = stats.messages - start_messages
    writes = stats.state_writes - start_writes
    entities = len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))
    assert entities > 30
    assert writes / messages <= 1.5, (writes, messages, stats.written_by_key)


async def test_invalid_access_code_starts_reauth(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """A refused code ends setup and asks the user for the new one."""
    entry = await setup_printer(hass, printer, access_code="00000000")
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]


async def test_changed_certificate_raises_repair(
    hass: HomeAssistant, printer: PrinterInfo, hass_client: ClientSessionGenerator
) -> None:
    """A different certificate is never accepted silently; confirming the repair re-pins it."""
    entry = await setup_printer(hass, printer, certificate_fingerprint="ab" * 32)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    issue_id = f"certificate_changed_{entry.entry_id}"
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow = await response.json()
    assert flow["step_id"] == "confirm"
    assert flow["description_placeholders"]["fingerprint"].replace(":", "").lower() == (
        printer.fingerprint
    )
    response = await client.post(f"/api/repairs/issues/fix/{flow['flow_id']}", json={})
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.data["certificate_fingerprint"] == printer.fingerprint
    assert entry.state is ConfigEntryState.LOADED


async def test_diagnostics_redact_secrets(
    hass: HomeAssistant, printer: PrinterInfo, hass_client: ClientSessionGenerator
) -> None:
    """No access code, serial, address or fingerprint in the download."""
    entry = await setup_printer(hass, printer)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in (printer.access_code, printer.serial, printer.fingerprint):
        assert secret not in text
    assert diagnostics["state"]["job"]["gcode_state"] == "idle"
    assert diagnostics["statistics"]["messages"] > 0
    assert diagnostics["failure_watch"]["status"] == "disabled"  # off unless switched on


async def test_command_rejected_is_a_translated_error(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """If the printer turns secured after setup, a press fails with the printer's reason."""
    entry = await setup_printer(hass, printer)
    assert await hass.async_add_executor_job(simulator.start_print, printer.serial)
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "running", 30)
    await hass.async_add_executor_job(simulator.set_secured, printer.serial, True)
    pause = entity_id(hass, entry, "pause")
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call("button", "press", {"entity_id": pause}, blocking=True)
    assert err.value.translation_key == "command_rejected"
    assert "verify failed" in str(err.value)


async def test_unload(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Unloading closes the connection; entities become unavailable."""
    entry = await setup_printer(hass, printer)
    connection = entry.runtime_data.coordinator.connection
    assert connection.available
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not connection.available


async def test_ams_added_later_and_stale_unit_removal(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo, hass_ws_client
) -> None:
    """A second AMS reported after setup gets its device and entities without a reload;
    only units no longer reported may be deleted by the user."""
    entry = await setup_printer(hass, printer)
    registry = dr.async_get(hass)
    second = {
        "id": "1", "humidity": "2", "humidity_raw": "65", "temp": "24.5", "info": "1001",
        "tray": [{"id": str(slot)} for slot in range(4)],
    }  # fmt: skip
    await hass.async_add_executor_job(
        simulator.patch_status, printer.serial, {"ams": {"ams": [second], "ams_exist_bits": "3"}}
    )

    def ams_device(ams_id: int) -> dr.DeviceEntry | None:
        wanted = (DOMAIN, f"{printer.serial}_ams_{ams_id}")
        devices = dr.async_entries_for_config_entry(registry, entry.entry_id)
        return next((d for d in devices if wanted in d.identifiers), None)

    await wait_for(hass, lambda: ams_device(1) is not None)
    await wait_for(hass, lambda: state_of(hass, entry, "ams_1_humidity_level") == "D")
    assert state_of(hass, entry, "ams_1_humidity_high") == STATE_ON
    assert state_of(hass, entry, "ams_1_tray_0_type") == "empty"

    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    device = ams_device(1)
    assert device is not None
    await client.send_json_auto_id(
        {"type": "config/device_registry/remove_config_entry", "config_entry_id": entry.entry_id,
         "device_id": device.id}
    )  # fmt: skip
    response = await client.receive_json()
    assert not response["success"]  # still reported by the printer
    stale = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, f"{printer.serial}_ams_3")}
    )
    await client.send_json_auto_id(
        {"type": "config/device_registry/remove_config_entry", "config_entry_id": entry.entry_id,
         "device_id": stale.id}
    )  # fmt: skip
    response = await client.receive_json()
    assert response["success"]


@pytest.mark.parametrize(
    "printers", [[SimulatedPrinter(model="X1C", secured=True, seed=2, speed=TEST_SPEED)]]
)
async def test_developer_mode_repair_follows_the_printer(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Added for Developer Mode while the printer demands signatures: a repair says how to fix;
    it disappears once Developer Mode is on."""
    entry = await setup_printer(hass, printer)
    issue_id = f"developer_mode_off_{entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.learn_more_url.startswith("https://wiki.bambulab.com/")
    await hass.async_add_executor_job(simulator.set_secured, printer.serial, False)
    await wait_for(hass, lambda: ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None, 30)


async def test_bambu_connect_hand_off(hass: HomeAssistant) -> None:
    """The documented URL scheme, percent-encoded; anything but a .gcode.3mf is refused."""
    assert await async_setup_component(hass, DOMAIN, {})
    result = await hass.services.async_call(
        DOMAIN,
        "bambu_connect_url",
        {"path": "/home/me/My Prints/benchy v2.gcode.3mf"},
        blocking=True,
        return_response=True,
    )
    assert result["url"] == (
        "bambu-connect://import-file?path=%2Fhome%2Fme%2FMy%20Prints%2Fbenchy%20v2.gcode.3mf"
        "&name=benchy%20v2&version=1.0.0"
    )
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "bambu_connect_url", {"path": "benchy.stl"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "not_a_sliced_file"
