"""Drying reminders: how long each loaded spool sat in humid air, and whether to dry it.

Humid hours accumulate per spool (keyed by its RFID uuid when it has one, otherwise by slot and
material) from the AMS humidity the printer reports; the clock restarts when another spool is
loaded. The counters are kept in ``<config>/bambuprint_iq/drying.json`` so a restart does not
forget a week of exposure.
"""

from __future__ import annotations

from datetime import datetime
import json
import logging
from pathlib import Path
from typing import Any

from .core.history import DryingAdvice, DryingUrgency, TrayExposure, drying_advice, track_exposure
from .core.printer.filament import AmsUnit, Tray
from .core.printer.state import PrinterState

_LOGGER = logging.getLogger(__name__)
URGENCY_ORDER = (DryingUrgency.DUE, DryingUrgency.SOON, DryingUrgency.NONE, DryingUrgency.UNKNOWN)


def spool_key(tray: Tray) -> str:
    """Identity of the spool in a slot, as stable as the printer lets us know it."""
    if tray.tray_uuid:
        return f"uuid:{tray.tray_uuid}"
    return f"slot:{tray.ams_id}-{tray.slot}:{tray.tray_type or ''}:{tray.color or ''}"


class DryingTracker:
    """Exposure per tray of one printer, plus the advice derived from it."""

    def __init__(self, path: Path) -> None:
        """``path`` is where the counters persist (read and written in an executor)."""
        self.path = path
        self.exposures: dict[str, TrayExposure] = {}
        self.advice: dict[int, tuple[DryingAdvice, ...]] = {}

    def load(self) -> None:
        """Blocking: read saved counters; a damaged file starts the counters afresh."""
        try:
            raw = json.loads(self.path.read_text())
            self.exposures = {
                tray_id: TrayExposure(
                    spool_key=item["spool_key"],
                    since=datetime.fromisoformat(item["since"]),
                    last_at=datetime.fromisoformat(item["last_at"]),
                    last_humidity_pct=item["last_humidity_pct"],
                    humid_hours=float(item["humid_hours"]),
                )
                for tray_id, item in raw.items()
            }
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            _LOGGER.warning(
                "Drying counters in %s were unreadable (%s); starting afresh", self.path, err
            )
            self.exposures = {}

    def save(self) -> None:
        """Blocking: write the counters atomically."""
        data: dict[str, Any] = {key: exposure.as_dict() for key, exposure in self.exposures.items()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data))
        temporary.replace(self.path)

    def update(self, state: PrinterState, at: datetime) -> bool:
        """Advance every loaded tray's clock; True when any unit's advice changed."""
        changed = False
        for unit in state.ams:
            advice = tuple(self._advise(unit, tray, at) for tray in unit.trays if not tray.empty)
            if self.advice.get(unit.id) != advice:
                self.advice[unit.id] = advice
                changed = True
        return changed

    def _advise(self, unit: AmsUnit, tray: Tray, at: datetime) -> DryingAdvice:
        tray_id = f"{tray.ams_id}-{tray.slot}"
        exposure = track_exposure(
            self.exposures.get(tray_id),
            spool_key(tray),
            at,
            float(unit.humidity_percent) if unit.humidity_percent is not None else None,
            tray.tray_type,
        )
        self.exposures[tray_id] = exposure
        level = unit.humidity_level if unit.humidity_level in (1, 2, 3, 4, 5) else None
        return drying_advice(
            tray_id,
            tray.tray_type,
            humid_hours=round(exposure.humid_hours, 1),
            humidity_percent=unit.humidity_percent,
            humidity_level=level,
        )

    def unit_urgency(self, ams_id: int) -> str | None:
        """The most urgent advice among the unit's loaded trays."""
        advice = self.advice.get(ams_id)
        if not advice:
            return None
        return min(advice, key=lambda a: URGENCY_ORDER.index(a.urgency)).urgency.value
