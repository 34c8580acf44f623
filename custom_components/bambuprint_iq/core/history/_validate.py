"""Small validators shared by the input dataclasses; each raises InvalidObservationError."""

from __future__ import annotations

from datetime import datetime
import math

from .errors import InvalidObservationError


def aware(value: datetime, name: str) -> datetime:
    """Reject naive datetimes: mixing them with aware ones breaks ordering and durations."""
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidObservationError(f"{name} must be a timezone-aware datetime")
    return value


def text(value: str, name: str) -> str:
    """A non-empty string of printable length."""
    if not isinstance(value, str) or not value.strip() or len(value) > 512:
        raise InvalidObservationError(f"{name} must be a non-empty string of at most 512 chars")
    return value


def optional_text(value: str | None, name: str) -> str | None:
    """None, or a string of at most 512 characters (empty strings become None)."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 512:
        raise InvalidObservationError(f"{name} must be a string of at most 512 chars")
    return value or None


def number(
    value: float | None, name: str, low: float | None = None, high: float | None = None
) -> float | None:
    """None, or a finite real number inside [low, high]."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidObservationError(f"{name} must be a finite number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidObservationError(f"{name}={value} is outside [{low}, {high}]")
    return value


def integer(
    value: int | None, name: str, low: int | None = None, high: int | None = None
) -> int | None:
    """None, or an int inside [low, high]."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidObservationError(f"{name} must be an integer, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise InvalidObservationError(f"{name}={value} is outside [{low}, {high}]")
    return value
