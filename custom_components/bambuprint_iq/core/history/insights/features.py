"""The few facts per print that insights work on, and how they are bucketed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ..observation import RoomQuantity, humidity_letter
from ..record import PrintRecord
from ..record_parts import Outcome

# Bucket edges. Room humidity: below 40 % is comfortably dry, above 60 % is where most
# filament makers warn about moisture uptake. Room temperature: below 18 °C invites warping
# of ABS/ASA and poor PLA adhesion; above 25 °C softens PLA in an enclosed printer.
FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[Any]

HUMIDITY_EDGES = (40.0, 60.0)
TEMPERATURE_EDGES = (18.0, 25.0)


def normalise_material(material: str) -> str:
    """ "pla " and "PLA" are the same material."""
    return material.strip().upper()


@dataclass(frozen=True, slots=True)
class InsightRow:
    """One finished print reduced to what the statistics and the predictor need.

    `failed` (failed or only partly printed) is derived from the outcome.
    """

    printer_id: str
    started_at: float
    outcome: Outcome
    materials: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    ams_humidity_pct: float | None = None
    ams_humidity_level: float | None = None
    room_humidity_pct: float | None = None
    room_temp_c: float | None = None

    failed: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: insights read it for every row in several passes.
        object.__setattr__(self, "failed", self.outcome in (Outcome.FAILED, Outcome.PARTIAL))

    @classmethod
    def from_record(cls, record: PrintRecord) -> InsightRow | None:
        """The row for a closed record; None while the print is still open."""
        outcome = record.outcome
        if outcome is None:
            return None
        return cls(
            printer_id=record.printer_id,
            started_at=record.started_at.timestamp(),
            outcome=outcome,
            materials=tuple(dict.fromkeys(normalise_material(m) for m in record.materials)),
            brands=tuple(dict.fromkeys(b.strip() for b in record.brands)),
            ams_humidity_pct=record.ams_humidity_percent,
            ams_humidity_level=record.ams_humidity_level,
            room_humidity_pct=record.room_mean(RoomQuantity.HUMIDITY),
            room_temp_c=record.room_mean(RoomQuantity.TEMPERATURE),
        )


def _names(edges: tuple[float, float], unit: str) -> tuple[str, str, str]:
    low, high = edges
    return (f"<{low:g}{unit}", f"{low:g}-{high:g}{unit}", f">{high:g}{unit}")


def _bucket(value: float | None, edges: tuple[float, float], unit: str) -> str | None:
    if value is None:
        return None
    below, middle, above = _names(edges, unit)
    return below if value < edges[0] else middle if value <= edges[1] else above


def humidity_bucket(percent: float | None) -> str | None:
    """'<40 %', '40-60 %' or '>60 %' RH."""
    return _bucket(percent, HUMIDITY_EDGES, " %")


def temperature_bucket(celsius: float | None) -> str | None:
    """'<18 °C', '18-25 °C' or '>25 °C'."""
    return _bucket(celsius, TEMPERATURE_EDGES, " °C")


def ams_letter_bucket(level: float | None) -> str | None:
    """The AMS droplet letter of the mean humidity level (A dry ... E wet)."""
    if level is None:
        return None
    return humidity_letter(min(5, max(1, round(level))))


def bucket_labels(values: FloatArray, kind: str) -> ObjectArray:
    """Vectorised bucket names ("humidity", "temperature" or "ams_letter"); None if unknown."""
    known = ~np.isnan(values)
    filled = np.where(known, values, 0.0)
    if kind == "ams_letter":
        index = np.clip(np.rint(filled), 1, 5).astype(np.int64) - 1
        names: tuple[str, ...] = tuple(humidity_letter(level) for level in range(1, 6))
    else:
        edges, unit = (HUMIDITY_EDGES, " %") if kind == "humidity" else (TEMPERATURE_EDGES, " °C")
        index = np.where(filled < edges[0], 0, np.where(filled <= edges[1], 1, 2))
        names = _names(edges, unit)
    labels: ObjectArray = np.asarray(names, dtype=object)[index]
    labels[~known] = None
    return labels


def ams_percent_array(percent: FloatArray, level: FloatArray) -> FloatArray:
    """Vectorised `ams_humidity_percent` over columns (NaN = unknown)."""
    from_level = 10.0 + (5.0 - np.clip(level, 1.0, 5.0)) * 20.0
    return np.where(np.isnan(percent), from_level, percent)


def ams_humidity_percent(row: InsightRow) -> float | None:
    """AMS humidity in percent; from the level (band midpoints) when percent is not reported."""
    if row.ams_humidity_pct is not None:
        return row.ams_humidity_pct
    if row.ams_humidity_level is None:
        return None
    level = min(5.0, max(1.0, row.ams_humidity_level))
    return 10.0 + (5.0 - level) * 20.0
