"""Accumulates what the binder finds while one text is parsed; first statement wins.

Pages repeat blocks (a high-speed variant, a second template); the first block is the
standard one, so a field once set is never overwritten.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType
from typing import Any

from ..values import DryingSchedule, PlateTemp, Range, SpecValues, SpeedBand
from .result import SideFacts


class Collector:
    """Mutable scratch state of one parse; never leaves the parser."""

    def __init__(self) -> None:
        """Start empty."""
        self._values: dict[str, Any] = {}
        self._side: dict[str, Any] = {}
        self._evidence: dict[str, str] = {}
        self.bands: list[SpeedBand] = []
        self.plates: list[PlateTemp] = []
        self.schedules: list[DryingSchedule] = []

    def has(self, name: str) -> bool:
        """True once a field was set."""
        return name in self._values

    def put(self, name: str, value: object, evidence: str) -> None:
        """Set a field unless an earlier statement already did."""
        if value is None or name in self._values:
            return
        self._values[name] = value
        self._evidence[name] = evidence.strip()

    def put_side(self, name: str, value: object) -> None:
        """Record a side fact (annealing, spool limit …) unless already known."""
        if value is not None and name not in self._side:
            self._side[name] = value

    def add_band(self, band: SpeedBand, evidence: str) -> None:
        """Add one speed band (bands accumulate, they do not compete)."""
        if band not in self.bands:
            self.bands.append(band)
            self._evidence.setdefault("nozzle_temp_by_speed", evidence.strip())

    def add_plate(self, plate: PlateTemp, evidence: str) -> None:
        """Add a per-plate bed temperature (the first value per plate wins)."""
        if all(existing.plate is not plate.plate for existing in self.plates):
            self.plates.append(plate)
            self._evidence.setdefault("bed_temp_by_plate", evidence.strip())

    def add_schedule(self, schedule: DryingSchedule, evidence: str) -> None:
        """Add a drying method; the first one also becomes the drying temperature and time."""
        if schedule in self.schedules:
            return
        self.schedules.append(schedule)
        self._evidence.setdefault("drying_schedules", evidence.strip())
        self.put("drying_temp", schedule.temp, evidence)
        self.put("drying_time_h", schedule.time_h, evidence)

    def values(self) -> SpecValues:
        """Freeze into ``SpecValues``; speed bands and plates also fill the overall ranges."""
        values = replace(SpecValues(), **self._values)
        extra: dict[str, Any] = {}
        if self.bands:
            extra["nozzle_temp_by_speed"] = tuple(self.bands)
            if values.nozzle_temp is None:
                total = self.bands[0].nozzle_temp
                for band in self.bands[1:]:
                    total = total.union(band.nozzle_temp)
                extra["nozzle_temp"] = total
                self._evidence.setdefault("nozzle_temp", self._evidence["nozzle_temp_by_speed"])
        if self.plates:
            extra["bed_temp_by_plate"] = tuple(self.plates)
        if self.schedules:
            extra["drying_schedules"] = tuple(self.schedules)
        return replace(values, **extra) if extra else values

    def side_facts(self) -> SideFacts:
        """Freeze the side facts."""
        return replace(SideFacts(), **self._side)

    def evidence(self) -> MappingProxyType[str, str]:
        """Read-only evidence per field."""
        return MappingProxyType(dict(self._evidence))


def range_of(low: float | None, high: float | None) -> Range | None:
    """A Range, or None when both ends are missing or inverted."""
    if low is None and high is None:
        return None
    if low is not None and high is not None and low > high:
        return None
    return Range(low, high)
