"""Bounded retries that honour the server's ``retry-after`` hint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
import math


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry rate-limited or overloaded calls.

    ``max_wait_s`` caps a single wait: when the server asks for longer, the call fails at
    once with the server's hint instead of blocking for minutes.
    """

    max_attempts: int = 3
    max_wait_s: float = 20.0
    base_delay_s: float = 1.0
    max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.max_wait_s, self.base_delay_s, self.max_delay_s) < 0:
            raise ValueError("retry delays cannot be negative")

    def backoff(self, attempt: int) -> float:
        """Exponential delay after the given failed attempt (1-based), within the caps."""
        delay = self.base_delay_s * 2.0 ** max(0, attempt - 1)
        return min(delay, self.max_delay_s, self.max_wait_s)


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms`` or ``retry-after``).

    ``retry-after`` may be seconds (fractions allowed) or an HTTP date. Unusable values
    give None, so the caller falls back to its own backoff.
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    millis = _number(lowered.get("retry-after-ms"))
    if millis is not None:
        return max(0.0, millis / 1000.0)
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None
