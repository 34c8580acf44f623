"""Confidence intervals for proportions and for comparing two proportions.

* Wilson score interval for one proportion: good coverage even for small n and rates
  near 0 or 1, where the textbook Wald interval fails.
* Newcombe's hybrid score interval (his "method 10", 1998) for a difference of two
  proportions: combines the two Wilson intervals; well-behaved for small samples.
* Katz log interval for a ratio of two proportions (risk ratio): normal on log(RR).
All pure functions of counts; no scipy needed (the normal quantile comes from the stdlib).
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from statistics import NormalDist
from typing import Any

from ..errors import InvalidObservationError


@dataclass(frozen=True, slots=True)
class Interval:
    """A two-sided confidence interval."""

    lower: float
    upper: float
    confidence: float

    def excludes(self, value: float) -> bool:
        """The interval lies entirely above or below `value`."""
        return value < self.lower or value > self.upper

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "lower": round(self.lower, 6),
            "upper": round(self.upper, 6),
            "confidence": round(self.confidence, 6),
        }


def z_for(confidence: float) -> float:
    """Two-sided standard-normal quantile, e.g. 1.959964 for 95 %."""
    if not 0.0 < confidence < 1.0:
        raise InvalidObservationError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _check_counts(events: int, n: int) -> None:
    for value in (events, n):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidObservationError(f"counts must be integers, got {value!r}")
    if not 0 <= events <= n:
        raise InvalidObservationError(f"need 0 <= events <= n, got {events}/{n}")


def wilson_interval(events: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for events/n; the whole [0, 1] when n is 0."""
    _check_counts(events, n)
    if n == 0:
        return Interval(0.0, 1.0, confidence)
    z = z_for(confidence)
    p = events / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    return Interval(max(0.0, centre - half), min(1.0, centre + half), confidence)


def newcombe_difference_interval(
    events_1: int, n_1: int, events_2: int, n_2: int, confidence: float = 0.95
) -> Interval:
    """Interval for p1 - p2 by Newcombe's hybrid score method (no continuity correction)."""
    if n_1 == 0 or n_2 == 0:
        raise InvalidObservationError("both groups need at least one observation")
    p1, p2 = events_1 / n_1, events_2 / n_2
    w1 = wilson_interval(events_1, n_1, confidence)
    w2 = wilson_interval(events_2, n_2, confidence)
    difference = p1 - p2
    lower = difference - math.sqrt((p1 - w1.lower) ** 2 + (w2.upper - p2) ** 2)
    upper = difference + math.sqrt((w1.upper - p1) ** 2 + (p2 - w2.lower) ** 2)
    return Interval(lower, upper, confidence)


def log_ratio_interval(
    events_1: int, n_1: int, events_2: int, n_2: int, confidence: float = 0.95
) -> Interval | None:
    """Katz interval for (events_1/n_1) / (events_2/n_2); None when either count is zero."""
    _check_counts(events_1, n_1)
    _check_counts(events_2, n_2)
    if events_1 == 0 or events_2 == 0:
        return None
    ratio = (events_1 / n_1) / (events_2 / n_2)
    se = math.sqrt(1 / events_1 - 1 / n_1 + 1 / events_2 - 1 / n_2)
    z = z_for(confidence)
    return Interval(ratio * math.exp(-z * se), ratio * math.exp(z * se), confidence)
