"""Humid hours of a spool: the time it sat above its material's humidity threshold.

Feeds `drying_advice`. The clock restarts when a different spool is loaded (the integration
chooses the key, e.g. the RFID tag or tray uuid) and after drying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import _validate as v
from .drying import material_drying

DEFAULT_THRESHOLD_PCT = 40.0


@dataclass(frozen=True, slots=True)
class TrayExposure:
    """Humid hours of one spool since it was loaded or last dried."""

    spool_key: str
    since: datetime
    last_at: datetime
    last_humidity_pct: float | None
    humid_hours: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (the integration may keep it across restarts)."""
        return {
            "spool_key": self.spool_key,
            "since": self.since.isoformat(),
            "last_at": self.last_at.isoformat(),
            "last_humidity_pct": self.last_humidity_pct,
            "humid_hours": round(self.humid_hours, 4),
        }

    def advance(
        self, at: datetime, humidity_pct: float | None, threshold_pct: float
    ) -> TrayExposure:
        """Add the time since the last sample if that sample was above the threshold."""
        v.aware(at, "at")
        hours = max(0.0, (at - self.last_at).total_seconds() / 3600.0)
        humid = self.last_humidity_pct is not None and self.last_humidity_pct > threshold_pct
        return TrayExposure(
            self.spool_key,
            self.since,
            max(at, self.last_at),
            humidity_pct,
            self.humid_hours + (hours if humid else 0.0),
        )


def track_exposure(
    previous: TrayExposure | None,
    spool_key: str,
    at: datetime,
    humidity_pct: float | None,
    material: str | None,
) -> TrayExposure:
    """Start a fresh clock for a new spool, else advance the existing one."""
    v.aware(at, "at")
    if previous is None or previous.spool_key != spool_key:
        return TrayExposure(spool_key, at, at, humidity_pct)
    facts = material_drying(material)
    threshold = facts.humidity_threshold_pct if facts else DEFAULT_THRESHOLD_PCT
    return previous.advance(at, humidity_pct, threshold)
