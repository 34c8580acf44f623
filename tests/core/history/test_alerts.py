"""Alert evaluators: heater deviation, AMS humidity, stall, run-out and severe HMS."""

from __future__ import annotations

from datetime import timedelta
import json

import pytest

from custom_components.bambuprint_iq.core.history import (
    AmsUnitObservation,
    GcodeState,
    HmsEntry,
    InvalidObservationError,
)
from custom_components.bambuprint_iq.core.history.alerts import (
    AlertKind,
    AlertThresholds,
    HeaterWatch,
    PrinterAlertMonitor,
    StallWatch,
    ams_humidity_alerts,
    filament_runout_alert,
    hms_severe_alert,
    is_runout_error,
    is_runout_hms,
)

from .factories import RUNOUT_HMS, SEVERE_HMS, T0, running, tray


def test_heater_alert_arms_only_after_reaching_target() -> None:
    watch = HeaterWatch("nozzle")
    readings = [(25, 220), (120, 220), (218.5, 220), (200, 220), (150, 250), (249, 250), (0, 0)]
    states = []
    for current, target in readings:
        watch, alert = watch.step(current, target, deviation_c=15, settle_band_c=3)
        states.append(alert.active)
    # heating (no alert), settled, drifted 20 °C low (alert), new target re-arms, heater off
    assert states == [False, False, False, True, False, False, False]


def test_ams_humidity_alert_on_letters_d_and_e() -> None:
    units = (
        AmsUnitObservation("0", humidity_level=5),
        AmsUnitObservation("1", humidity_level=2),
        AmsUnitObservation("128", humidity_percent=85.0),
        AmsUnitObservation("2"),
    )
    alerts = ams_humidity_alerts(units)
    assert [a.active for a in alerts] == [False, True, True, False]
    assert alerts[1].details["letter"] == "D"
    assert alerts[2].details["letter"] == "E"


def test_stall_counts_only_running_time_after_the_first_layer() -> None:
    watch, limit = StallWatch(), timedelta(minutes=15)
    timeline = [
        (GcodeState.RUNNING, 0, 0),  # start-up routine at layer 0 never counts
        (GcodeState.RUNNING, 0, 30),
        (GcodeState.RUNNING, 5, 31),
        (GcodeState.RUNNING, 5, 45),
        (GcodeState.PAUSE, 5, 50),  # a pause resets the clock
        (GcodeState.RUNNING, 5, 55),
        (GcodeState.RUNNING, 5, 71),
        (GcodeState.RUNNING, 6, 72),
    ]
    states = []
    for state, layer, minute in timeline:
        watch, alert = watch.step(state, layer, T0 + timedelta(minutes=minute), stall_after=limit)
        states.append(alert.active)
    assert states == [False, False, False, False, False, False, True, False]


def test_runout_codes_from_bambu_tables() -> None:
    assert is_runout_error(0x07008011)
    assert is_runout_error(0x12FF8011)
    assert is_runout_error(0x03008015)
    assert not is_runout_error(0x0300400C)
    assert not is_runout_error(None)
    assert is_runout_hms(RUNOUT_HMS)
    assert is_runout_hms(HmsEntry.from_raw(0x12002200, 0x00030002))  # AMS lite, auto-switched
    assert not is_runout_hms(HmsEntry.from_raw(0x07005000, 0x00020001))  # communication fault
    assert not is_runout_hms(HmsEntry.from_raw(0x12FF2000, 0x00020005))  # broken in toolhead


def test_runout_alert_from_error_hms_or_empty_tray() -> None:
    assert not filament_runout_alert(running(5, 10.0)).active
    assert filament_runout_alert(running(5, 10.0, print_error=0x07008011)).active
    assert filament_runout_alert(running(5, 10.0, hms=(RUNOUT_HMS,))).active
    empty = filament_runout_alert(running(5, 10.0, trays=(tray(empty=True),)))
    assert empty.active
    assert empty.details["reasons"] == ("tray ams0-1 empty",)


def test_hms_severe_alert() -> None:
    switched = HmsEntry.from_raw(0x12002200, 0x00030002)  # severity 3: common
    assert not hms_severe_alert([switched]).active
    fatal = HmsEntry.from_raw(0x05000100, 0x00010001)
    alert = hms_severe_alert([switched, SEVERE_HMS, fatal])
    assert alert.active
    assert alert.details["severity"] == "fatal"
    assert alert.details["codes"] == (SEVERE_HMS.code, fatal.code)


def test_monitor_reports_every_alert_and_is_serialisable() -> None:
    monitor = PrinterAlertMonitor(AlertThresholds(stall_after=timedelta(minutes=5)))
    alerts = monitor.evaluate(running(1, 10.0))
    kinds = [a.kind for a in alerts]
    assert kinds.count(AlertKind.TEMPERATURE_DEVIATION) == 2
    assert AlertKind.HMS_SEVERE in kinds
    later = monitor.evaluate(running(20, 10.0, nozzle_temp_c=190.0))
    active = {a.kind for a in later if a.active}
    assert active == {AlertKind.TEMPERATURE_DEVIATION, AlertKind.PRINT_STALLED}
    json.dumps([a.as_dict() for a in later], allow_nan=False)


def test_thresholds_are_validated() -> None:
    with pytest.raises(InvalidObservationError):
        AlertThresholds(nozzle_deviation_c=0)
    with pytest.raises(InvalidObservationError):
        AlertThresholds(settle_band_c=6, bed_deviation_c=5)
    with pytest.raises(InvalidObservationError):
        AlertThresholds(humidity_alert_letters=frozenset({"Z"}))
