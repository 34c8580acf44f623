"""Temporal smoothing for the in-print failure watch.

One frame is never enough to act: lighting, supports or a purge pile fool every
detector now and then. The watch keeps an exponentially weighted mean of per-frame
failure scores and also demands that several recent frames agree. A second, higher
threshold with more agreeing frames marks the point where pausing is justified.

Pure and immutable: ``observe`` returns a new watch, so a coordinator can keep the
latest value and compare levels to fire events on changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
import math


class WatchLevel(StrEnum):
    """Escalation level after the latest frame."""

    OK = "ok"
    SUSPECTED = "suspected"
    PAUSE = "pause"


@dataclass(frozen=True, slots=True)
class WatchThresholds:
    """Scores are 0-1 failure confidences; the window counts scored frames."""

    suspect: float = 0.6
    pause: float = 0.85
    window: int = 5
    suspect_hits: int = 2
    pause_hits: int = 3
    ewm_span: int = 4

    def __post_init__(self) -> None:
        if not 0 < self.suspect < self.pause <= 1:
            raise ValueError("thresholds must satisfy 0 < suspect < pause <= 1")
        if not 2 <= self.suspect_hits <= self.pause_hits <= self.window <= 100:
            raise ValueError("need 2 <= suspect_hits <= pause_hits <= window <= 100")
        if self.ewm_span < 1:
            raise ValueError("ewm_span must be at least 1")


@dataclass(frozen=True, slots=True)
class FailureWatch:
    """State of the watch for one print; start a fresh one when a print starts."""

    thresholds: WatchThresholds = field(default_factory=WatchThresholds)
    smoothed: float | None = None
    recent: tuple[float, ...] = ()
    frames: int = 0
    skipped: int = 0

    def observe(self, score: float) -> FailureWatch:
        """Add one frame's failure score (0-1)."""
        if not (isinstance(score, int | float) and math.isfinite(score) and 0 <= score <= 1):
            raise ValueError("a failure score must be a number between 0 and 1")
        alpha = 2.0 / (self.thresholds.ewm_span + 1)
        smoothed = score if self.smoothed is None else alpha * score + (1 - alpha) * self.smoothed
        return FailureWatch(
            thresholds=self.thresholds,
            smoothed=smoothed,
            recent=(*self.recent, float(score))[-self.thresholds.window :],
            frames=self.frames + 1,
            skipped=self.skipped,
        )

    def skip(self) -> FailureWatch:
        """Count a frame that could not be scored (bad quality, frozen camera)."""
        return FailureWatch(
            thresholds=self.thresholds,
            smoothed=self.smoothed,
            recent=self.recent,
            frames=self.frames,
            skipped=self.skipped + 1,
        )

    def reset(self) -> FailureWatch:
        """A fresh watch with the same thresholds."""
        return FailureWatch(thresholds=self.thresholds)

    @property
    def level(self) -> WatchLevel:
        """PAUSE and SUSPECTED need both a high smoothed score and agreeing recent frames."""
        if self.smoothed is None:
            return WatchLevel.OK
        limits = self.thresholds
        if self.smoothed >= limits.pause and self._hits(limits.pause) >= limits.pause_hits:
            return WatchLevel.PAUSE
        if self.smoothed >= limits.suspect and self._hits(limits.suspect) >= limits.suspect_hits:
            return WatchLevel.SUSPECTED
        return WatchLevel.OK

    def _hits(self, threshold: float) -> int:
        return sum(1 for score in self.recent if score >= threshold)
