"""Readers for the ``device`` hardware tree that newer firmware reports.

Temperatures in this tree are packed as ``(target << 16) | current``; the encoding was
derived from captures where the values match the top-level temperatures, so readers only
use it where no plainer field exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .convert import as_int


def unpack_temperature(packed: int | None) -> tuple[float | None, float | None]:
    """``(current, target)`` from a packed ``(target << 16) | current`` value."""
    if packed is None or packed < 0:
        return None, None
    return float(packed & 0xFFFF), float((packed >> 16) & 0xFFFF)


def extruder_block(raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """``device.extruder`` when present and well formed."""
    device = raw.get("device")
    extruder = device.get("extruder") if isinstance(device, dict) else None
    return extruder if isinstance(extruder, dict) else None


def extruder_entries(raw: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The ``device.extruder.info[]`` objects."""
    extruder = extruder_block(raw)
    infos = extruder.get("info") if extruder is not None else None
    if not isinstance(infos, list):
        return ()
    return tuple(entry for entry in infos if isinstance(entry, dict))


def active_extruder_index(raw: Mapping[str, Any]) -> int | None:
    """Index of the extruder in use (bits 4-7 of ``device.extruder.state``)."""
    extruder = extruder_block(raw)
    state = as_int(extruder.get("state")) if extruder is not None else None
    return None if state is None or state < 0 else (state >> 4) & 0xF


def active_extruder_entry(raw: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``info[]`` object of the active extruder."""
    entries = extruder_entries(raw)
    if not entries:
        return None
    index = active_extruder_index(raw) or 0
    return next((entry for entry in entries if as_int(entry.get("id")) == index), None)


def chamber_packed_temperature(raw: Mapping[str, Any]) -> int | None:
    """``device.ctc.info.temp`` (chamber temperature controller), if reported."""
    device = raw.get("device")
    ctc = device.get("ctc") if isinstance(device, dict) else None
    info = ctc.get("info") if isinstance(ctc, dict) else None
    return as_int(info.get("temp")) if isinstance(info, dict) else None


def nozzle_entries(raw: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The ``device.nozzle.info[]`` objects."""
    device = raw.get("device")
    nozzle = device.get("nozzle") if isinstance(device, dict) else None
    infos = nozzle.get("info") if isinstance(nozzle, dict) else None
    if not isinstance(infos, list):
        return ()
    return tuple(entry for entry in infos if isinstance(entry, dict))
