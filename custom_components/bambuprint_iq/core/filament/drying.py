"""Which drying temperature to actually suggest on a Bambu setup.

The filament's own schedule is capped by its maximum drying temperature, by what the spool
survives (Bambu reusable spools are rated 70 °C) and by what the dryer can reach (an AMS 2
Pro dries up to 65 °C). When a cap sits below the filament's recommendation the advice says
so, instead of pretending the filament will be fully dried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import SpecValues

AMS_2_PRO_MAX_DRYING_C = 65.0
BAMBU_SPOOL_MAX_C = 70.0


@dataclass(frozen=True, slots=True)
class DryingAdvice:
    """A drying temperature and what limited it."""

    temp_c: float
    limited_by: str | None
    """"filament", "spool" or "dryer" when a cap lowered the filament's own value."""
    below_recommendation: bool
    """True when the cap is below the lowest temperature the filament asks for."""
    time_h: float | None

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "temp_c": self.temp_c,
            "limited_by": self.limited_by,
            "below_recommendation": self.below_recommendation,
            "time_h": self.time_h,
        }


def drying_advice(
    values: SpecValues,
    *,
    dryer_max_c: float | None = AMS_2_PRO_MAX_DRYING_C,
    spool_max_c: float | None = None,
) -> DryingAdvice | None:
    """Suggested drying temperature, or None when the filament states no drying temperature."""
    stated = values.drying_temp
    if stated is None:
        return None
    wanted = stated.high if stated.high is not None else stated.low
    floor = stated.low if stated.low is not None else wanted
    if wanted is None or floor is None:  # pragma: no cover - a Range always has one bound
        return None
    caps = {
        "filament": values.max_drying_temp,
        "spool": spool_max_c,
        "dryer": dryer_max_c,
    }
    temp, limited_by = wanted, None
    for name, cap in caps.items():
        if cap is not None and cap < temp:
            temp, limited_by = cap, name
    time_h = values.drying_time_h
    hours = None if time_h is None else (time_h.high if time_h.high is not None else time_h.low)
    return DryingAdvice(temp, limited_by, temp < floor, hours)
