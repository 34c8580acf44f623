"""How trustworthy predicted probabilities are, measured on prints the model never saw.

* Brier score: mean squared error of the probability (0 is perfect).
* Brier skill: improvement over always predicting the training failure rate (> 0 is useful).
* Reliability bins: within each probability band, the mean prediction next to the observed
  failure rate; a calibrated model has the two close. ECE is their count-weighted gap.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """Predictions that fell in [lower, upper)."""

    lower: float
    upper: float
    count: int
    mean_predicted: float
    observed_rate: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "lower": round(self.lower, 4),
            "upper": round(self.upper, 4),
            "count": self.count,
            "mean_predicted": round(self.mean_predicted, 4),
            "observed_rate": round(self.observed_rate, 4),
        }


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    """Held-out quality of a probability model."""

    n: int
    brier: float
    brier_reference: float
    log_loss: float
    expected_calibration_error: float
    bins: tuple[ReliabilityBin, ...]

    @property
    def brier_skill(self) -> float:
        """1 - Brier / reference Brier; positive when the model beats the base rate."""
        if self.brier_reference == 0.0:
            return 0.0
        return 1.0 - self.brier / self.brier_reference

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "n": self.n,
            "brier": round(self.brier, 5),
            "brier_reference": round(self.brier_reference, 5),
            "brier_skill": round(self.brier_skill, 4),
            "log_loss": round(self.log_loss, 5),
            "expected_calibration_error": round(self.expected_calibration_error, 5),
            "bins": [b.as_dict() for b in self.bins],
        }


def calibration_report(
    predicted: FloatArray, observed: FloatArray, reference_rate: float, n_bins: int = 10
) -> CalibrationReport:
    """Score predicted failure probabilities against observed outcomes (1 = failed)."""
    if predicted.shape != observed.shape or predicted.ndim != 1 or predicted.size == 0:
        raise ValueError("predicted and observed must be equal-length, non-empty vectors")
    clipped = np.clip(predicted, 1e-12, 1 - 1e-12)
    brier = float(np.mean((predicted - observed) ** 2))
    reference = float(np.mean((reference_rate - observed) ** 2))
    log_loss = float(-np.mean(observed * np.log(clipped) + (1 - observed) * np.log(1 - clipped)))
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    index = np.clip(np.digitize(predicted, edges[1:-1]), 0, n_bins - 1)
    bins: list[ReliabilityBin] = []
    gap = 0.0
    for b in range(n_bins):
        mask = index == b
        count = int(mask.sum())
        if count == 0:
            continue
        mean_p = float(predicted[mask].mean())
        rate = float(observed[mask].mean())
        gap += count * abs(mean_p - rate)
        bins.append(ReliabilityBin(float(edges[b]), float(edges[b + 1]), count, mean_p, rate))
    ece = gap / predicted.size
    if not all(math.isfinite(x) for x in (brier, reference, log_loss, ece)):
        raise ValueError("non-finite calibration metric")
    return CalibrationReport(predicted.size, brier, reference, log_loss, ece, tuple(bins))
