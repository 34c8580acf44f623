"""Per-tray drying reminders from material, AMS humidity and hours exposed.

Each material has a moisture sensitivity. Exposure only counts while the tray's humidity is
above the material's threshold ("humid hours"). When humid hours reach the material's budget
drying is due; at 75 % of it, soon. A very wet AMS (letter E) halves the budget.

Drying temperatures and times are the generic filament defaults of Bambu Studio (dryer /
AMS HT values). Thresholds and budgets are conservative rules of thumb drawn from common
maker guidance (nylon and PVA absorb water within hours, PLA over days), not lab data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from . import _validate as v
from .observation import level_from_percent


class Sensitivity(StrEnum):
    """How quickly a material takes up moisture."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    VERY_HIGH = "very_high"


# sensitivity -> (humidity threshold % RH, humid-hours budget)
_SENSITIVITY_RULES: Mapping[Sensitivity, tuple[float, float]] = MappingProxyType(
    {
        Sensitivity.LOW: (50.0, 168.0),
        Sensitivity.MODERATE: (40.0, 72.0),
        Sensitivity.HIGH: (30.0, 24.0),
        Sensitivity.VERY_HIGH: (20.0, 8.0),
    }
)


@dataclass(frozen=True, slots=True)
class MaterialDrying:
    """Moisture facts of one material family."""

    material: str
    sensitivity: Sensitivity
    drying_temp_c: float
    drying_hours: float

    @property
    def humidity_threshold_pct(self) -> float:
        """Exposure below this relative humidity does not count."""
        return _SENSITIVITY_RULES[self.sensitivity][0]

    @property
    def humid_hours_budget(self) -> float:
        """Humid hours after which drying is due."""
        return _SENSITIVITY_RULES[self.sensitivity][1]


def _m(name: str, sensitivity: Sensitivity, temp: float, hours: float) -> MaterialDrying:
    return MaterialDrying(name, sensitivity, temp, hours)


_S = Sensitivity
MATERIALS: Mapping[str, MaterialDrying] = MappingProxyType(
    {
        m.material: m
        for m in (
            _m("PLA", _S.LOW, 45, 12),
            _m("PLA-CF", _S.LOW, 45, 12),
            _m("PHA", _S.LOW, 45, 12),
            _m("PETG", _S.MODERATE, 65, 12),
            _m("PETG-CF", _S.MODERATE, 65, 12),
            _m("PCTG", _S.MODERATE, 65, 12),
            _m("ABS", _S.MODERATE, 80, 8),
            _m("ASA", _S.MODERATE, 80, 8),
            _m("HIPS", _S.MODERATE, 80, 12),
            _m("PP", _S.LOW, 60, 12),
            _m("PE", _S.LOW, 45, 12),
            _m("TPU", _S.HIGH, 75, 18),
            _m("PC", _S.HIGH, 80, 8),
            _m("PET-CF", _S.HIGH, 80, 8),
            _m("PPS", _S.HIGH, 80, 12),
            _m("PA", _S.VERY_HIGH, 80, 12),
            _m("PA-CF", _S.VERY_HIGH, 85, 12),
            _m("PA-GF", _S.VERY_HIGH, 85, 12),
            _m("PAHT-CF", _S.VERY_HIGH, 85, 12),
            _m("PPA-CF", _S.VERY_HIGH, 85, 12),
            _m("PVA", _S.VERY_HIGH, 65, 12),
            _m("BVOH", _S.VERY_HIGH, 60, 12),
        )
    }
)


def material_drying(material: str | None) -> MaterialDrying | None:
    """Facts for a tray type such as "PLA", "PETG HF", "PA6-CF" or "TPU-AMS"."""
    if not material:
        return None
    name = material.strip().upper().replace(" ", "-")
    if name in MATERIALS:
        return MATERIALS[name]
    family = name.split("-")[0].rstrip("0123456789")
    for candidate in (f"{family}-{name.split('-')[-1]}", family):
        if candidate in MATERIALS:
            return MATERIALS[candidate]
    return None


class DryingUrgency(StrEnum):
    """Whether to dry the spool."""

    NONE = "none"
    SOON = "soon"
    DUE = "due"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class DryingAdvice:
    """Advice for one tray."""

    tray_id: str
    material: str | None
    urgency: DryingUrgency
    humid_hours: float
    budget_hours: float | None
    humidity_percent: float | None
    drying_temp_c: float | None
    drying_hours: float | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "tray_id": self.tray_id,
            "material": self.material,
            "urgency": self.urgency.value,
            "humid_hours": round(self.humid_hours, 2),
            "budget_hours": self.budget_hours,
            "humidity_percent": self.humidity_percent,
            "drying_temp_c": self.drying_temp_c,
            "drying_hours": self.drying_hours,
            "reason": self.reason,
        }


def tray_humidity_percent(
    humidity_percent: float | None, humidity_level: int | None
) -> float | None:
    """Percent when reported, else the midpoint of the level's band (5 -> 10 %, 1 -> 90 %)."""
    if humidity_percent is not None:
        return humidity_percent
    return None if humidity_level is None else 10.0 + (5 - humidity_level) * 20.0


def drying_advice(
    tray_id: str,
    material: str | None,
    *,
    humid_hours: float,
    humidity_percent: float | None = None,
    humidity_level: int | None = None,
) -> DryingAdvice:
    """Advice from the current tray humidity and the humid hours since the spool was dry."""
    v.number(humid_hours, "humid_hours", 0, None)
    v.number(humidity_percent, "humidity_percent", 0, 100)
    v.integer(humidity_level, "humidity_level", 1, 5)
    facts = material_drying(material)
    rh = tray_humidity_percent(humidity_percent, humidity_level)
    if facts is None:
        return DryingAdvice(
            tray_id,
            material,
            DryingUrgency.UNKNOWN,
            humid_hours,
            None,
            rh,
            None,
            None,
            f"no drying data for material {material!r}",
        )
    budget = facts.humid_hours_budget
    if rh is not None and level_from_percent(rh) == 1:
        budget /= 2.0
    if humid_hours >= budget:
        urgency, why = (
            DryingUrgency.DUE,
            f"{humid_hours:.0f} h above {facts.humidity_threshold_pct:g} % RH",
        )
    elif humid_hours >= 0.75 * budget:
        urgency, why = DryingUrgency.SOON, f"{humid_hours:.0f} of {budget:g} humid hours used"
    else:
        urgency, why = DryingUrgency.NONE, f"{humid_hours:.0f} of {budget:g} humid hours used"
    return DryingAdvice(
        tray_id,
        facts.material,
        urgency,
        humid_hours,
        budget,
        rh,
        facts.drying_temp_c,
        facts.drying_hours,
        f"{facts.sensitivity.value} moisture sensitivity; {why}",
    )
