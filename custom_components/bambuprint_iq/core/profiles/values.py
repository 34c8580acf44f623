"""Preset value primitives: how Bambu Studio spells numbers, percents and variant arrays.

Every option value in a preset file is a string or an array of strings; numbers use a
"." decimal point. These helpers are the only place that turns Python numbers into
those strings and back, so formatting stays identical everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
import math

type PresetValue = str | tuple[str, ...]
"""A scalar option (``filament_notes``) or a vector option (one string per entry)."""

NIL = "nil"


def format_float(value: float) -> str:
    """Shortest plain decimal form with at most 4 decimals: 12.0 -> "12", 0.985 -> "0.985"."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_int(value: float) -> str:
    """Integer options: round half away from zero, as a user would type it."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    magnitude = math.floor(abs(value) + 0.5)
    return str(magnitude if value >= 0 or magnitude == 0 else -magnitude)


def format_percent(value: float) -> str:
    """Percent options carry the sign in the string: 100 -> "100%"."""
    return f"{format_float(value)}%"


def parse_number(text: str) -> float | None:
    """Read "12", "0.98", "100%" or "nil" (-> None). Raises ValueError on anything else."""
    if text == NIL:
        return None
    raw = text[:-1] if text.endswith("%") else text
    if "," in raw:
        raise ValueError(f"{text!r} uses ',' which Bambu Studio splits into two values")
    number = float(raw)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not finite")
    return number


def as_vector(value: PresetValue) -> tuple[str, ...]:
    """View any value as a vector (a scalar becomes a one-element tuple)."""
    return (value,) if isinstance(value, str) else value


def resize(values: Sequence[str], count: int) -> tuple[str, ...]:
    """Fit a vector to ``count`` variant slots the way Bambu Studio does on load.

    One value (or a wrong-length vector) is stretched by repeating its first entry,
    which mirrors ``extend_default_config_length``; a longer vector is cut.
    """
    if count < 1 or not values:
        raise ValueError("a vector option needs at least one value and one slot")
    if len(values) >= count:
        return tuple(values[:count])
    return tuple(values) + (values[0],) * (count - len(values))
