"""Conformance: replay a real A1 LAN session (~20 h) through the tracker.

The capture holds one complete start (IDLE -> PREPARE -> RUNNING), a gap in which that print
ended unseen, a second print joined at 66 %, and its FINISH. Skips without ../shared.
"""

from __future__ import annotations

from datetime import UTC, datetime
import json
from pathlib import Path
from typing import Any

from custom_components.bambuprint_iq.core.history import (
    AmsUnitObservation,
    GcodeState,
    HmsEntry,
    LifecycleEvent,
    LifecycleEventKind,
    Outcome,
    PrintObservation,
    PrintTracker,
    TrayObservation,
)


def _merge(state: dict[str, Any], delta: dict[str, Any]) -> None:
    """Deltas replace top-level keys; the AMS block merges one level deeper."""
    for key, value in delta.items():
        if key == "ams" and isinstance(value, dict):
            state.setdefault("ams", {}).update(value)
        else:
            state[key] = value


def _trays(state: dict[str, Any]) -> tuple[TrayObservation, ...]:
    trays = []
    for unit in state.get("ams", {}).get("ams", []):
        for raw in unit.get("tray", []):
            index = int(unit["id"]) * 4 + int(raw["id"])
            remain = raw.get("remain")
            trays.append(
                TrayObservation(
                    tray_id=str(index),
                    material=raw.get("tray_type") or None,
                    colour=raw.get("tray_color"),
                    ams_unit_id=unit["id"],
                    remain_percent=float(remain)
                    if isinstance(remain, int) and remain >= 0
                    else None,
                    empty="tray_type" not in raw,
                )
            )
    return tuple(trays)


def _observation(state: dict[str, Any], at: datetime) -> PrintObservation:
    units = tuple(
        AmsUnitObservation(u["id"], humidity_level=int(u["humidity"]))
        for u in state.get("ams", {}).get("ams", [])
        if u.get("humidity") in {"1", "2", "3", "4", "5"}
    )
    return PrintObservation(
        printer_id="A1",
        at=at,
        gcode_state=GcodeState.parse(state.get("gcode_state")),
        task_id=state.get("task_id"),
        subtask_id=state.get("subtask_id"),
        model_name=state.get("subtask_name"),
        file_name=state.get("gcode_file"),
        progress_percent=state.get("mc_percent"),
        remaining_minutes=state.get("mc_remaining_time"),
        layer=state.get("layer_num"),
        total_layers=state.get("total_layer_num"),
        nozzle_target_c=state.get("nozzle_target_temper"),
        bed_target_c=state.get("bed_target_temper"),
        speed_level=state.get("spd_lvl"),
        trays=_trays(state),
        active_tray_id=state.get("ams", {}).get("tray_now"),
        ams_units=units,
        hms=tuple(HmsEntry.from_raw(h["attr"], h["code"]) for h in state.get("hms", [])),
        print_error=state.get("print_error"),
    )


def test_real_a1_session(shared_dir: Path) -> None:
    session = shared_dir / "fixtures" / "payloads" / "sessions" / "A1_session.jsonl"
    state: dict[str, Any] = {}
    tracker = PrintTracker("A1")
    events: list[LifecycleEvent] = []
    with session.open(encoding="utf-8") as lines:
        for line in lines:
            message = json.loads(line)
            report = message["payload"].get("print")
            if not isinstance(report, dict):
                continue
            _merge(state, report)
            if "gcode_state" not in state:
                continue
            at = datetime.strptime(message["file"][:12], "%y%m%d%H%M%S").replace(tzinfo=UTC)
            events.extend(tracker.observe(_observation(state, at)))
    starts = [e.record for e in events if e.kind is LifecycleEventKind.STARTED]
    ends = [e.record for e in events if e.kind is LifecycleEventKind.ENDED]
    assert [r.model_name for r in starts] == ["Single_Digit_Counter", "Desk_Organizer_Draft"]
    assert starts[0].start_observed
    assert not starts[1].start_observed
    first, second = ends
    assert first.outcome is Outcome.UNKNOWN
    assert not first.end_observed  # ended during the gap
    assert second.outcome is Outcome.SUCCESS
    assert second.end_observed
    assert second.record_id == starts[1].record_id
    assert [h.code for h in second.hms] == ["1200_2200_0003_0002"]  # auto-switch notice
    assert first.settings.nozzle_target_c == 220
    assert first.filaments[0].material == "PLA"
    assert first.ams[0].humidity_level is not None
    assert first.ams[0].humidity_level.mean == 5.0
    assert tracker.record is None
