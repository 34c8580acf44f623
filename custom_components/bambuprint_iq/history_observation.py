"""Translate a printer snapshot into the history library's observation (pure function)."""

from __future__ import annotations

from datetime import datetime

from .core.history import (
    AmsUnitObservation,
    GcodeState as HistoryGcodeState,
    HmsEntry,
    PrintObservation,
    TrayObservation,
)
from .core.printer.filament import AmsUnit, Tray
from .core.printer.state import PrinterState


def _tray_id(tray: Tray) -> str:
    return f"{tray.ams_id}-{tray.slot}"


def _tray(tray: Tray) -> TrayObservation:
    return TrayObservation(
        tray_id=_tray_id(tray),
        material=tray.tray_type,
        brand=tray.sub_brand,
        colour=tray.color,
        spec_ref=tray.info_idx,
        ams_unit_id=None if tray.is_external else str(tray.ams_id),
        remain_percent=tray.remaining,
        spool_weight_g=tray.weight or None,
        k=tray.k,
        nozzle_temp_min_c=tray.nozzle_temp_min,
        nozzle_temp_max_c=tray.nozzle_temp_max,
        empty=tray.empty,
    )


def _unit(unit: AmsUnit) -> AmsUnitObservation:
    level = unit.humidity_level if unit.humidity_level in (1, 2, 3, 4, 5) else None
    return AmsUnitObservation(
        unit_id=str(unit.id),
        humidity_level=level,
        humidity_percent=unit.humidity_percent,
        temperature_c=unit.temperature,
    )


def observation_from_state(printer_id: str, state: PrinterState, at: datetime) -> PrintObservation:
    """Everything the print history needs from one snapshot."""
    job = state.job
    trays = tuple(_tray(tray) for unit in state.ams for tray in unit.trays)
    trays += tuple(_tray(tray) for tray in state.external_spools)
    active = state.active_tray
    return PrintObservation(
        printer_id=printer_id,
        at=at,
        gcode_state=HistoryGcodeState.parse(job.gcode_state.value),
        task_id=job.task_id,
        subtask_id=job.subtask_id,
        model_name=job.subtask_name,
        file_name=job.gcode_file,
        progress_percent=job.progress,
        remaining_minutes=job.remaining_minutes,
        layer=job.layer,
        total_layers=job.total_layers,
        nozzle_temp_c=state.nozzle_temp,
        nozzle_target_c=state.nozzle_target_temp,
        bed_temp_c=state.bed_temp,
        bed_target_c=state.bed_target_temp,
        speed_level=int(job.speed_level) if job.speed_level is not None else None,
        trays=trays,
        active_tray_id=_tray_id(active) if active is not None else None,
        ams_units=tuple(_unit(unit) for unit in state.ams),
        hms=tuple(HmsEntry.from_raw(error.attr, error.code) for error in state.hms),
        print_error=job.print_error or None,
    )
