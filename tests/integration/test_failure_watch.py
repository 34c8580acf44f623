"""The in-print failure watch end to end.

Real parts only: a simulated printer (TLS MQTT broker and the port-6000 TLS JPEG camera), the
real assistant entry driving the real ``anthropic`` SDK against a loopback fake of the API,
and Home Assistant's own timer machinery advanced with ``async_fire_time_changed``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
import logging
from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.bambuprint_iq import camera_manager
from custom_components.bambuprint_iq.const import (
    CONF_WATCH_AUTO_PAUSE,
    CONF_WATCH_ENABLED,
    CONF_WATCH_INTERVAL_MINUTES,
    CONF_WATCH_MAX_FRAMES_PER_HOUR,
    DOMAIN,
)
from custom_components.bambuprint_iq.core.printer import commands
from custom_components.bambuprint_iq.failure_watch_report import (
    EVENT_FAILURE_WATCH,
    WatchReport,
    WatchStatus,
)
from custom_components.bambuprint_iq.failure_watch_runner import FailureWatchRunner
from simulator.fleet import PrinterInfo, SimulatedPrinter
from simulator.job import JobSpec
from simulator.sim_thread import SimulatorThread
from tests.core.analysis.answers import answer, defect
from tests.fakes.anthropic_api import (
    TEST_API_KEY,
    ApiError,
    FakeAnthropicApi,
    ToolAnswer,
)

from .conftest import entry_for, printer_device
from .test_entities import entity_id, wait_for

# Preparing takes about 2 s at this speed, and a 120-minute job runs for a minute: long
# enough for every test, since a paused printer makes no progress.
WATCH_SPEED = 120.0
LONG_JOB = JobSpec(name="Watched benchy", duration_minutes=120, total_layers=200, task_id="9100")
INTERVAL = timedelta(minutes=5)


@pytest.fixture
def printers() -> list[SimulatedPrinter]:
    """One P1S (JPEG camera on port 6000)."""
    return [SimulatedPrinter(model="P1S", ams_units=1, seed=11, speed=WATCH_SPEED)]


@pytest.fixture(autouse=True)
def camera_link_stays_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the camera link open across the simulated minutes.

    ``async_fire_time_changed`` runs every timer due within the jump, including the camera
    link's 30 s idle close, while only milliseconds of real time pass between checks: a new
    link would then hand over the picture the last check already saw, which the watch
    rightly treats as a frozen camera. The module-level options are replaced for the test,
    never mutated.
    """
    monkeypatch.setattr(
        camera_manager,
        "STREAM_OPTIONS",
        replace(camera_manager.STREAM_OPTIONS, idle_timeout=3600.0, stall_timeout=3600.0),
    )


@pytest.fixture
async def lit_chamber(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """The chamber light switched on at the printer: its camera sees a lit chamber."""
    await hass.async_add_executor_job(simulator.set_light, printer.serial, "chamber_light", "on")


def _options(**overrides: Any) -> dict[str, Any]:
    return {CONF_WATCH_ENABLED: True, CONF_WATCH_AUTO_PAUSE: True, **overrides}


async def _watched_printer(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    info: PrinterInfo,
    method: str = "developer",
    **options: Any,
) -> tuple[MockConfigEntry, FailureWatchRunner]:
    """Set the printer up with the watch options and start a print that is running."""
    entry = entry_for(info, method)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options=options)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    runner = entry.runtime_data.failure_watch
    assert runner is not None
    assert await hass.async_add_executor_job(simulator.start_print, info.serial, LONG_JOB)
    await wait_for(hass, lambda: runner.report.status is WatchStatus.WATCHING, 30)
    return entry, runner


def _score(confidence: float) -> ToolAnswer:
    """A model answer with spaghetti at ``confidence``."""
    return ToolAnswer(
        answer(defect("spaghetti", severity="high", confidence=confidence,
                      evidence="loose strands above the part"))
    )  # fmt: skip


async def _tick(hass: HomeAssistant, runner: FailureWatchRunner) -> WatchReport:
    """Let one interval pass and wait until the frame it took was scored or skipped."""
    seen = runner.report.frames + runner.report.skipped
    async_fire_time_changed(hass, dt_util.utcnow() + INTERVAL)
    await wait_for(hass, lambda: runner.report.frames + runner.report.skipped > seen)
    return runner.report


def _sensor(hass: HomeAssistant, entry: MockConfigEntry) -> Any:
    state = hass.states.get(entity_id(hass, entry, "failure_suspected"))
    assert state is not None
    return state


async def _gcode_state(hass: HomeAssistant, simulator: SimulatorThread, serial: str) -> str:
    report = await hass.async_add_executor_job(simulator.snapshot, serial)
    return str(report["gcode_state"])


def _messages(api: FakeAnthropicApi) -> int:
    return sum(1 for request in api.requests if request.path == "/v1/messages")


@pytest.fixture
def info_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Capture the integration's info lines (the "cannot pause" note is one)."""
    caplog.set_level(logging.INFO, logger="custom_components.bambuprint_iq")


async def test_rising_scores_suspect_then_pause(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
    lit_chamber: None,
) -> None:
    """One high frame changes nothing; agreeing frames suspect, then pause the printer once."""
    entry, runner = await _watched_printer(hass, simulator, printer, **_options())
    events: list[Event] = async_capture_events(hass, EVENT_FAILURE_WATCH)
    assert _sensor(hass, entry).state == STATE_OFF

    fake_api.enqueue(*(_score(s) for s in (0.1, 0.9, 0.92, 0.95, 0.97, 0.97)))
    await _tick(hass, runner)
    report = await _tick(hass, runner)  # the first high frame
    assert report.frames == 2
    assert _sensor(hass, entry).state == STATE_OFF
    assert events == []

    await _tick(hass, runner)  # a second agreeing frame
    await wait_for(hass, lambda: _sensor(hass, entry).state == STATE_ON)
    assert len(events) == 1
    suspected = events[0].data
    assert suspected["level"] == "suspected"
    assert suspected["serial"] == printer.serial
    assert suspected["device_id"] == printer_device(hass, entry, printer.serial).id
    assert suspected["frames"] == 3
    assert 0.6 <= suspected["smoothed_score"] < 0.85
    assert suspected["reason"].startswith("spaghetti (92%)")
    assert suspected["action"] is None
    assert await _gcode_state(hass, simulator, printer.serial) == "RUNNING"

    for _ in range(3):
        await _tick(hass, runner)
    await wait_for(hass, lambda: len(events) == 2)
    paused = events[1].data
    assert paused["level"] == "pause"
    assert paused["smoothed_score"] >= 0.85
    assert paused["action"] == "paused"
    await wait_for(hass, lambda: runner.report.status is WatchStatus.WAITING)
    assert await _gcode_state(hass, simulator, printer.serial) == "PAUSE"
    pauses = [
        r for r in simulator.requests(printer.serial)
        if r.payload and r.payload.get("print", {}).get("command") == "pause"
    ]  # fmt: skip
    assert len(pauses) == 1
    attributes = _sensor(hass, entry).attributes
    assert attributes["frames_scored"] == 6
    assert attributes["frames_skipped"] == 0
    assert attributes["action"] == "paused"
    assert attributes["status"] == "waiting"
    assert attributes["last_check"] is not None

    # Paused: no frames are taken (and so no tokens spent) until the print runs again.
    sent = _messages(fake_api)
    async_fire_time_changed(hass, dt_util.utcnow() + INTERVAL)
    await hass.async_block_till_done()
    assert _messages(fake_api) == sent == 6


async def test_telemetry_only_entry_never_pauses(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
    lit_chamber: None,
    caplog: pytest.LogCaptureFixture,
    info_logs: None,
) -> None:
    """A local (telemetry-only) entry reports the failure but cannot pause; it says so once."""
    entry, runner = await _watched_printer(hass, simulator, printer, "local", **_options())
    events = async_capture_events(hass, EVENT_FAILURE_WATCH)
    fake_api.enqueue(*(_score(0.96) for _ in range(4)))
    for _ in range(4):
        await _tick(hass, runner)
    await wait_for(hass, lambda: len(events) == 2)
    assert [e.data["level"] for e in events] == ["suspected", "pause"]
    assert events[1].data["action"] == "pause_unavailable"
    assert _sensor(hass, entry).state == STATE_ON
    assert await _gcode_state(hass, simulator, printer.serial) == "RUNNING"
    assert not any(
        r.payload and r.payload.get("print", {}).get("command") == "pause"
        for r in simulator.requests(printer.serial)
    )
    lines = [r for r in caplog.records if "cannot pause" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].levelno == logging.INFO


async def test_frame_cap_and_no_pause_without_the_option(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
    lit_chamber: None,
) -> None:
    """A 1-minute interval with a 3-frame cap sends 3 frames an hour; auto-pause off never
    pauses, even at the pause level."""
    options = _options(
        **{CONF_WATCH_AUTO_PAUSE: False, CONF_WATCH_INTERVAL_MINUTES: 1,
           CONF_WATCH_MAX_FRAMES_PER_HOUR: 3}
    )  # fmt: skip
    entry, runner = await _watched_printer(hass, simulator, printer, **options)
    events = async_capture_events(hass, EVENT_FAILURE_WATCH)
    fake_api.enqueue(*(_score(0.99) for _ in range(6)))
    for _ in range(3):
        await _tick(hass, runner)
    for _ in range(3):  # the cap holds although the interval would allow more
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=1))
        await wait_for(hass, lambda: "cap" in (runner.report.last_reason or ""))
    await hass.async_block_till_done()
    assert _messages(fake_api) == 3
    assert fake_api.pending == 3
    assert runner.report.frames == 3
    assert [e.data["level"] for e in events] == ["suspected", "pause"]
    assert events[1].data["action"] is None
    assert await _gcode_state(hass, simulator, printer.serial) == "RUNNING"
    assert _sensor(hass, entry).attributes["last_reason"] == "hourly cap of 3 frames reached"


async def test_dark_and_frozen_frames_cost_nothing(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
) -> None:
    """Frames the quality gate rejects or that repeat the last one never reach the model."""
    entry, runner = await _watched_printer(hass, simulator, printer, **_options())
    report = await _tick(hass, runner)  # the chamber light is off: too dark to judge
    assert report.skipped == 1
    assert "too dark" in (report.last_reason or "")

    await hass.async_add_executor_job(simulator.set_light, printer.serial, "chamber_light", "on")
    fake_api.enqueue(_score(0.2))
    report = await _tick(hass, runner)
    assert report.frames == 1
    await hass.async_add_executor_job(simulator.freeze_camera, printer.serial, True)
    report = await _tick(hass, runner)  # the same picture again: a hung camera
    assert report.skipped == 2
    assert "not changed" in (report.last_reason or "")
    assert _messages(fake_api) == 1
    assert _sensor(hass, entry).attributes["frames_skipped"] == 2


async def test_watch_stops_when_the_print_ends(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
    lit_chamber: None,
) -> None:
    """After the print ends the watch resets and takes no more frames."""
    entry, runner = await _watched_printer(hass, simulator, printer, **_options())
    fake_api.enqueue(_score(0.9), _score(0.9))
    await _tick(hass, runner)
    await entry.runtime_data.coordinator.async_send_command(commands.stop)
    await wait_for(hass, lambda: runner.report.status is WatchStatus.IDLE)
    assert runner.report == WatchReport(WatchStatus.IDLE)
    attributes = _sensor(hass, entry).attributes
    assert attributes["status"] == "idle"
    assert attributes["frames_scored"] == 0
    async_fire_time_changed(hass, dt_util.utcnow() + INTERVAL)
    await hass.async_block_till_done()
    assert _messages(fake_api) == 1
    assert fake_api.pending == 1


async def test_provider_errors_skip_frames_without_stopping(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
    lit_chamber: None,
    caplog: pytest.LogCaptureFixture,
    info_logs: None,
) -> None:
    """A rejected key, an overloaded API: frames are skipped, logged once per kind, no key
    in any log line, and the watch carries on."""
    entry, runner = await _watched_printer(hass, simulator, printer, **_options())
    no_wait = {"retry-after": "0"}
    fake_api.enqueue(
        ApiError(401, "authentication_error", "invalid x-api-key"),
        ApiError(401, "authentication_error", "invalid x-api-key"),
        *(ApiError(529, "overloaded_error", "Overloaded", no_wait) for _ in range(3)),
        _score(0.3),
    )
    await _tick(hass, runner)
    report = await _tick(hass, runner)
    assert report.skipped == 2
    assert report.last_reason == "vision model unavailable (ApiKeyRejected)"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert any(
        f["context"]["source"] == SOURCE_REAUTH and f["context"]["entry_id"] == assistant.entry_id
        for f in flows
    )
    report = await _tick(hass, runner)
    assert report.last_reason == "vision model unavailable (ProviderOverloaded)"
    report = await _tick(hass, runner)
    assert (report.frames, report.skipped) == (1, 3)
    assert report.status is WatchStatus.WATCHING
    assert _sensor(hass, entry).state == STATE_OFF

    watch_lines = [
        r.getMessage() for r in caplog.records if "vision model failed" in r.getMessage()
    ]
    assert len(watch_lines) == 2  # one per kind of failure, not one per frame
    assert all(TEST_API_KEY not in r.getMessage() for r in caplog.records)


async def test_watch_off_by_default_and_needs_the_assistant(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Options from before the watch existed load with the watch off (sensor unavailable);
    switched on without an assistant entry, it says so instead of taking frames."""
    entry = entry_for(printer)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, options={"timelapse": False})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert _sensor(hass, entry).state == STATE_UNAVAILABLE
    runner = entry.runtime_data.failure_watch
    assert runner is not None
    assert runner.report.status is WatchStatus.DISABLED

    hass.config_entries.async_update_entry(entry, options={**entry.options, **_options()})
    await hass.async_block_till_done()  # the options change reloads the entry
    runner = entry.runtime_data.failure_watch
    assert runner is not None
    assert runner.report.status is WatchStatus.IDLE
    assert _sensor(hass, entry).state == STATE_OFF
    assert await hass.async_add_executor_job(simulator.start_print, printer.serial, LONG_JOB)
    await wait_for(hass, lambda: runner.report.status is WatchStatus.WATCHING, 30)
    async_fire_time_changed(hass, dt_util.utcnow() + INTERVAL)
    await wait_for(hass, lambda: runner.report.status is WatchStatus.NO_ASSISTANT)
    assert _sensor(hass, entry).attributes["status"] == "no_assistant"
