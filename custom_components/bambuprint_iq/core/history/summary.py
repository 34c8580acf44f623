"""Min/mean/max of a series without keeping the series.

Only the count and the running mean are kept, so the summary of an unfinished print can be
stored, reloaded after a restart and extended without losing earlier samples. The mean is a
per-sample mean: callers should feed samples at a steady rate rather than only on change.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

from .errors import InvalidRecordError


@dataclass(frozen=True, slots=True)
class StatSummary:
    """Count, mean, minimum and maximum of the values seen so far."""

    count: int
    mean: float
    minimum: float
    maximum: float

    @classmethod
    def of(cls, value: float) -> StatSummary:
        """Summary of a single value."""
        return cls(count=1, mean=float(value), minimum=float(value), maximum=float(value))

    def add(self, value: float) -> StatSummary:
        """A new summary that also covers `value`."""
        count = self.count + 1
        return StatSummary(
            count=count,
            mean=self.mean + (value - self.mean) / count,
            minimum=min(self.minimum, value),
            maximum=max(self.maximum, value),
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "count": self.count,
            "mean": round(self.mean, 4),
            "min": self.minimum,
            "max": self.maximum,
        }

    @classmethod
    def from_dict(cls, data: Any) -> StatSummary:
        """Parse `as_dict` output, rejecting anything inconsistent."""
        if not isinstance(data, dict):
            raise InvalidRecordError("summary must be an object")
        try:
            count = data["count"]
            values = [float(data[k]) for k in ("mean", "min", "max")]
        except (KeyError, TypeError, ValueError) as err:
            raise InvalidRecordError(f"bad summary: {data!r}") from err
        if not isinstance(count, int) or count < 1 or not all(math.isfinite(x) for x in values):
            raise InvalidRecordError(f"bad summary: {data!r}")
        mean, low, high = values
        if not low <= high:
            raise InvalidRecordError(f"summary min > max: {data!r}")
        return cls(count=count, mean=mean, minimum=low, maximum=high)


def extend(summary: StatSummary | None, value: float | None) -> StatSummary | None:
    """Add `value` to an optional summary; None values leave it unchanged."""
    if value is None:
        return summary
    return StatSummary.of(value) if summary is None else summary.add(value)
