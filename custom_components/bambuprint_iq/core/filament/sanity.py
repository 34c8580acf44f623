"""Physical sanity checks: a value outside its window is dropped, never "fixed".

PLA at 300 °C, a bed hotter than the nozzle or a 200-hour drying time are parse or data
errors. Dropping them lets a lower-priority source (or nothing) fill the field instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .materials import Family, material_family
from .values import DryingSchedule, PlateTemp, Range, SpecValues, SpeedBand

_NOZZLE_BY_FAMILY: dict[Family, tuple[float, float]] = {
    Family.PLA: (160, 265),
    Family.PETG: (190, 310),
    Family.ABS: (190, 300),
    Family.PC: (220, 330),
    Family.PA: (200, 350),
    Family.TPU: (170, 260),
    Family.PVA: (160, 240),
    Family.PP: (180, 270),
    Family.HIGH_TEMP: (280, 450),
    Family.OTHER: (150, 450),
}
_BED_MAX_BY_FAMILY: dict[Family, float] = {
    Family.PLA: 80,
    Family.PETG: 120,
    Family.ABS: 130,
    Family.PC: 150,
    Family.PA: 150,
    Family.TPU: 80,
    Family.PVA: 80,
    Family.PP: 120,
    Family.HIGH_TEMP: 200,
    Family.OTHER: 200,
}
CHAMBER_LIMITS = (0.0, 200.0)
DRYING_TEMP_LIMITS = (35.0, 150.0)
DRYING_TIME_LIMITS_H = (0.5, 48.0)
FAN_LIMITS = (0.0, 100.0)
SPEED_LIMITS = (1.0, 1500.0)
VOLUMETRIC_LIMITS = (0.5, 100.0)
DENSITY_LIMITS = (0.6, 4.5)
TOLERANCE_LIMITS = (0.001, 0.2)
GLASS_TRANSITION_LIMITS = (20.0, 400.0)
DIAMETERS = (1.75, 2.85, 3.0)


@dataclass(frozen=True, slots=True)
class SanityOutcome:
    """Checked values and the names of the fields that were dropped."""

    values: SpecValues
    rejected: tuple[str, ...]


def _inside(bounds: Range, limits: tuple[float, float]) -> bool:
    low, high = limits
    return all(b is None or low <= b <= high for b in (bounds.low, bounds.high))


def _number_inside(value: float, limits: tuple[float, float]) -> bool:
    return limits[0] <= value <= limits[1]


def nozzle_limits(material: str | None) -> tuple[float, float]:
    """Plausible nozzle window for a canonical material (wide when unknown)."""
    return _NOZZLE_BY_FAMILY[material_family(material)]


def bed_limits(material: str | None) -> tuple[float, float]:
    """Plausible bed window for a canonical material (wide when unknown)."""
    return (0.0, _BED_MAX_BY_FAMILY[material_family(material)])


def check_values(values: SpecValues, material: str | None) -> SanityOutcome:
    """Drop every field that falls outside its physical window for the material."""
    nozzle = nozzle_limits(material)
    bed = bed_limits(material)
    bad: list[str] = []

    def check_range(name: str, value: Range | None, limits: tuple[float, float]) -> None:
        if value is not None and not _inside(value, limits):
            bad.append(name)

    def check_number(name: str, value: float | None, limits: tuple[float, float]) -> None:
        if value is not None and not _number_inside(value, limits):
            bad.append(name)

    check_range("nozzle_temp", values.nozzle_temp, nozzle)
    check_number("nozzle_temp_recommended", values.nozzle_temp_recommended, nozzle)
    check_range("bed_temp", values.bed_temp, bed)
    check_number("bed_temp_recommended", values.bed_temp_recommended, bed)
    check_range("chamber_temp", values.chamber_temp, CHAMBER_LIMITS)
    check_range("print_speed", values.print_speed, SPEED_LIMITS)
    check_number("max_volumetric_speed", values.max_volumetric_speed, VOLUMETRIC_LIMITS)
    check_range("fan_speed", values.fan_speed, FAN_LIMITS)
    check_range("drying_temp", values.drying_temp, DRYING_TEMP_LIMITS)
    check_range("drying_time_h", values.drying_time_h, DRYING_TIME_LIMITS_H)
    check_number("max_drying_temp", values.max_drying_temp, DRYING_TEMP_LIMITS)
    check_number("density", values.density, DENSITY_LIMITS)
    check_number("diameter_tolerance", values.diameter_tolerance, TOLERANCE_LIMITS)
    check_number("glass_transition_temp", values.glass_transition_temp, GLASS_TRANSITION_LIMITS)
    if values.diameter is not None and values.diameter not in DIAMETERS:
        bad.append("diameter")
    if values.nozzle_temp_by_speed and not all(
        _inside(band.nozzle_temp, nozzle) and _inside(band.speed, SPEED_LIMITS)
        for band in values.nozzle_temp_by_speed
    ):
        bad.append("nozzle_temp_by_speed")
    if values.bed_temp_by_plate and not all(
        _inside(plate.temp, bed) for plate in values.bed_temp_by_plate
    ):
        bad.append("bed_temp_by_plate")
    if values.drying_schedules and not all(
        _schedule_ok(schedule) for schedule in values.drying_schedules
    ):
        bad.append("drying_schedules")
    checked = values.without(*bad)
    cross = _cross_field_problems(checked)
    return SanityOutcome(checked.without(*cross), tuple(bad) + cross)


def _schedule_ok(schedule: DryingSchedule) -> bool:
    return _inside(schedule.temp, DRYING_TEMP_LIMITS) and (
        schedule.time_h is None or _inside(schedule.time_h, DRYING_TIME_LIMITS_H)
    )


def _cross_field_problems(values: SpecValues) -> tuple[str, ...]:
    """The bed must stay below the nozzle; if not, the bed values are the suspect ones."""
    nozzle_floor = _lowest(values.nozzle_temp, values.nozzle_temp_recommended)
    if nozzle_floor is None:
        return ()
    problems: list[str] = []
    bed_top = _highest(values.bed_temp, values.bed_temp_recommended)
    if bed_top is not None and bed_top >= nozzle_floor:
        problems += ["bed_temp", "bed_temp_recommended", "bed_temp_by_plate"]
    return tuple(name for name in problems if getattr(values, name) not in (None, ()))


def _lowest(value: Range | None, point: float | None) -> float | None:
    candidates = [value.low if value else None, value.high if value else None, point]
    numbers = [b for b in candidates if b is not None]
    return min(numbers) if numbers else None


def _highest(value: Range | None, point: float | None) -> float | None:
    candidates = [value.low if value else None, value.high if value else None, point]
    numbers = [b for b in candidates if b is not None]
    return max(numbers) if numbers else None


def union_of_bands(bands: tuple[SpeedBand, ...]) -> Range | None:
    """Overall nozzle range covered by speed-banded temperatures."""
    if not bands:
        return None
    total = bands[0].nozzle_temp
    for band in bands[1:]:
        total = total.union(band.nozzle_temp)
    return total


def union_of_plates(plates: tuple[PlateTemp, ...]) -> Range | None:
    """Overall bed range covered by per-plate temperatures."""
    if not plates:
        return None
    total = plates[0].temp
    for plate in plates[1:]:
        total = total.union(plate.temp)
    return total


def with_derived_ranges(values: SpecValues) -> SpecValues:
    """Fill the overall nozzle/bed ranges from bands or plates when none was stated."""
    updates: dict[str, Any] = {}
    if values.nozzle_temp is None and (bands := union_of_bands(values.nozzle_temp_by_speed)):
        updates["nozzle_temp"] = bands
    if values.bed_temp is None and (plates := union_of_plates(values.bed_temp_by_plate)):
        updates["bed_temp"] = plates
    return replace(values, **updates) if updates else values
