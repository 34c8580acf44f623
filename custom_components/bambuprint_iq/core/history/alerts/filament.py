"""AMS humidity and filament run-out alerts.

Run-out is recognised three ways: the printer's error code, an AMS HMS message, or the
active tray reporting empty while a print runs. The code families were taken from Bambu's
published HMS/error tables: error `xxxx_8011` from an AMS, AMS lite, AMS HT or external
spool, `0300_8015` for the external spool, and AMS slot messages `07uu_2s00_000c_000n`.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..observation import AmsUnitObservation, HmsEntry, PrintObservation
from .model import Alert, AlertKind, alert

_FEED_MODULES = frozenset({0x07, 0x12, 0x18})
_RUNOUT_HMS_LOW = frozenset({0x00020001, 0x00020005, 0x00030001, 0x00030002})


def ams_humidity_alerts(
    units: Iterable[AmsUnitObservation], letters: frozenset[str] = frozenset({"D", "E"})
) -> tuple[Alert, ...]:
    """One alert per AMS unit, active when its humidity letter is in `letters`."""
    result = []
    for unit in units:
        letter = unit.letter
        active = letter is not None and letter in letters
        message = (
            f"AMS {unit.unit_id} humidity {letter}: dry the filament or change the desiccant"
            if active
            else f"AMS {unit.unit_id} humidity {letter or 'unknown'}"
        )
        result.append(
            alert(
                AlertKind.AMS_HUMIDITY,
                f"ams {unit.unit_id}",
                active,
                message,
                letter=letter,
                humidity_percent=unit.humidity_percent,
            )
        )
    return tuple(result)


def is_runout_error(print_error: int | None) -> bool:
    """The printer's error code says the filament ran out."""
    if not print_error:
        return False
    return print_error == 0x03008015 or (
        (print_error >> 24) in _FEED_MODULES and print_error & 0xFFFF == 0x8011
    )


def is_runout_hms(entry: HmsEntry) -> bool:
    """An AMS slot message saying the filament ran out."""
    attr = int(entry.code[:4] + entry.code[5:9], 16)
    unit = (attr >> 16) & 0xFF
    return (
        entry.module in _FEED_MODULES
        and unit != 0xFF
        and attr & 0xFC00 == 0x2000
        and entry.low_code in _RUNOUT_HMS_LOW
    )


def filament_runout_alert(obs: PrintObservation) -> Alert:
    """Active while the printer reports a run-out or the feeding tray is empty mid-print."""
    active_tray = obs.tray(obs.active_tray_id)
    reasons: list[str] = []
    if is_runout_error(obs.print_error):
        reasons.append(f"error {obs.print_error:08X}")
    reasons.extend(f"HMS {h.code}" for h in obs.hms if is_runout_hms(h))
    if obs.gcode_state.is_active and active_tray is not None and active_tray.empty:
        reasons.append(f"tray {active_tray.tray_id} empty")
    active = bool(reasons)
    message = "filament ran out: " + ", ".join(reasons) if active else "filament loaded"
    return alert(
        AlertKind.FILAMENT_RUNOUT,
        "filament",
        active,
        message,
        tray_id=obs.active_tray_id,
        reasons=tuple(reasons),
    )
