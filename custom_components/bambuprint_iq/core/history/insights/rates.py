"""Success rates per group (printer, material, brand, climate bucket) with Wilson intervals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .features import InsightRow
from .intervals import Interval, wilson_interval


@dataclass(frozen=True, slots=True)
class GroupRate:
    """Successes among decided prints of one group, with a Wilson interval."""

    dimension: str
    key: str
    successes: int
    total: int
    interval: Interval
    enough_data: bool

    @property
    def rate(self) -> float | None:
        """Observed success rate; None for an empty group."""
        return self.successes / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; `note` says when the sample is too small to read much into."""
        rate = self.rate
        return {
            "dimension": self.dimension,
            "key": self.key,
            "n": self.total,
            "successes": self.successes,
            "failures": self.total - self.successes,
            "success_rate": None if rate is None else round(rate, 4),
            "interval": self.interval.as_dict(),
            "enough_data": self.enough_data,
            "note": None if self.enough_data else f"not enough data yet (n={self.total})",
        }


def rate_of(
    dimension: str, key: str, successes: int, total: int, *, confidence: float, min_n: int
) -> GroupRate:
    """One GroupRate from counts."""
    return GroupRate(
        dimension=dimension,
        key=key,
        successes=successes,
        total=total,
        interval=wilson_interval(successes, total, confidence),
        enough_data=total >= min_n,
    )


def rates_from_counts(
    dimension: str, counts: dict[str, tuple[int, int]], *, confidence: float, min_n: int
) -> tuple[GroupRate, ...]:
    """GroupRates from {key: (successes, n)}, largest groups first."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1][1], item[0]))
    return tuple(
        rate_of(dimension, key, s, n, confidence=confidence, min_n=min_n) for key, (s, n) in ordered
    )


def label_counts(
    labels: npt.NDArray[Any], failed: npt.NDArray[np.bool_]
) -> dict[str, tuple[int, int]]:
    """{label: (successes, n)} for one label per row; None labels are skipped."""
    counts: dict[str, tuple[int, int]] = {}
    present: set[str] = {x for x in labels if isinstance(x, str)}
    for label in present:
        mask = labels == label
        n = int(mask.sum())
        counts[label] = (n - int((failed & mask).sum()), n)
    return counts


def multi_label_counts(
    keys: Iterable[Iterable[str | None]], failed: Iterable[bool]
) -> dict[str, tuple[int, int]]:
    """{key: (successes, n)} when a row may carry several keys (each counted once)."""
    counts: dict[str, list[int]] = {}
    for row_keys, row_failed in zip(keys, failed, strict=True):
        for key in set(row_keys):
            if key is not None:
                tally = counts.setdefault(key, [0, 0])
                tally[0] += not row_failed
                tally[1] += 1
    return {key: (s, n) for key, (s, n) in counts.items()}


def success_rates(
    rows: Iterable[InsightRow],
    dimension: str,
    keys_of: Callable[[InsightRow], Iterable[str | None]],
    *,
    confidence: float = 0.95,
    min_n: int = 10,
) -> tuple[GroupRate, ...]:
    """Rates per key over decided rows. A print using two materials counts in both."""
    decided = [r for r in rows if r.outcome.is_decided]
    counts = multi_label_counts((keys_of(r) for r in decided), (r.failed for r in decided))
    return rates_from_counts(dimension, counts, confidence=confidence, min_n=min_n)
