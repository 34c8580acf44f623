"""Read preset JSON back (own exports, shared files, bundle members) with strict checks.

The slicer's loader silently drops everything after a non-string array element, so a
document is accepted here only if every value is a string or an array of strings.
"""

from __future__ import annotations

from collections.abc import Mapping
import json
from types import MappingProxyType

from .errors import PresetParseError
from .values import PresetValue

MAX_PRESET_BYTES = 1_000_000


def document_from_json_object(raw: object, where: str = "preset") -> Mapping[str, PresetValue]:
    """Validate a decoded JSON object and freeze it (lists become tuples)."""
    if not isinstance(raw, dict):
        raise PresetParseError(f"{where}: top level must be a JSON object")
    document: dict[str, PresetValue] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            document[key] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            document[key] = tuple(value)
        else:
            raise PresetParseError(f"{where}: {key} must be a string or an array of strings")
    return MappingProxyType(document)


def parse_preset(data: bytes | str, where: str = "preset") -> Mapping[str, PresetValue]:
    """Parse one preset file (bytes must be UTF-8 without BOM)."""
    if isinstance(data, bytes):
        if len(data) > MAX_PRESET_BYTES:
            raise PresetParseError(f"{where}: larger than {MAX_PRESET_BYTES} bytes")
        if data.startswith(b"\xef\xbb\xbf"):
            raise PresetParseError(f"{where}: UTF-8 byte order mark is not allowed")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise PresetParseError(f"{where}: not UTF-8: {err}") from err
    else:
        text = data
    try:
        raw: object = json.loads(text)
    except ValueError as err:
        raise PresetParseError(f"{where}: invalid JSON: {err}") from err
    return document_from_json_object(raw, where)
