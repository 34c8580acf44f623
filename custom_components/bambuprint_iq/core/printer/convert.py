"""Lenient conversions for values read from printer reports.

The firmware mixes types freely (``"humidity": "4"``, ``"remain": 100``, ``"k": "0.0200"``),
so every reader accepts numbers and numeric strings alike. Each function returns ``None``
for anything it cannot interpret; callers compare against the raw value to tell "absent"
from "malformed" and decide whether to warn.
"""

from __future__ import annotations

import math
from typing import Any


def as_int(value: Any) -> int | None:
    """An integer from an int, an integral float or a decimal string."""
    if type(value) is int:
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 10)
        except ValueError:
            return _int_from_float_text(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _int_from_float_text(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def as_float(value: Any) -> float | None:
    """A finite float from a number or numeric string (bools are rejected)."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if type(value) is int:
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def as_str(value: Any) -> str | None:
    """Text as sent; integers are accepted because ids arrive as either type."""
    if isinstance(value, str):
        return value
    if type(value) is int:
        return str(value)
    return None


def as_text(value: Any) -> str | None:
    """Like :func:`as_str` but an empty string means "not set"."""
    text = as_str(value)
    return text or None


def as_bool(value: Any) -> bool | None:
    """A boolean from JSON true/false, 0/1 or "true"/"false"/"enable"/"disable"."""
    if type(value) is bool:
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return _BOOL_WORDS.get(value.strip().lower())
    return None


_BOOL_WORDS = {
    "true": True,
    "false": False,
    "enable": True,
    "disable": False,
    "1": True,
    "0": False,
}


def as_hex_int(value: Any) -> int | None:
    """An unsigned integer from a hex string such as ``"3EC1AFFF9CFF"``."""
    if isinstance(value, str):
        try:
            number = int(value.strip(), 16)
        except ValueError:
            return None
        return number if number >= 0 else None
    return None


def fan_percent(value: Any) -> int | None:
    """Fan speed 0-15 as a percentage rounded up to the next ten.

    Same result as ``ceil((v / 15 * 100) / 10) * 10`` but in integer arithmetic, so no
    float rounding can bump a value into the next step.
    """
    level = as_int(value)
    if level is None or not 0 <= level <= 15:
        return None
    return -(-2 * level // 3) * 10


def dbm(value: Any) -> int | None:
    """Signal strength in dBm from ``"-45dBm"`` (or a bare number)."""
    if isinstance(value, str):
        text = value.strip()
        if text[-3:].lower() == "dbm":
            text = text[:-3]
        value = text
    return as_int(value)


def version_tuple(version: str | None) -> tuple[int, ...] | None:
    """``"01.08.05.00"`` as ``(1, 8, 5, 0)`` for ordering; ``None`` if not dotted digits."""
    if not version:
        return None
    parts = version.strip().split(".")
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)
