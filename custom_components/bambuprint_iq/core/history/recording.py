"""Pure functions that grow a print record from observations: record in, new record out.

Everything the record needs to keep growing lives in the record itself, so an open record
read back from storage after a restart continues exactly where it stopped.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .observation import AmsUnitObservation, GcodeState, HmsEntry, PrintObservation, RoomSample
from .outcome import classify_outcome
from .record import PrintRecord
from .record_parts import AmsSummary, FilamentUsage, RoomSummary, SettingsSnapshot
from .summary import StatSummary, extend


def start_record(obs: PrintObservation, record_id: str, *, start_observed: bool) -> PrintRecord:
    """A new open record for the job seen in `obs`."""
    record = PrintRecord(
        record_id=record_id,
        printer_id=obs.printer_id,
        started_at=obs.at,
        last_seen_at=obs.at,
        start_observed=start_observed,
    )
    return fold_observation(record, obs)


def fold_observation(record: PrintRecord, obs: PrintObservation) -> PrintRecord:
    """The record updated with one more status observation of the same job."""
    return replace(
        record,
        last_seen_at=max(record.last_seen_at, obs.at),
        task_id=record.task_id or obs.task_id,
        subtask_id=record.subtask_id or obs.subtask_id,
        model_name=record.model_name or obs.model_name,
        file_name=record.file_name or obs.file_name,
        plate=record.plate if record.plate is not None else obs.plate,
        estimated_duration_s=_estimate(record, obs),
        progress_percent=_first(obs.progress_percent, record.progress_percent),
        layer=_first(obs.layer, record.layer),
        total_layers=_first(obs.total_layers or None, record.total_layers),
        print_error=obs.print_error or record.print_error,
        skipped_objects=max(record.skipped_objects, obs.skipped_objects),
        settings=_settings(record.settings, obs),
        filaments=_filaments(record.filaments, obs),
        hms=_merge_hms(record.hms, obs.hms),
        ams=_ams(record.ams, obs.ams_units),
    )


def fold_room_sample(record: PrintRecord, sample: RoomSample) -> PrintRecord:
    """The record with one more room-sensor reading."""
    rooms = list(record.room)
    for index, room in enumerate(rooms):
        if room.sensor_id == sample.sensor_id and room.quantity is sample.quantity:
            rooms[index] = replace(room, stats=room.stats.add(sample.value))
            break
    else:
        rooms.append(RoomSummary(sample.sensor_id, sample.quantity, StatSummary.of(sample.value)))
    return replace(record, room=tuple(rooms))


def close_record(
    record: PrintRecord, *, at: datetime, final_state: GcodeState | None, end_observed: bool
) -> PrintRecord:
    """The record ended at `at`, with its outcome detected from state, error and HMS."""
    outcome = classify_outcome(
        final_state,
        print_error=record.print_error,
        hms=record.hms,
        progress_percent=record.progress_percent,
        skipped_objects=record.skipped_objects,
    )
    return replace(
        record,
        ended_at=max(at, record.started_at),
        end_observed=end_observed,
        final_state=final_state,
        detected_outcome=outcome,
    )


def _first[T](new: T | None, old: T | None) -> T | None:
    return old if new is None else new


def _merge_hms(seen: tuple[HmsEntry, ...], now: tuple[HmsEntry, ...]) -> tuple[HmsEntry, ...]:
    """Every distinct HMS code seen during the print, in order of first appearance."""
    known = {entry.code for entry in seen}
    fresh = tuple(entry for entry in now if entry.code not in known)
    return seen + tuple(dict.fromkeys(fresh))


def _estimate(record: PrintRecord, obs: PrintObservation) -> float | None:
    """Slicer estimate: time already spent plus the first remaining time seen while RUNNING."""
    if record.estimated_duration_s is not None or not record.start_observed:
        return record.estimated_duration_s
    if obs.gcode_state is not GcodeState.RUNNING or not obs.remaining_minutes:
        return None
    elapsed = (obs.at - record.started_at).total_seconds()
    return round(elapsed + obs.remaining_minutes * 60.0, 1)


def _settings(old: SettingsSnapshot, obs: PrintObservation) -> SettingsSnapshot:
    """Targets while RUNNING; zero targets (cool-down) never overwrite real ones."""
    if obs.gcode_state is not GcodeState.RUNNING:
        return old
    return SettingsSnapshot(
        nozzle_target_c=obs.nozzle_target_c or old.nozzle_target_c,
        bed_target_c=obs.bed_target_c or old.bed_target_c,
        speed_level=_first(obs.speed_level, old.speed_level),
    )


def _filaments(used: tuple[FilamentUsage, ...], obs: PrintObservation) -> tuple[FilamentUsage, ...]:
    """Add the active tray on first use; track the remaining percent of every used tray."""
    result = [
        replace(u, remain_end_percent=_first(_remain(obs, u.tray_id), u.remain_end_percent))
        for u in used
    ]
    active = obs.tray(obs.active_tray_id)
    if (
        obs.gcode_state.is_active
        and active is not None
        and not active.empty
        and all(u.tray_id != active.tray_id for u in used)
    ):
        result.append(
            FilamentUsage(
                tray_id=active.tray_id,
                material=active.material,
                brand=active.brand,
                colour=active.colour,
                spec_ref=active.spec_ref,
                ams_unit_id=active.ams_unit_id,
                spool_weight_g=active.spool_weight_g,
                remain_start_percent=active.remain_percent,
                remain_end_percent=active.remain_percent,
                k=active.k,
                n=active.n,
                nozzle_temp_min_c=active.nozzle_temp_min_c,
                nozzle_temp_max_c=active.nozzle_temp_max_c,
            )
        )
    return tuple(result)


def _remain(obs: PrintObservation, tray_id: str) -> float | None:
    tray = obs.tray(tray_id)
    return None if tray is None else tray.remain_percent


def _ams(
    summaries: tuple[AmsSummary, ...], units: tuple[AmsUnitObservation, ...]
) -> tuple[AmsSummary, ...]:
    by_id = {s.unit_id: s for s in summaries}
    for unit in units:
        old = by_id.get(unit.unit_id, AmsSummary(unit.unit_id))
        by_id[unit.unit_id] = AmsSummary(
            unit_id=unit.unit_id,
            humidity_percent=extend(old.humidity_percent, unit.humidity_percent),
            humidity_level=extend(old.humidity_level, unit.effective_level),
            temperature_c=extend(old.temperature_c, _real_temperature(unit.temperature_c)),
        )
    return tuple(by_id.values())


def _real_temperature(value: float | None) -> float | None:
    """AMS lite units without a sensor report exactly 0.0; that is not a reading."""
    return None if value is None or value == 0.0 else value
