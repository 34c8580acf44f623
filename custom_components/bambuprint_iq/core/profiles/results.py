"""Outputs of the generator: preset documents plus a record of every changed value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .models import PresetShape
from .values import PresetValue


class ChangeOrigin(StrEnum):
    """Why a value differs from the system preset."""

    FILAMENT_SPEC = "filament_spec"
    ADJUSTMENT = "adjustment"
    CONSISTENCY = "consistency"


@dataclass(frozen=True, slots=True)
class ValueChange:
    """One applied change: ``base`` is the value just before it, ``new`` the value after."""

    key: str
    base: PresetValue
    new: PresetValue
    reason: str
    origin: ChangeOrigin
    source_defect: str | None = None
    clamped: bool = False
    """The requested value was outside the allowed range and was limited to it."""

    def to_json(self) -> dict[str, object]:
        """Plain JSON form (service responses, changes.json)."""
        return {
            "key": self.key,
            "base": _json_value(self.base),
            "new": _json_value(self.new),
            "reason": self.reason,
            "origin": self.origin.value,
            "source_defect": self.source_defect,
            "clamped": self.clamped,
        }


@dataclass(frozen=True, slots=True)
class SkippedAdjustment:
    """An adjustment that could not apply to this preset, and why."""

    key: str
    reason: str
    source_defect: str | None

    def to_json(self) -> dict[str, object]:
        """Plain JSON form."""
        return {"key": self.key, "reason": self.reason, "source_defect": self.source_defect}


@dataclass(frozen=True, slots=True)
class GeneratedPreset:
    """One importable preset for one printer preset (nozzle)."""

    printer_preset: str
    name: str
    shape: PresetShape
    system_preset: str
    """The generic system preset used as base (and ``inherits`` target for shape A)."""
    document: Mapping[str, PresetValue]
    changes: tuple[ValueChange, ...]
    skipped_adjustments: tuple[SkippedAdjustment, ...]
    warnings: tuple[str, ...]

    def to_json_dict(self) -> dict[str, str | list[str]]:
        """The preset as plain JSON types, keys in Bambu Studio's order."""
        return preset_json_dict(self.document)


@dataclass(frozen=True, slots=True)
class SkippedTarget:
    """A requested printer preset for which nothing was generated."""

    printer_preset: str
    reason: str


@dataclass(frozen=True, slots=True)
class GenerationResult:
    """All presets generated for one filament."""

    filament_name: str
    filament_id: str
    vendor: str
    filament_type: str
    base_material: str
    shape: PresetShape
    presets: tuple[GeneratedPreset, ...]
    skipped: tuple[SkippedTarget, ...]


def _json_value(value: PresetValue) -> str | list[str]:
    return value if isinstance(value, str) else list(value)


HEADER_KEYS = ("type", "name", "from", "inherits", "filament_id", "version")


def preset_json_dict(document: Mapping[str, PresetValue]) -> dict[str, str | list[str]]:
    """Header keys first, then options alphabetically, like the slicer writes its files."""
    ordered: dict[str, str | list[str]] = {}
    for key in (*HEADER_KEYS, *sorted(k for k in document if k not in HEADER_KEYS)):
        if key in document:
            ordered[key] = _json_value(document[key])
    return ordered
