"""The filament option schema: which keys a Bambu Studio filament preset keeps.

Keys outside this table are dropped by the slicer on import, so the generator and the
validator both consult it for the kind, bounds, nullability and variant layout of a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from types import MappingProxyType

from ._data import load_data_file, optional_number, require_mapping, require_str, require_str_list
from .values import format_float, format_int, format_percent


class OptionKind(StrEnum):
    """How a value is spelled in the preset file."""

    FLOATS = "floats"
    INTS = "ints"
    BOOLS = "bools"
    STRINGS = "strings"
    PERCENTS = "percents"
    FLOATS_OR_PERCENTS = "floats_or_percents"
    ENUMS = "enums"
    STRING = "string"


NUMERIC_KINDS = frozenset({OptionKind.FLOATS, OptionKind.INTS, OptionKind.PERCENTS})

META_KEYS = frozenset(
    {"name", "version", "from", "type", "inherits", "filament_id", "filament_settings_id"}
)
"""Keys read by the preset loader itself rather than the option table."""

FORBIDDEN_ID_KEYS = frozenset({"setting_id", "base_id", "user_id", "updated_time", "sync_info"})
"""Cloud-assigned ids: writing invented values gets presets deleted on sync."""


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One filament option with the facts needed to write and check its value."""

    key: str
    kind: OptionKind
    minimum: float | None
    maximum: float | None
    nullable: bool
    per_variant: bool
    choices: tuple[str, ...]
    nil_means: str | None
    """Value the slicer uses when the preset says "nil" (printer/default value)."""

    @property
    def is_vector(self) -> bool:
        """Vector options are written as arrays of strings."""
        return self.kind is not OptionKind.STRING

    @property
    def is_numeric(self) -> bool:
        """Options that relative adjustments can move."""
        return self.kind in NUMERIC_KINDS


@cache
def option_schema() -> Mapping[str, OptionSpec]:
    """All filament options keyed by name (loaded once, read-only)."""
    raw = require_mapping(load_data_file("option_schema.json").get("options"), "options")
    specs: dict[str, OptionSpec] = {}
    for key, entry_obj in raw.items():
        where = f"option {key}"
        entry = require_mapping(entry_obj, where)
        nil_obj = entry.get("nil_means")
        specs[key] = OptionSpec(
            key=key,
            kind=OptionKind(require_str(entry.get("kind"), where)),
            minimum=optional_number(entry.get("min"), where),
            maximum=optional_number(entry.get("max"), where),
            nullable=entry.get("nullable") is True,
            per_variant=entry.get("per_variant") is True,
            choices=require_str_list(entry.get("choices", []), where),
            nil_means=None if nil_obj is None else require_str(nil_obj, where),
        )
    return MappingProxyType(specs)


@cache
def variant_keys() -> frozenset[str]:
    """Options that carry one value per ``filament_extruder_variant`` entry."""
    return frozenset(key for key, spec in option_schema().items() if spec.per_variant)


def format_for(spec: OptionSpec, number: float) -> str:
    """Spell a number the way this option is stored (int, float or percent)."""
    if spec.kind is OptionKind.INTS:
        return format_int(number)
    if spec.kind is OptionKind.PERCENTS:
        return format_percent(number)
    return format_float(number)
