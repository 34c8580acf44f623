"""Strict readers for JSON produced by `as_dict`, raising InvalidRecordError on anything odd.

Stored rows and imported files are outside input: a hand-edited or truncated value must
give a clear error, never a half-built record.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
import math
from typing import Any

from .errors import InvalidRecordError


def obj(data: Any, what: str) -> Mapping[str, Any]:
    """A JSON object."""
    if not isinstance(data, Mapping):
        raise InvalidRecordError(f"{what} must be an object")
    return data


def opt_str(data: Mapping[str, Any], key: str) -> str | None:
    """Optional string field."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise InvalidRecordError(f"{key} must be a string or null")


def req_str(data: Mapping[str, Any], key: str) -> str:
    """Required non-empty string field."""
    value = data.get(key)
    if isinstance(value, str) and value:
        return value
    raise InvalidRecordError(f"{key} must be a non-empty string")


def opt_float(data: Mapping[str, Any], key: str) -> float | None:
    """Optional finite number field."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidRecordError(f"{key} must be a finite number or null")
    return float(value)


def opt_int(data: Mapping[str, Any], key: str) -> int | None:
    """Optional integer field."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRecordError(f"{key} must be an integer or null")
    return int(value)


def req_bool(data: Mapping[str, Any], key: str, default: bool) -> bool:
    """Boolean field with a default when absent."""
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InvalidRecordError(f"{key} must be a boolean")
    return value


def opt_time(data: Mapping[str, Any], key: str) -> datetime | None:
    """Optional ISO-8601 timestamp with an offset."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRecordError(f"{key} must be an ISO timestamp")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as err:
        raise InvalidRecordError(f"{key} is not an ISO timestamp: {value!r}") from err
    if parsed.tzinfo is None:
        raise InvalidRecordError(f"{key} lacks a UTC offset: {value!r}")
    return parsed


def req_time(data: Mapping[str, Any], key: str) -> datetime:
    """Required ISO-8601 timestamp with an offset."""
    value = opt_time(data, key)
    if value is None:
        raise InvalidRecordError(f"{key} is required")
    return value


def str_list(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """List of strings (absent = empty)."""
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise InvalidRecordError(f"{key} must be a list of strings")
    return tuple(value)


def obj_list(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """List of objects (absent = empty)."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InvalidRecordError(f"{key} must be a list")
    return [obj(item, key) for item in value]
