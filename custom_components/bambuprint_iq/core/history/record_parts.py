"""Value types that make up a print record: outcome, filament use, settings, climate summaries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from . import _parse as p
from .errors import InvalidRecordError
from .observation import RoomQuantity
from .summary import StatSummary

SPEED_PROFILES: Mapping[int, str] = {1: "silent", 2: "standard", 3: "sport", 4: "ludicrous"}


class Outcome(StrEnum):
    """How a print ended. UNKNOWN means the end was never observed."""

    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PARTIAL = "partial"
    UNKNOWN = "unknown"

    @property
    def is_decided(self) -> bool:
        """Counts towards success rates. Cancelled and unknown prints say nothing about quality."""
        return self in (Outcome.SUCCESS, Outcome.FAILED, Outcome.PARTIAL)

    @classmethod
    def parse(cls, raw: Any, what: str = "outcome") -> Outcome:
        """Strict parse from a stored or user-supplied string."""
        try:
            return cls(raw)
        except ValueError as err:
            raise InvalidRecordError(f"{what} must be one of {[o.value for o in cls]}") from err


@dataclass(frozen=True, slots=True)
class FilamentUsage:
    """One tray that fed the print, captured when it was first used."""

    tray_id: str
    material: str | None = None
    brand: str | None = None
    colour: str | None = None
    spec_ref: str | None = None
    ams_unit_id: str | None = None
    spool_weight_g: float | None = None
    remain_start_percent: float | None = None
    remain_end_percent: float | None = None
    k: float | None = None
    n: float | None = None
    nozzle_temp_min_c: float | None = None
    nozzle_temp_max_c: float | None = None

    @property
    def grams(self) -> float | None:
        """Grams used, from the spool's remaining-percent drop; None when not reported."""
        start, end, weight = self.remain_start_percent, self.remain_end_percent, self.spool_weight_g
        if start is None or end is None or not weight or end > start:
            return None  # a spool weight of 0 means the printer does not know it
        return round((start - end) / 100.0 * weight, 1)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, including the derived grams."""
        return {
            "tray_id": self.tray_id,
            "material": self.material,
            "brand": self.brand,
            "colour": self.colour,
            "spec_ref": self.spec_ref,
            "ams_unit_id": self.ams_unit_id,
            "spool_weight_g": self.spool_weight_g,
            "remain_start_percent": self.remain_start_percent,
            "remain_end_percent": self.remain_end_percent,
            "k": self.k,
            "n": self.n,
            "nozzle_temp_min_c": self.nozzle_temp_min_c,
            "nozzle_temp_max_c": self.nozzle_temp_max_c,
            "grams": self.grams,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FilamentUsage:
        """Parse `as_dict` output (the derived `grams` is recomputed, not trusted)."""
        return cls(
            tray_id=p.req_str(data, "tray_id"),
            material=p.opt_str(data, "material"),
            brand=p.opt_str(data, "brand"),
            colour=p.opt_str(data, "colour"),
            spec_ref=p.opt_str(data, "spec_ref"),
            ams_unit_id=p.opt_str(data, "ams_unit_id"),
            spool_weight_g=p.opt_float(data, "spool_weight_g"),
            remain_start_percent=p.opt_float(data, "remain_start_percent"),
            remain_end_percent=p.opt_float(data, "remain_end_percent"),
            k=p.opt_float(data, "k"),
            n=p.opt_float(data, "n"),
            nozzle_temp_min_c=p.opt_float(data, "nozzle_temp_min_c"),
            nozzle_temp_max_c=p.opt_float(data, "nozzle_temp_max_c"),
        )


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    """Machine settings while printing (last values seen in RUNNING)."""

    nozzle_target_c: float | None = None
    bed_target_c: float | None = None
    speed_level: int | None = None

    @property
    def speed_profile(self) -> str | None:
        """Human name of the speed level (silent/standard/sport/ludicrous)."""
        return None if self.speed_level is None else SPEED_PROFILES.get(self.speed_level)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "nozzle_target_c": self.nozzle_target_c,
            "bed_target_c": self.bed_target_c,
            "speed_level": self.speed_level,
            "speed_profile": self.speed_profile,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SettingsSnapshot:
        """Parse `as_dict` output."""
        return cls(
            nozzle_target_c=p.opt_float(data, "nozzle_target_c"),
            bed_target_c=p.opt_float(data, "bed_target_c"),
            speed_level=p.opt_int(data, "speed_level"),
        )


def _opt_summary(data: Mapping[str, Any], key: str) -> StatSummary | None:
    raw = data.get(key)
    return None if raw is None else StatSummary.from_dict(raw)


def _summary_dict(summary: StatSummary | None) -> dict[str, Any] | None:
    return None if summary is None else summary.as_dict()


@dataclass(frozen=True, slots=True)
class AmsSummary:
    """Humidity (percent and level, 5 = driest) and temperature of one AMS unit over a print."""

    unit_id: str
    humidity_percent: StatSummary | None = None
    humidity_level: StatSummary | None = None
    temperature_c: StatSummary | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "unit_id": self.unit_id,
            "humidity_percent": _summary_dict(self.humidity_percent),
            "humidity_level": _summary_dict(self.humidity_level),
            "temperature_c": _summary_dict(self.temperature_c),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AmsSummary:
        """Parse `as_dict` output."""
        return cls(
            unit_id=p.req_str(data, "unit_id"),
            humidity_percent=_opt_summary(data, "humidity_percent"),
            humidity_level=_opt_summary(data, "humidity_level"),
            temperature_c=_opt_summary(data, "temperature_c"),
        )


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """Readings of one external room sensor during a print."""

    sensor_id: str
    quantity: RoomQuantity
    stats: StatSummary

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "sensor_id": self.sensor_id,
            "quantity": self.quantity.value,
            **self.stats.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoomSummary:
        """Parse `as_dict` output."""
        try:
            quantity = RoomQuantity(p.req_str(data, "quantity"))
        except ValueError as err:
            raise InvalidRecordError("room quantity must be temperature or humidity") from err
        return cls(
            sensor_id=p.req_str(data, "sensor_id"),
            quantity=quantity,
            stats=StatSummary.from_dict(dict(data)),
        )
