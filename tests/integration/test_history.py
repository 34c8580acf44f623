"""Print history end to end: simulated prints become records, sensors, events and insights."""

from __future__ import annotations

from datetime import timedelta
import json
from pathlib import Path

from homeassistant.const import STATE_OFF, STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import area_registry as ar, device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events
import voluptuous as vol

from custom_components.bambuprint_iq.const import CONF_ROOM_SENSORS, DOMAIN
from custom_components.bambuprint_iq.core.history import PrintRecord
from custom_components.bambuprint_iq.history_recorder import EVENT_PRINT
from custom_components.bambuprint_iq.history_store import async_get_history_store
from simulator.fleet import PrinterInfo
from simulator.job import JobSpec
from simulator.sim_thread import SimulatorThread

from .conftest import entry_for, printer_device, setup_printer
from .test_entities import entity_id, state_of, wait_for

SHORT_JOB = JobSpec(name="Benchy", duration_minutes=2, total_layers=20, task_id="7001")


async def _run_job(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo, job: JobSpec
) -> None:
    assert await hass.async_add_executor_job(simulator.start_print, printer.serial, job)


async def test_finished_print_is_recorded(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Start → finish produces one successful record, two events and updated sensors."""
    hass.states.async_set("sensor.workshop_temperature", "21.5", {"device_class": "temperature"})
    hass.states.async_set("sensor.workshop_humidity", "48", {"device_class": "humidity"})
    entry = await setup_printer(hass, printer)
    hass.config_entries.async_update_entry(
        entry,
        options={
            **entry.options,
            CONF_ROOM_SENSORS: ["sensor.workshop_temperature", "sensor.workshop_humidity"],
        },
    )
    await hass.async_block_till_done()  # options change reloads the entry
    events = async_capture_events(hass, EVENT_PRINT)
    assert state_of(hass, entry, "prints_total") == "0"

    await _run_job(hass, simulator, printer, SHORT_JOB)
    await wait_for(hass, lambda: [e.data["type"] for e in events] == ["started"], 30)
    hass.states.async_set("sensor.workshop_temperature", "22.5", {"device_class": "temperature"})
    await wait_for(hass, lambda: len(events) == 2, 60)
    await wait_for(hass, lambda: state_of(hass, entry, "prints_total") == "1")

    ended = events[1].data
    assert ended["type"] == "ended"
    assert ended["outcome"] == "success"
    assert state_of(hass, entry, "last_outcome") == "success"
    assert state_of(hass, entry, "success_rate") == "100.0"
    rate = hass.states.get(entity_id(hass, entry, "success_rate"))
    assert rate.attributes["prints_with_outcome"] == 1
    low, high = rate.attributes["interval_95"]
    assert 0 < low < high == 100.0  # one success says little: a wide interval

    device = printer_device(hass, entry, printer.serial)
    response = await hass.services.async_call(
        DOMAIN,
        "record_outcome",
        {"device_id": device.id, "rating": 4, "defect_tags": ["stringing"]},
        blocking=True,
        return_response=True,
    )
    record = response["record"]
    assert record["record_id"] == ended["record_id"]
    assert record["file_name"] or record["model_name"] == "Benchy"
    assert record["rating"] == 4
    assert record["defect_tags"] == ["stringing"]
    rooms = {room["sensor_id"]: room for room in record["room"]}
    assert rooms["sensor.workshop_temperature"]["max"] == 22.5
    assert rooms["sensor.workshop_humidity"]["mean"] == 48.0
    assert record["ams"], "AMS humidity is summarised with the print"


async def test_restart_mid_print_resumes_the_record(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """A reload during a print continues the same record instead of starting a new one."""
    entry = await setup_printer(hass, printer)
    job = JobSpec(name="Long", duration_minutes=240, total_layers=400, task_id="7002")
    await _run_job(hass, simulator, printer, job)
    recorder = entry.runtime_data.recorder
    await wait_for(hass, lambda: recorder.open_record is not None, 30)
    record_id = recorder.open_record.record_id
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    resumed = entry.runtime_data.recorder
    assert resumed is not recorder
    await wait_for(hass, lambda: resumed.open_record is not None, 30)
    assert resumed.open_record.record_id == record_id
    assert state_of(hass, entry, "prints_total") == "1"


async def test_failed_print_and_runout_alert(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """A run-out error raises the alert; a failing job is recorded as failed."""
    entry = await setup_printer(hass, printer)
    await _run_job(hass, simulator, printer, JobSpec(name="Fails", duration_minutes=2, fail_at=0.5))
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "running", 30)
    await hass.async_add_executor_job(
        simulator.set_value, printer.serial, "print_error", 0x03008015
    )
    await wait_for(hass, lambda: state_of(hass, entry, "filament_runout") == STATE_ON)
    await hass.async_add_executor_job(simulator.clear_overrides, printer.serial)
    await wait_for(hass, lambda: state_of(hass, entry, "last_outcome") == "failed", 60)
    # The simulated failure may itself be a run-out; the alert clears once the error does.
    await hass.async_add_executor_job(simulator.set_value, printer.serial, "print_error", 0)
    await wait_for(hass, lambda: state_of(hass, entry, "filament_runout") == STATE_OFF)


async def test_insights_and_export(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Insights say "not enough data" with one print; the export lands in the private folder."""
    entry = await setup_printer(hass, printer)
    await _run_job(hass, simulator, printer, SHORT_JOB)
    await wait_for(hass, lambda: state_of(hass, entry, "prints_total") == "1", 60)
    device = printer_device(hass, entry, printer.serial)

    insights = await hass.services.async_call(
        DOMAIN, "get_insights", {"device_id": device.id}, blocking=True, return_response=True
    )
    assert insights["printer"] == printer.serial
    assert "not enough data" in json.dumps(insights).lower()

    export = await hass.services.async_call(
        DOMAIN, "export_history", {"format": "json"}, blocking=True, return_response=True
    )
    path = Path(export["path"])
    assert path.is_file()
    assert path.is_relative_to(Path(hass.config.path(DOMAIN)))
    assert "www" not in path.parts
    exported = json.loads(path.read_text())
    assert export["records"] == 1
    assert printer.access_code not in path.read_text()
    assert exported


async def test_action_input_errors(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Bad input is refused with a clear, translated error; nothing is changed."""
    entry = await setup_printer(hass, printer)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "record_outcome", {"outcome": "failed"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "record_or_device_required"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "get_insights", {"device_id": "nope"}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "device_not_found"
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "record_outcome",
            {"record_id": "20260101T000000Z-00000000", "rating": 3},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "record_not_found"
    device = printer_device(hass, entry, printer.serial)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "record_outcome",
            {"device_id": device.id, "outcome": "success"},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "no_prints_recorded"
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "record_outcome", {"device_id": device.id, "rating": 9}, blocking=True
        )
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN, "export_history", {"format": "xlsx"}, blocking=True, return_response=True
        )
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "get_insights", {"device_id": device.id}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "printer_not_loaded"


async def test_options_suggest_room_sensors_in_the_printer_area(
    hass: HomeAssistant, printer: PrinterInfo
) -> None:
    """The options form pre-selects temperature/humidity sensors of the printer's room."""
    entry = await setup_printer(hass, printer)
    area = ar.async_get(hass).async_create("Workshop")
    device = printer_device(hass, entry, printer.serial)
    dr.async_get(hass).async_update_device(device.id, area_id=area.id)
    registry = er.async_get(hass)
    room = registry.async_get_or_create(
        "sensor", "test", "room-temp", original_device_class="temperature"
    )
    registry.async_update_entity(room.entity_id, area_id=area.id)
    other = registry.async_get_or_create(
        "sensor", "test", "kitchen-temp", original_device_class="temperature"
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    schema = result["data_schema"].schema
    defaults = {str(key): key.default() for key in schema if hasattr(key, "default")}
    assert defaults[CONF_ROOM_SENSORS] == [room.entity_id]
    assert other.entity_id not in defaults[CONF_ROOM_SENSORS]


async def test_drying_advice_from_saved_exposure(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Humid hours survive restarts (file under the integration folder) and drive the advice."""
    tray = simulator.snapshot(printer.serial)["ams"]["ams"][0]["tray"][0]
    drying_file = Path(hass.config.path(DOMAIN, "drying", f"{printer.serial}.json"))
    drying_file.parent.mkdir(parents=True)
    now = dt_util.utcnow().isoformat()
    drying_file.write_text(
        json.dumps(
            {
                "0-0": {
                    "spool_key": f"uuid:{tray['tray_uuid']}",
                    "since": now,
                    "last_at": now,
                    "last_humidity_pct": 90.0,
                    "humid_hours": 500.0,
                }
            }
        )
    )
    entry = await setup_printer(hass, printer)
    advice = hass.states.get(entity_id(hass, entry, "ams_0_drying_advice"))
    assert advice.state == "due"
    first = next(t for t in advice.attributes["trays"] if t["tray_id"] == "0-0")
    assert first["material"] == tray["tray_type"]
    assert first["humid_hours"] >= 500
    assert first["drying_temp_c"]

    await hass.config_entries.async_unload(entry.entry_id)
    saved = json.loads(drying_file.read_text())
    assert saved["0-0"]["humid_hours"] >= 500
    assert set(saved) >= {"0-0", "0-1"}  # every loaded slot is tracked


async def test_damaged_drying_file_starts_afresh(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """A corrupt counters file is reported once and replaced, never fatal."""
    drying_file = Path(hass.config.path(DOMAIN, "drying", f"{printer.serial}.json"))
    drying_file.parent.mkdir(parents=True)
    drying_file.write_text("{not json")
    entry = await setup_printer(hass, printer)
    assert state_of(hass, entry, "ams_0_drying_advice") in ("none", "soon", "due", "unknown")
    await hass.config_entries.async_unload(entry.entry_id)
    assert json.loads(drying_file.read_text())


async def test_retention_and_deleting_a_print(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Old prints beyond the chosen retention go at start-up; one print can be deleted."""
    store = await async_get_history_store(hass)
    long_ago = dt_util.utcnow() - timedelta(days=400)
    recent = dt_util.utcnow() - timedelta(days=2)
    for record_id, when in (("old-print", long_ago), ("recent-print", recent)):
        await store.save(
            PrintRecord(
                record_id=record_id, printer_id=printer.serial, started_at=when,
                last_seen_at=when + timedelta(hours=1), ended_at=when + timedelta(hours=1),
                end_observed=True,
            )
        )  # fmt: skip
    entry = entry_for(printer)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={"history_retention_days": 365})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert [r.record_id for r in await store.list_records(printer_id=printer.serial)] == [
        "recent-print"
    ]
    await hass.services.async_call(
        DOMAIN, "delete_print", {"record_id": "recent-print"}, blocking=True
    )
    assert await store.count(printer.serial) == 0
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "delete_print", {"record_id": "recent-print"}, blocking=True
        )
    assert err.value.translation_key == "record_not_found"
