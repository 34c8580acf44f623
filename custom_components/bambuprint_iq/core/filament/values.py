"""Plain filament setting values, without provenance.

Every source (a database row, a parsed page, the printer's tray data, a user correction)
produces one ``SpecValues``. Ranges are open-ended where a source only states a bound:
"< 300 mm/s" is a ceiling, not a setpoint, and must never be shown as one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
import math
from typing import Any


def _plain(number: float) -> float | int:
    """Integral floats become ints so JSON reads "220", not "220.0"."""
    return int(number) if float(number).is_integer() else round(number, 3)


@dataclass(frozen=True, slots=True)
class Range:
    """A closed or open-ended interval; ``low``/``high`` are None where the source gave no bound."""

    low: float | None
    high: float | None

    def __post_init__(self) -> None:
        """Reject empty, inverted or non-finite intervals at construction time."""
        if self.low is None and self.high is None:
            raise ValueError("a range needs at least one bound")
        for bound in (self.low, self.high):
            if bound is not None and not math.isfinite(bound):
                raise ValueError("range bounds must be finite")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"range low {self.low} above high {self.high}")

    @classmethod
    def point(cls, value: float) -> Range:
        """A single stated value."""
        return cls(value, value)

    @property
    def is_point(self) -> bool:
        """True when both bounds are the same number."""
        return self.low is not None and self.low == self.high

    @property
    def is_closed(self) -> bool:
        """True when both bounds are known."""
        return self.low is not None and self.high is not None

    def union(self, other: Range) -> Range:
        """Smallest range covering both (an open side stays open)."""
        low = None if self.low is None or other.low is None else min(self.low, other.low)
        high = None if self.high is None or other.high is None else max(self.high, other.high)
        return Range(low, high)

    def as_dict(self) -> dict[str, float | int | None]:
        """JSON form: ``{"min": .., "max": ..}``."""
        return {
            "min": None if self.low is None else _plain(self.low),
            "max": None if self.high is None else _plain(self.high),
        }


class Requirement(StrEnum):
    """How strongly a source asks for something (enclosure, hardened nozzle, drying)."""

    REQUIRED = "required"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"
    NOT_REQUIRED = "not_required"
    NOT_STATED = "not_stated"
    """The source has the field but left it empty ("N/A")."""


class PlateType(StrEnum):
    """Build plates that manufacturers quote bed temperatures for."""

    COOL_PLATE = "cool_plate"
    SUPERTACK = "supertack"
    SMOOTH_PEI = "smooth_pei"
    TEXTURED_PEI = "textured_pei"
    ENGINEERING = "engineering_plate"
    HIGH_TEMP = "high_temp_plate"


@dataclass(frozen=True, slots=True)
class SpeedBand:
    """A nozzle temperature that applies to one print-speed band."""

    speed: Range
    nozzle_temp: Range

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"speed_mm_s": self.speed.as_dict(), "nozzle_temp_c": self.nozzle_temp.as_dict()}


@dataclass(frozen=True, slots=True)
class PlateTemp:
    """A bed temperature for one plate type."""

    plate: PlateType
    temp: Range

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"plate": self.plate.value, "temp_c": self.temp.as_dict()}


@dataclass(frozen=True, slots=True)
class DryingSchedule:
    """One way to dry the filament (a method such as a blast oven, a temperature, a time)."""

    temp: Range
    time_h: Range | None = None
    method: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "method": self.method,
            "temp_c": self.temp.as_dict(),
            "time_h": None if self.time_h is None else self.time_h.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class SpecValues:
    """Recommended settings for one filament as one source states them (units: °C, mm/s, %, h)."""

    nozzle_temp: Range | None = None
    nozzle_temp_recommended: float | None = None
    nozzle_temp_by_speed: tuple[SpeedBand, ...] = ()
    bed_temp: Range | None = None
    bed_temp_recommended: float | None = None
    bed_temp_by_plate: tuple[PlateTemp, ...] = ()
    heated_bed_required: bool | None = None
    chamber_temp: Range | None = None
    enclosure: Requirement | None = None
    print_speed: Range | None = None
    max_volumetric_speed: float | None = None
    fan_speed: Range | None = None
    fan_enabled: bool | None = None
    drying_temp: Range | None = None
    drying_time_h: Range | None = None
    drying_schedules: tuple[DryingSchedule, ...] = ()
    drying_requirement: Requirement | None = None
    max_drying_temp: float | None = None
    density: float | None = None
    diameter: float | None = None
    diameter_tolerance: float | None = None
    abrasive: bool | None = None
    hardened_nozzle: Requirement | None = None
    filtration_recommended: bool | None = None
    glass_transition_temp: float | None = None

    def present_fields(self) -> tuple[str, ...]:
        """Names of the fields this source actually states."""
        return tuple(f.name for f in fields(self) if is_present(getattr(self, f.name)))

    def is_empty(self) -> bool:
        """True when the source stated nothing."""
        return not self.present_fields()

    def without(self, *names: str) -> SpecValues:
        """A copy with the named fields cleared (used by sanity checks)."""
        blank = SpecValues()
        return replace(self, **{name: getattr(blank, name) for name in names})

    def filled_from(self, other: SpecValues) -> SpecValues:
        """A copy where fields missing here take the other source's value."""
        updates = {
            name: getattr(other, name)
            for name in other.present_fields()
            if not is_present(getattr(self, name))
        }
        return replace(self, **updates) if updates else self


SPEC_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(SpecValues))


def is_present(value: object) -> bool:
    """A field counts as stated unless it is None or an empty tuple."""
    return value is not None and value != ()


def value_as_json(value: object) -> Any:
    """JSON form of any ``SpecValues`` field value."""
    if isinstance(value, tuple):
        return [value_as_json(item) for item in value]
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, bool):
        return value
    if isinstance(value, float | int):
        return _plain(value)
    if isinstance(value, Range | SpeedBand | PlateTemp | DryingSchedule):
        return value.as_dict()
    return value
