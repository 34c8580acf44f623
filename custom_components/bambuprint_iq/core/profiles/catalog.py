"""Bambu Studio generic filament presets, fully resolved per printer preset.

The packaged data stores three layers (values shared by all generics, per-material
values, per-printer system preset values) so it stays small; this module stacks them
into the complete value set Bambu Studio would load for a system preset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from ._data import load_data_file, require_mapping, require_str_list
from .errors import NoSystemPresetError, ProfileError, UnsupportedMaterialError
from .schema import option_schema
from .values import PresetValue, resize


@dataclass(frozen=True, slots=True)
class SystemPreset:
    """An instantiable Bambu Studio system preset (a valid ``inherits`` target)."""

    name: str
    material: str
    printers: tuple[str, ...]
    variants: tuple[str, ...]
    values: Mapping[str, PresetValue]
    """Complete resolved values, variant keys sized to ``variants``."""


def _value(raw: object, where: str) -> PresetValue:
    if isinstance(raw, str):
        return raw
    return require_str_list(raw, where)


def _values(raw: object, where: str) -> dict[str, PresetValue]:
    return {key: _value(val, f"{where}.{key}") for key, val in require_mapping(raw, where).items()}


@dataclass(frozen=True, slots=True)
class _MaterialLayers:
    values: Mapping[str, PresetValue]
    presets: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], Mapping[str, PresetValue]]]


@cache
def _layers() -> tuple[Mapping[str, PresetValue], Mapping[str, _MaterialLayers]]:
    data = load_data_file("generic_materials.json")
    shared = _values(data.get("shared_values"), "shared_values")
    materials: dict[str, _MaterialLayers] = {}
    for name, raw in require_mapping(data.get("materials"), "materials").items():
        entry = require_mapping(raw, name)
        presets = {}
        for preset_name, praw in require_mapping(entry.get("system_presets"), name).items():
            pentry = require_mapping(praw, preset_name)
            presets[preset_name] = (
                require_str_list(pentry.get("printers"), preset_name),
                require_str_list(pentry.get("variants"), preset_name),
                _values(pentry.get("values"), preset_name),
            )
        materials[name] = _MaterialLayers(_values(entry.get("values"), name), presets)
    return shared, materials


def generic_materials() -> tuple[str, ...]:
    """Names of the Bambu generic materials ("Generic PLA", "Generic PETG HF", ...)."""
    return tuple(_layers()[1])


def _material(name: str) -> _MaterialLayers:
    try:
        return _layers()[1][name]
    except KeyError as err:
        raise UnsupportedMaterialError(f"{name!r} is not a Bambu generic material") from err


@cache
def _printer_index(material: str) -> Mapping[str, str]:
    index: dict[str, str] = {}
    for preset_name, (printers, _variants, _values) in _material(material).presets.items():
        for printer in printers:
            index[printer] = preset_name
    return MappingProxyType(index)


def printers_for_material(material: str) -> tuple[str, ...]:
    """Printer preset names that have a system preset of this generic material."""
    return tuple(_printer_index(material))


@cache
def system_preset(material: str, printer_preset_name: str) -> SystemPreset:
    """The resolved system preset Bambu Studio pairs with this material and printer."""
    preset_name = _printer_index(material).get(printer_preset_name)
    if preset_name is None:
        raise NoSystemPresetError(
            f"Bambu Studio has no {material} preset for {printer_preset_name}"
        )
    shared, _materials = _layers()
    layers = _material(material)
    printers, variants, own = layers.presets[preset_name]
    merged: dict[str, PresetValue] = {**shared, **layers.values, **own}
    schema = option_schema()
    for key, value in merged.items():
        spec = schema.get(key)
        if spec is None:
            raise ProfileError(f"{preset_name}: packaged key {key} is not a filament option")
        if spec.per_variant and not isinstance(value, str):
            merged[key] = resize(value, len(variants))
    merged["filament_extruder_variant"] = variants
    merged["compatible_printers"] = printers
    return SystemPreset(preset_name, material, printers, variants, MappingProxyType(merged))


@cache
def system_preset_names() -> frozenset[str]:
    """Every generic system preset name (all are reserved: a user preset may not reuse them)."""
    return frozenset(preset for layers in _layers()[1].values() for preset in layers.presets)


@cache
def system_filament_aliases() -> frozenset[str]:
    """Display names (text before "@") of every Bambu Studio system filament."""
    data = load_data_file("system_filament_aliases.json")
    return frozenset(require_str_list(data.get("aliases"), "aliases"))


@cache
def _system_preset_index() -> Mapping[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for material, layers in _layers()[1].items():
        for preset_name, (printers, _variants, _values) in layers.presets.items():
            index[preset_name] = (material, printers[0])
    return MappingProxyType(index)


def find_system_preset(name: str) -> SystemPreset | None:
    """A generic system preset by exact name, or None when it is not one."""
    found = _system_preset_index().get(name)
    return None if found is None else system_preset(*found)


@cache
def complete_value_keys() -> frozenset[str]:
    """Options a custom root preset must carry (missing ones would get slicer defaults)."""
    shared, _materials = _layers()
    return frozenset(shared) | {"filament_extruder_variant", "compatible_printers"}
