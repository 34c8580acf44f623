"""Honest comparison statements: claim a difference only when the interval supports it.

A statement such as "PLA prints fail 2.8x more often above 60 % RH" is made only when
* both groups have at least `min_group_size` prints, and
* Newcombe's interval for the difference of failure rates excludes 0.
The number shown is then the failure-rate ratio with its Katz log interval when that interval
also excludes 1; otherwise (e.g. no failures in the reference group) the difference in
percentage points with Newcombe's interval. Either way the quoted interval excludes "no
difference". When many comparisons are tested at once, each uses a Bonferroni-adjusted level
(1 - 0.05 / m) so that the whole family keeps 95 % coverage. Anything else reads
"not enough data yet (n=…)".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .intervals import Interval, log_ratio_interval, newcombe_difference_interval

TIMES = "\u00d7"  # multiplication sign, as in 2.8x
DASH = "\u2013"  # en dash for ranges


@dataclass(frozen=True, slots=True)
class Comparison:
    """Failure rate of prints under a condition versus the rest of the same subject."""

    subject: str
    condition: str
    reference: str
    exposed_failures: int
    exposed_n: int
    reference_failures: int
    reference_n: int
    family_confidence: float
    family_size: int
    difference_interval: Interval | None
    ratio_interval: Interval | None
    claimed: bool
    statement: str

    @property
    def difference(self) -> float | None:
        """Failure rate under the condition minus the reference failure rate."""
        if not self.exposed_n or not self.reference_n:
            return None
        return self.exposed_failures / self.exposed_n - self.reference_failures / self.reference_n

    @property
    def ratio(self) -> float | None:
        """Failure-rate ratio (condition / reference); None if the reference never failed."""
        if not self.exposed_n or not self.reference_n or not self.reference_failures:
            return None
        return (self.exposed_failures / self.exposed_n) / (
            self.reference_failures / self.reference_n
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        diff, ratio = self.difference, self.ratio
        return {
            "subject": self.subject,
            "condition": self.condition,
            "reference": self.reference,
            "exposed": {"failures": self.exposed_failures, "n": self.exposed_n},
            "reference_group": {"failures": self.reference_failures, "n": self.reference_n},
            "difference": None if diff is None else round(diff, 4),
            "difference_interval": _opt(self.difference_interval),
            "ratio": None if ratio is None else round(ratio, 4),
            "ratio_interval": _opt(self.ratio_interval),
            "family_confidence": self.family_confidence,
            "family_size": self.family_size,
            "claimed": self.claimed,
            "statement": self.statement,
        }


def _opt(interval: Interval | None) -> dict[str, Any] | None:
    return None if interval is None else interval.as_dict()


def compare_failure_rates(
    subject: str,
    condition: str,
    reference: str,
    exposed: tuple[int, int],
    baseline: tuple[int, int],
    *,
    confidence: float = 0.95,
    family_size: int = 1,
    min_group_size: int = 10,
) -> Comparison:
    """Compare (failures, n) under `condition` with (failures, n) under `reference`."""
    (e_fail, e_n), (r_fail, r_n) = exposed, baseline
    family_size = max(1, family_size)
    level = 1.0 - (1.0 - confidence) / family_size
    enough = e_n >= min_group_size and r_n >= min_group_size
    diff_ci = newcombe_difference_interval(e_fail, e_n, r_fail, r_n, level) if enough else None
    ratio_ci = log_ratio_interval(e_fail, e_n, r_fail, r_n, level) if enough else None
    claimed = diff_ci is not None and diff_ci.excludes(0.0)
    base = Comparison(
        subject=subject,
        condition=condition,
        reference=reference,
        exposed_failures=e_fail,
        exposed_n=e_n,
        reference_failures=r_fail,
        reference_n=r_n,
        family_confidence=confidence,
        family_size=family_size,
        difference_interval=diff_ci,
        ratio_interval=ratio_ci,
        claimed=claimed,
        statement="",
    )
    return _with_statement(base)


def _with_statement(c: Comparison) -> Comparison:
    if not c.claimed or c.difference_interval is None:
        text = (
            f"not enough data yet (n={c.exposed_n} {c.condition}, n={c.reference_n} {c.reference})"
        )
        return replace(c, statement=text)
    level = f"{c.family_confidence * 100:g} % CI"
    if c.family_size > 1:
        level += f", adjusted for {c.family_size} comparisons"
    counts = f"n={c.exposed_n} {c.condition} vs {c.reference_n} {c.reference}"
    ratio, ratio_ci = c.ratio, c.ratio_interval
    if ratio is not None and ratio_ci is not None and ratio_ci.excludes(1.0):
        if ratio >= 1.0:
            how = f"{ratio:.1f}{TIMES} more often"
            span = f"{ratio_ci.lower:.1f}{DASH}{ratio_ci.upper:.1f}{TIMES}"
        else:
            how = f"{1 / ratio:.1f}{TIMES} less often"
            span = f"{1 / ratio_ci.upper:.1f}{DASH}{1 / ratio_ci.lower:.1f}{TIMES}"
    else:
        diff_ci = c.difference_interval
        points = abs(c.difference or 0.0) * 100
        how = (
            f"{points:.0f} percentage points {'more' if (c.difference or 0) > 0 else 'less'} often"
        )
        low, high = sorted((abs(diff_ci.lower) * 100, abs(diff_ci.upper) * 100))
        span = f"{low:.0f}{DASH}{high:.0f} points"
    text = f"{c.subject} prints fail {how} {c.condition} ({counts}, {level} {span})"
    return replace(c, statement=text)
