"""Incremental snapshots: untouched groups keep their identity, no-ops return the same state."""

from __future__ import annotations

from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import MessageKind, PrinterStateTracker

from .reports import ams_block, ams_unit, base_report, delta, full, tray


def _tracker() -> PrinterStateTracker:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    report = base_report(
        ams=ams_block(ams_unit(0, [tray(0), tray(1)]), ams_unit(1, [tray(0), tray(1)])),
        hms=[{"attr": 0x0C000300, "code": 0x00030007}],
    )
    tracker.feed(full(**report))
    return tracker


def test_nozzle_only_delta_reuses_everything_else() -> None:
    tracker = _tracker()
    previous = tracker.state
    result = tracker.feed(delta(nozzle_temper=221.25, wifi_signal="-51dBm"))
    state = result.state
    assert state is not previous
    assert result.changed_fields == frozenset({"temperatures"})
    assert result.changed_sections == frozenset({"nozzle_temper"})
    assert state.nozzle_temp == 221.25
    assert state.ams is previous.ams
    assert state.hms is previous.hms
    assert state.external_spools is previous.external_spools
    assert state.job is previous.job
    assert state.fans is previous.fans
    assert state.network is previous.network
    assert state.lights is previous.lights
    assert state.temperatures.bed == previous.temperatures.bed


def test_repeated_values_return_the_same_state_object() -> None:
    tracker = _tracker()
    previous = tracker.state
    result = tracker.feed(delta(nozzle_temper=previous.nozzle_temp, fan_gear=12345))
    assert result.state is previous
    assert not result.changed
    assert result.changed_sections == frozenset({"fan_gear"})  # raw changed, no snapshot field


def test_identical_full_report_changes_nothing() -> None:
    tracker = _tracker()
    previous = tracker.state
    report = base_report(
        ams=ams_block(ams_unit(0, [tray(0), tray(1)]), ams_unit(1, [tray(0), tray(1)])),
        hms=[{"attr": 0x0C000300, "code": 0x00030007}],
    )
    result = tracker.feed(full(**report))
    assert result.kind is MessageKind.STATUS_FULL
    assert result.state is previous


def test_tray_change_keeps_other_units_and_trays() -> None:
    tracker = _tracker()
    previous = tracker.state
    state = tracker.feed(
        delta(ams={"ams": [{"id": "1", "tray": [{"id": "0", "remain": 3}]}]})
    ).state
    assert state.ams is not previous.ams
    assert state.ams[0] is previous.ams[0]
    assert state.ams[1] is not previous.ams[1]
    assert state.ams[1].trays[1] is previous.ams[1].trays[1]
    assert state.ams[1].trays[0].remaining == 3


def test_tray_now_change_moves_active_tray_without_rebuilding_units() -> None:
    tracker = _tracker()
    previous = tracker.state
    result = tracker.feed(delta(ams={"tray_now": "5"}))
    assert result.changed_fields == frozenset({"active_tray"})
    assert result.state.ams is previous.ams
    assert result.state.active_tray is previous.ams[1].trays[1]


def test_hms_objects_survive_when_list_unchanged_in_content() -> None:
    tracker = _tracker()
    previous = tracker.state
    state = tracker.feed(
        delta(
            hms=[{"attr": 0x0C000300, "code": 0x00030007}, {"attr": 0x05000100, "code": 0x00030004}]
        )
    ).state
    assert len(state.hms) == 2
    assert state.hms[0] is previous.hms[0]
