"""A sliding-window cost cap for paid frame checks.

The failure watch sends one camera frame per interval to a paid vision model. The user
chooses both the interval and a ceiling of frames per hour; the ceiling must hold even
when the interval alone would allow more (a 1-minute interval with a 12-frame cap), so
the budget remembers when each frame was spent and forgets spends older than the window.

Pure and immutable: times are plain seconds from any monotonic clock the caller owns.
"""

from __future__ import annotations

from dataclasses import dataclass
import math

HOUR_S = 3600.0


@dataclass(frozen=True, slots=True)
class FrameBudget:
    """At most ``limit`` spends within any ``window_s`` seconds."""

    limit: int
    window_s: float = HOUR_S
    spent_at: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 1:
            raise ValueError("the frame limit must be a whole number of at least 1")
        if not (math.isfinite(self.window_s) and self.window_s > 0):
            raise ValueError("the budget window must be a positive number of seconds")

    def _recent(self, now: float) -> tuple[float, ...]:
        return tuple(at for at in self.spent_at if now - at < self.window_s)

    def used(self, now: float) -> int:
        """Frames spent within the window ending at ``now``."""
        return len(self._recent(now))

    def allows(self, now: float) -> bool:
        """True when one more frame may be spent at ``now``."""
        return self.used(now) < self.limit

    def spend(self, now: float) -> FrameBudget:
        """The budget after spending one frame at ``now``.

        Raises ``ValueError`` when the window is already full, so a caller that forgot to
        ask :meth:`allows` cannot overspend.
        """
        recent = self._recent(now)
        if len(recent) >= self.limit:
            raise ValueError("the frame budget for this window is used up")
        return FrameBudget(self.limit, self.window_s, (*recent, now))

    def next_allowed(self, now: float) -> float:
        """The earliest time a frame may be spent (``now`` when one may be spent now)."""
        recent = self._recent(now)
        if len(recent) < self.limit:
            return now
        return recent[len(recent) - self.limit] + self.window_s
