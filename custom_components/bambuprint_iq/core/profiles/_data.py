"""Read the JSON facts packaged in ``data/`` and check their shape.

The files ship with the integration (derived from Bambu Studio 2.07 profiles), so a
malformed file is a packaging bug; it still fails with a typed error, never a KeyError.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
import json
from typing import cast

from .errors import ProfileError


def load_data_file(name: str) -> Mapping[str, object]:
    """Parse ``data/<name>`` (blocking; callers cache the result)."""
    try:
        text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
        parsed: object = json.loads(text)
    except (OSError, ValueError) as err:
        raise ProfileError(f"packaged profile data {name} is unreadable: {err}") from err
    return require_mapping(parsed, name)


def require_mapping(value: object, where: str) -> Mapping[str, object]:
    """The value as a string-keyed mapping, or a ProfileError naming ``where``."""
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ProfileError(f"{where}: expected a JSON object")
    return cast(Mapping[str, object], value)


def require_str(value: object, where: str) -> str:
    """The value as a string, or a ProfileError naming ``where``."""
    if not isinstance(value, str):
        raise ProfileError(f"{where}: expected a string")
    return value


def require_str_list(value: object, where: str) -> tuple[str, ...]:
    """The value as a list of strings, or a ProfileError naming ``where``."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProfileError(f"{where}: expected a list of strings")
    return tuple(cast(list[str], value))


def optional_number(value: object, where: str) -> float | None:
    """A JSON number (not a bool) or absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"{where}: expected a number")
    return float(value)
