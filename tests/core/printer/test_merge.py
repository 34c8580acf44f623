"""Delta merging, both at the raw level and through the tracker."""

from __future__ import annotations

from typing import Any

from custom_components.bambuprint_iq.core.printer.enums import TrayStatus
from custom_components.bambuprint_iq.core.printer.merge import merge_status, replace_status
from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import MessageKind, PrinterStateTracker

from .reports import ams_block, ams_unit, base_report, delta, full, tray


def _no_reject(key: str) -> None:
    raise AssertionError(f"unexpected rejection of {key}")


def test_delta_merges_tray_by_id_and_keeps_other_trays() -> None:
    stored: dict[str, Any] = base_report()
    changed = merge_status(
        stored,
        {"ams": {"ams": [{"id": "0", "tray": [{"id": "1", "remain": 55}]}]}, "msg": 1},
        _no_reject,
    )
    trays = stored["ams"]["ams"][0]["tray"]
    assert changed == ["ams"]
    assert [t["id"] for t in trays] == ["0", "1", "2"]
    assert trays[1]["remain"] == 55
    assert trays[1]["tray_type"] == "PETG"  # partial tray update keeps the other fields
    assert trays[0]["remain"] == 80


def test_id_only_tray_replaces_stored_tray() -> None:
    stored: dict[str, Any] = base_report()
    merge_status(stored, {"ams": {"ams": [{"id": "0", "tray": [{"id": "0"}]}]}}, _no_reject)
    assert stored["ams"]["ams"][0]["tray"][0] == {"id": "0"}


def test_new_unit_is_appended_and_ids_match_across_types() -> None:
    stored: dict[str, Any] = {"device": {"extruder": {"info": [{"id": 0, "temp": 20}]}}}
    merge_status(stored, {"device": {"extruder": {"info": [{"id": "0", "temp": 25}]}}}, _no_reject)
    (entry,) = stored["device"]["extruder"]["info"]  # "0" and 0 name the same extruder
    assert entry["temp"] == 25
    merge_status(stored, {"device": {"extruder": {"info": [{"id": 1, "temp": 30}]}}}, _no_reject)
    assert [str(e["id"]) for e in stored["device"]["extruder"]["info"]] == ["0", "1"]


def test_plain_lists_are_replaced() -> None:
    stored: dict[str, Any] = {"hms": [{"attr": 1, "code": 2}], "stg": [1, 2]}
    changed = merge_status(stored, {"hms": [], "stg": [3]}, _no_reject)
    assert stored == {"hms": [], "stg": [3]}
    assert sorted(changed) == ["hms", "stg"]


def test_unchanged_values_are_not_reported() -> None:
    stored: dict[str, Any] = base_report()
    assert merge_status(stored, {"nozzle_temper": 219.5, "sequence_id": "9"}, _no_reject) == []


def test_container_replaced_by_scalar_is_refused() -> None:
    stored: dict[str, Any] = base_report()
    rejected: list[str] = []
    changed = merge_status(stored, {"ams": "broken", "hms": 5}, rejected.append)
    assert changed == []
    assert rejected == ["ams", "hms"]
    assert isinstance(stored["ams"], dict)


def test_full_report_replaces_and_lists_removed_keys() -> None:
    stored: dict[str, Any] = base_report(extra_key=1)
    fresh, changed = replace_status(stored, {"command": "push_status", "msg": 0, "mc_percent": 42})
    assert fresh == {"mc_percent": 42}
    assert "extra_key" in changed
    assert "mc_percent" not in changed


def test_tracker_full_report_empties_tray_that_a_delta_would_keep() -> None:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    tracker.feed(full(**base_report()))
    assert tracker.state.ams[0].trays[0].status is TrayStatus.LOADED
    emptied = base_report(ams=ams_block(ams_unit(0, [{"id": "0"}, tray(1), {"id": "2"}])))
    result = tracker.feed(full(**emptied))
    emptied_tray = result.state.ams[0].trays[0]
    assert result.kind is MessageKind.STATUS_FULL
    assert emptied_tray.status is TrayStatus.EMPTY
    assert emptied_tray.tray_type is None


def test_tracker_partial_tray_delta() -> None:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    tracker.feed(full(**base_report()))
    result = tracker.feed(delta(ams={"ams": [{"id": "0", "tray": [{"id": "1", "remain": 12}]}]}))
    trays = result.state.ams[0].trays
    assert result.changed_sections == frozenset({"ams"})
    assert "ams" in result.changed_fields
    assert trays[1].remaining == 12
    assert trays[1].tray_type == "PETG"
    assert trays[1].color == "#00FF00"


def test_delta_without_msg_key_is_merged() -> None:
    tracker = PrinterStateTracker(model=PrinterModel.H2D)
    tracker.feed(full(**base_report()))
    result = tracker.feed(b'{"print": {"bed_temper": 70.5}}')
    assert result.kind is MessageKind.STATUS_DELTA
    assert result.state.bed_temp == 70.5
    assert result.state.nozzle_temp == 219.5
