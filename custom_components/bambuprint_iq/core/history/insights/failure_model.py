"""Logistic failure model over a few explainable features.

Features: AMS humidity %, room humidity %, room temperature (standardised; a missing value
is imputed with the training mean, so it adds nothing to the log-odds) and one indicator per
common material. Every prediction lists each feature's log-odds contribution.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
import math
from typing import Any

import numpy as np

from .calibration import FloatArray
from .features import InsightRow, ams_humidity_percent, ams_percent_array, normalise_material
from .logistic import fit_logistic, sigmoid

NUMERIC_FEATURES = ("ams_humidity_pct", "room_humidity_pct", "room_temp_c")


@dataclass(frozen=True, slots=True)
class PredictionQuery:
    """Conditions of the print about to start."""

    material: str | None = None
    ams_humidity_pct: float | None = None
    room_humidity_pct: float | None = None
    room_temp_c: float | None = None


def _numeric_values(row: InsightRow | PredictionQuery) -> tuple[float | None, ...]:
    ams = ams_humidity_percent(row) if isinstance(row, InsightRow) else row.ams_humidity_pct
    return (ams, row.room_humidity_pct, row.room_temp_c)


def _raw_values(row: InsightRow | PredictionQuery) -> tuple[float | None, ...]:
    """AMS percent, AMS level, room RH, room temperature, as stored."""
    if isinstance(row, InsightRow):
        return (
            row.ams_humidity_pct,
            row.ams_humidity_level,
            row.room_humidity_pct,
            row.room_temp_c,
        )
    return (row.ams_humidity_pct, None, row.room_humidity_pct, row.room_temp_c)


def _materials(row: InsightRow | PredictionQuery) -> tuple[str, ...]:
    if isinstance(row, InsightRow):
        return row.materials
    return () if row.material is None else (normalise_material(row.material),)


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """Raw features of many rows, extracted once and sliced for train/hold-out splits."""

    numeric: FloatArray  # (n, 3), NaN where unknown
    materials: tuple[tuple[str, ...], ...]
    failed: FloatArray  # 1.0 failed, 0.0 succeeded (unused for queries)

    @classmethod
    def of(cls, rows: Sequence[InsightRow | PredictionQuery]) -> FeatureTable:
        """Extract the features of `rows`."""
        raw = [[math.nan if v is None else v for v in _raw_values(r)] for r in rows]
        table = np.asarray(raw, dtype=np.float64).reshape(len(rows), 4)
        ams = ams_percent_array(table[:, 0], table[:, 1])
        return cls(
            numeric=np.column_stack((ams, table[:, 2], table[:, 3])),
            materials=tuple(_materials(r) for r in rows),
            failed=np.asarray(
                [1.0 if isinstance(r, InsightRow) and r.failed else 0.0 for r in rows]
            ),
        )

    def __len__(self) -> int:
        return len(self.materials)

    def part(self, start: int, stop: int) -> FeatureTable:
        """Rows start..stop-1."""
        return FeatureTable(
            self.numeric[start:stop], self.materials[start:stop], self.failed[start:stop]
        )


@dataclass(frozen=True, slots=True)
class Contribution:
    """How much one feature moves the log-odds of failure for this print."""

    feature: str
    value: float | str | None
    log_odds: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"feature": self.feature, "value": self.value, "log_odds": round(self.log_odds, 4)}


@dataclass(frozen=True, slots=True)
class FailurePrediction:
    """Probability that a print fails, with the reasons."""

    probability: float
    baseline_probability: float
    contributions: tuple[Contribution, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "probability": round(self.probability, 4),
            "baseline_probability": round(self.baseline_probability, 4),
            "contributions": [c.as_dict() for c in self.contributions],
        }


@dataclass(frozen=True, slots=True)
class FailureModel:
    """A fitted model: intercept, weights and the standardisation it was trained with."""

    numeric: tuple[str, ...]
    centres: tuple[float, ...]
    scales: tuple[float, ...]
    materials: tuple[str, ...]
    weights: tuple[float, ...]

    def design(self, table: FeatureTable) -> FloatArray:
        """Design matrix: intercept, standardised numerics, material indicators."""
        matrix = np.zeros((len(table), 1 + len(self.numeric) + len(self.materials)))
        matrix[:, 0] = 1.0
        for c, name in enumerate(self.numeric):
            column = table.numeric[:, NUMERIC_FEATURES.index(name)]
            scaled = (column - self.centres[c]) / self.scales[c]
            matrix[:, 1 + c] = np.where(np.isnan(column), 0.0, scaled)
        for m, material in enumerate(self.materials):
            matrix[:, 1 + len(self.numeric) + m] = [material in u for u in table.materials]
        return matrix

    def probabilities(self, table: FeatureTable) -> FloatArray:
        """Failure probability per row."""
        return sigmoid(self.design(table) @ np.asarray(self.weights))

    def predict(self, query: PredictionQuery) -> FailurePrediction:
        """Probability with per-feature log-odds contributions."""
        x = self.design(FeatureTable.of([query]))[0]
        w = np.asarray(self.weights)
        values = _numeric_values(query)
        shown: list[float | str | None] = [values[NUMERIC_FEATURES.index(n)] for n in self.numeric]
        shown += [
            "yes" if x[1 + len(self.numeric) + i] else "no" for i in range(len(self.materials))
        ]
        names = [*self.numeric, *(f"material={m}" for m in self.materials)]
        parts = tuple(
            Contribution(name, value, float(w[1 + i] * x[1 + i]))
            for i, (name, value) in enumerate(zip(names, shown, strict=True))
        )
        return FailurePrediction(
            probability=float(sigmoid(np.asarray([x @ w]))[0]),
            baseline_probability=float(sigmoid(np.asarray([w[0]]))[0]),
            contributions=parts,
        )

    def odds_ratios(self) -> dict[str, float]:
        """Odds multiplier per 10 units of each numeric feature, and per material."""
        w = self.weights
        ratios = {
            f"{name} +10": math.exp(10.0 * w[1 + i] / self.scales[i])
            for i, name in enumerate(self.numeric)
        }
        for m, material in enumerate(self.materials):
            ratios[f"material={material}"] = math.exp(w[1 + len(self.numeric) + m])
        return {k: round(v, 4) for k, v in ratios.items()}


def fit_failure_model(table: FeatureTable, *, min_feature_count: int, l2: float) -> FailureModel:
    """Keep features with at least `min_feature_count` known values and fit the weights."""
    numeric: list[str] = []
    centres: list[float] = []
    scales: list[float] = []
    for i, name in enumerate(NUMERIC_FEATURES):
        values = table.numeric[:, i][~np.isnan(table.numeric[:, i])]
        spread = float(np.std(values)) if values.size else 0.0
        if values.size >= min_feature_count and spread > 1e-9:
            numeric.append(name)
            centres.append(float(np.mean(values)))
            scales.append(spread)
    counts = Counter(m for used in table.materials for m in used)
    materials = sorted(m for m, c in counts.items() if c >= min_feature_count)
    if len(materials) == len(counts) and materials:
        materials = materials[1:]  # every print uses a listed material: keep one as baseline
    shell = FailureModel(tuple(numeric), tuple(centres), tuple(scales), tuple(materials), ())
    weights = fit_logistic(shell.design(table), table.failed, l2=l2)
    return FailureModel(
        shell.numeric,
        shell.centres,
        shell.scales,
        shell.materials,
        tuple(float(w) for w in weights),
    )
