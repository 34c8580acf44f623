"""Turn a finished draft into the JSON document of shape A (inherited) or B (custom root)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .draft import PresetDraft
from .models import PresetShape
from .values import PresetValue

PRESET_VERSION = "1.9.0.0"
"""Parses as semver in every Bambu Studio 1.x/2.x and OrcaSlicer; major 1 never trips the
"newer than the app" check."""

_ALWAYS_IN_INHERITED = ("filament_vendor", "filament_extruder_variant")


def build_document(
    shape: PresetShape,
    draft: PresetDraft,
    *,
    name: str,
    filament_id: str,
    printer_preset: str,
    notes: str,
) -> Mapping[str, PresetValue]:
    """The preset document (read-only); list-valued options are tuples here."""
    values = dict(draft.snapshot())
    values["compatible_printers"] = (printer_preset,)
    values["filament_notes"] = notes
    header: dict[str, PresetValue] = {
        "type": "filament",
        "name": name,
        "from": "User",
        "version": PRESET_VERSION,
        "filament_settings_id": (name,),
    }
    if shape is PresetShape.CUSTOM_ROOT:
        return MappingProxyType({**header, "filament_id": filament_id, **values})
    parent = draft.system.values
    changed = {
        key: value
        for key, value in values.items()
        if key in _ALWAYS_IN_INHERITED or parent.get(key) != value
    }
    return MappingProxyType({**header, "inherits": draft.system.name, **changed})
