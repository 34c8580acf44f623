"""Failure-watch settings from a printer entry's options, with the form's defaults and limits.

Printer options hold only the cadence, the cost cap and the thresholds; the AI provider and
its key belong to the assistant entry. Options saved before the watch existed lack every key
here, so each one has a default and the watch is off unless the user turned it on.

HA-free on purpose, so the rules can be read and tested on their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
import math
from typing import Any, Final

from .const import (
    CONF_WATCH_AUTO_PAUSE,
    CONF_WATCH_ENABLED,
    CONF_WATCH_INTERVAL_MINUTES,
    CONF_WATCH_MAX_FRAMES_PER_HOUR,
    CONF_WATCH_PAUSE_PERCENT,
    CONF_WATCH_SUSPECT_PERCENT,
)
from .core.analysis import WatchThresholds

DEFAULT_INTERVAL_MINUTES: Final = 5
DEFAULT_MAX_FRAMES_PER_HOUR: Final = 12
DEFAULT_SUSPECT_PERCENT: Final = 60
DEFAULT_PAUSE_PERCENT: Final = 85
INTERVAL_RANGE: Final = (1, 60)
FRAMES_PER_HOUR_RANGE: Final = (1, 60)
SUSPECT_RANGE: Final = (1, 99)
PAUSE_RANGE: Final = (2, 100)


class InvalidWatchOptions(ValueError):
    """Stored options the watch cannot run with (out of range, pause not above suspect)."""


def percent_thresholds(
    suspect_percent: int = DEFAULT_SUSPECT_PERCENT, pause_percent: int = DEFAULT_PAUSE_PERCENT
) -> WatchThresholds:
    """Smoothing thresholds from the form's whole percentages."""
    return WatchThresholds(suspect=suspect_percent / 100, pause=pause_percent / 100)


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """What one printer's watch does; ``enabled`` False means it never takes a frame."""

    enabled: bool = False
    interval: timedelta = timedelta(minutes=DEFAULT_INTERVAL_MINUTES)
    max_frames_per_hour: int = DEFAULT_MAX_FRAMES_PER_HOUR
    thresholds: WatchThresholds = field(default_factory=percent_thresholds)
    auto_pause: bool = False


def thresholds_valid(suspect_percent: float, pause_percent: float) -> bool:
    """The form's cross-field rule: pausing needs more confidence than suspecting."""
    return pause_percent > suspect_percent


def watch_settings(options: Mapping[str, Any]) -> WatchSettings:
    """Settings from entry options; missing keys take the defaults.

    Raises :class:`InvalidWatchOptions` for values the options form could not have saved.
    """
    interval = _whole(
        options, CONF_WATCH_INTERVAL_MINUTES, DEFAULT_INTERVAL_MINUTES, INTERVAL_RANGE
    )
    frames = _whole(
        options, CONF_WATCH_MAX_FRAMES_PER_HOUR, DEFAULT_MAX_FRAMES_PER_HOUR, FRAMES_PER_HOUR_RANGE
    )
    suspect = _whole(options, CONF_WATCH_SUSPECT_PERCENT, DEFAULT_SUSPECT_PERCENT, SUSPECT_RANGE)
    pause = _whole(options, CONF_WATCH_PAUSE_PERCENT, DEFAULT_PAUSE_PERCENT, PAUSE_RANGE)
    if not thresholds_valid(suspect, pause):
        raise InvalidWatchOptions("the pause threshold must be above the suspect threshold")
    return WatchSettings(
        enabled=_flag(options, CONF_WATCH_ENABLED),
        interval=timedelta(minutes=interval),
        max_frames_per_hour=frames,
        thresholds=percent_thresholds(suspect, pause),
        auto_pause=_flag(options, CONF_WATCH_AUTO_PAUSE),
    )


def _flag(options: Mapping[str, Any], key: str) -> bool:
    value = options.get(key, False)
    if not isinstance(value, bool):
        raise InvalidWatchOptions(f"{key} must be true or false")
    return value


def _whole(options: Mapping[str, Any], key: str, default: int, limits: tuple[int, int]) -> int:
    """A whole number within ``limits``; the number selector may have stored it as a float."""
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidWatchOptions(f"{key} must be a number")
    if value != int(value) or not limits[0] <= value <= limits[1]:
        raise InvalidWatchOptions(f"{key} must be a whole number from {limits[0]} to {limits[1]}")
    return int(value)
