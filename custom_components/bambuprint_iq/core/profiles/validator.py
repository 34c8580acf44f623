"""Checks a filament preset against the import rules of Bambu Studio and OrcaSlicer.

Written from the rules of the slicers' JSON loader: a file that breaks one is skipped,
loses keys silently, or is deleted from the user folder. Errors mean "will not import
correctly"; warnings mean "imports, but not the way the user expects".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import re

from .catalog import SystemPreset, complete_value_keys, find_system_preset
from .material_types import FILAMENT_TYPES
from .naming import alias_of, collides_with_system, is_reserved_vendor
from .printers import printer_presets
from .schema import FORBIDDEN_ID_KEYS, META_KEYS, OptionKind, OptionSpec, option_schema
from .values import NIL

MAX_VERSION_MAJOR = 2
_VERSION = re.compile(r"^\d+\.\d+(\.\d+){0,2}$")
_NAME_FORBIDDEN = frozenset('<>[]:/\\|?*"')
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?%$")
_FLOAT_OR_PERCENT = re.compile(r"^-?\d+(\.\d+)?%?$")
_FILAMENT_ID = re.compile(r"^P[0-9a-f]{7}$")
_EMPTY_ALLOWED = frozenset({"compatible_printers", "compatible_prints"})
_RANGE_KEYS = ("nozzle_temperature", "nozzle_temperature_initial_layer")


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Problems found in one preset document."""

    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []


def _check_types(doc: Mapping[str, object], out: _Collector) -> None:
    for key, value in doc.items():
        if isinstance(value, list):
            if not all(isinstance(item, str) for item in value):
                out.errors.append(f"{key}: every array element must be a string")
            elif not value and key not in _EMPTY_ALLOWED:
                out.errors.append(f"{key}: empty array")
        elif not isinstance(value, str):
            out.errors.append(f"{key}: must be a string or an array of strings")


def _check_identity(doc: Mapping[str, object], out: _Collector) -> str:
    name = doc.get("name")
    if not isinstance(name, str) or not name:
        out.errors.append("name is missing")
        return ""
    if _NAME_FORBIDDEN & set(name) or name != name.strip() or "(modified)" in name:
        out.errors.append(f"name {name!r} has a forbidden character, edge space or (modified)")
    if collides_with_system(name) or name.endswith("@base"):
        out.errors.append(f"name {name!r} collides with a system preset")
    version = doc.get("version")
    if not isinstance(version, str) or not _VERSION.match(version):
        out.errors.append("version missing or not numeric A.B.C.D")
    elif int(version.split(".")[0]) > MAX_VERSION_MAJOR:
        out.errors.append("version major above 2: Bambu Studio 2.x refuses to load it")
    if doc.get("filament_settings_id") != [name]:
        out.errors.append("filament_settings_id must be [name]")
    if doc.get("from") != "User":
        out.errors.append('from must be "User"')
    if doc.get("type") != "filament":
        out.errors.append('type must be "filament"')
    for key in FORBIDDEN_ID_KEYS & set(doc):
        out.errors.append(f"{key}: cloud ids must never be written")
    return name


def _check_element(key: str, spec: OptionSpec, text: str, out: _Collector) -> None:
    if text == NIL:
        if not spec.nullable:
            out.errors.append(f'{key}: "nil" in a non-nullable option')
        return
    patterns = {
        OptionKind.INTS: _INT,
        OptionKind.FLOATS: _FLOAT,
        OptionKind.PERCENTS: _PERCENT,
        OptionKind.FLOATS_OR_PERCENTS: _FLOAT_OR_PERCENT,
    }
    pattern = patterns.get(spec.kind)
    if pattern is not None and not pattern.match(text):
        out.errors.append(f"{key}: {text!r} is not a valid {spec.kind.value} value")
        return
    if spec.kind is OptionKind.BOOLS and text not in ("0", "1"):
        out.errors.append(f'{key}: {text!r} is not "0"/"1"')
    elif spec.kind is OptionKind.ENUMS and spec.choices and text not in spec.choices:
        out.errors.append(f"{key}: {text!r} not one of {list(spec.choices)}")
    elif spec.is_numeric:
        number = float(text.rstrip("%"))
        if (spec.minimum is not None and number < spec.minimum) or (
            spec.maximum is not None and number > spec.maximum
        ):
            out.errors.append(f"{key}: {text} outside {spec.minimum}..{spec.maximum}")


def _check_options(doc: Mapping[str, object], variants: int | None, out: _Collector) -> None:
    schema = option_schema()
    for key, value in doc.items():
        if key in META_KEYS:
            continue
        spec = schema.get(key)
        if spec is None:
            out.errors.append(f"{key}: not a filament option (the slicer drops it)")
            continue
        if not spec.is_vector:
            if not isinstance(value, str):
                out.errors.append(f"{key}: must be a plain string")
            continue
        if not isinstance(value, list):
            out.errors.append(f"{key}: must be an array of strings")
            continue
        if spec.per_variant and variants and len(value) not in (1, variants):
            out.errors.append(f"{key}: {len(value)} values for {variants} extruder variants")
        for item in value:
            if isinstance(item, str):
                _check_element(key, spec, item, out)


def _numbers(value: object) -> list[float]:
    items = value if isinstance(value, list) else []
    return [float(v) for v in items if isinstance(v, str) and _FLOAT.match(v)]


def _check_range(doc: Mapping[str, object], parent: SystemPreset | None, out: _Collector) -> None:
    def pick(key: str) -> object:
        if key in doc:
            return doc[key]
        return list(parent.values[key]) if parent and key in parent.values else None

    lows = _numbers(pick("nozzle_temperature_range_low"))
    highs = _numbers(pick("nozzle_temperature_range_high"))
    if not lows or not highs:
        return
    for key in _RANGE_KEYS:
        for temp in _numbers(pick(key)):
            if not lows[0] <= temp <= highs[0]:
                out.errors.append(
                    f"{key}: {temp:g} outside the filament range {lows[0]:g}..{highs[0]:g}"
                )


def _check_inherited(doc: Mapping[str, object], parent_name: str, out: _Collector) -> int | None:
    parent = find_system_preset(parent_name)
    if parent is None:
        out.warnings.append(f"inherits {parent_name!r} is not a known system preset")
        return None
    if "filament_id" in doc:
        out.warnings.append("filament_id in an inheriting preset is ignored")
    variants = doc.get("filament_extruder_variant")
    if variants is not None and variants != list(parent.variants):
        out.errors.append("filament_extruder_variant must match the parent preset")
    return len(parent.variants)


def _check_root(doc: Mapping[str, object], name: str, out: _Collector) -> None:
    filament_id = doc.get("filament_id")
    if not isinstance(filament_id, str) or not _FILAMENT_ID.match(filament_id):
        out.errors.append('custom root needs filament_id "P" + 7 lowercase hex')
    printers = doc.get("compatible_printers")
    if not isinstance(printers, list) or not printers:
        out.errors.append("custom root needs explicit compatible_printers")
    elif not any(isinstance(p, str) and p in name for p in printers):
        out.warnings.append("name does not contain the printer preset name (not in AMS list)")
    missing = sorted(complete_value_keys() - set(doc))
    if missing:
        out.errors.append(f"custom root lacks values (slicer defaults apply): {missing[:5]}")
    vendor = doc.get("filament_vendor")
    if isinstance(vendor, list) and vendor and is_reserved_vendor(str(vendor[0])):
        out.errors.append("custom root vendor may not be Bambu or Generic")
    if not alias_of(name):
        out.errors.append("name needs a display name before '@'")


def validate_preset(
    document: Mapping[str, object], *, parent: SystemPreset | None = None
) -> ValidationReport:
    """Check one preset document; ``parent`` overrides the lookup of ``inherits``."""
    out = _Collector()
    _check_types(document, out)
    name = _check_identity(document, out)
    inherits = document.get("inherits", "")
    variants: int | None = None
    if isinstance(inherits, str) and inherits:
        variants = _check_inherited(document, inherits, out)
        parent = parent or find_system_preset(inherits)
    else:
        parent = None
        _check_root(document, name, out)
    own_variants = document.get("filament_extruder_variant")
    if isinstance(own_variants, list) and own_variants:
        variants = len(own_variants)
    _check_options(document, variants, out)
    _check_range(document, parent, out)
    known = {preset.name for preset in printer_presets()}
    printers = document.get("compatible_printers")
    for printer in printers if isinstance(printers, list) else []:
        if printer not in known:
            out.errors.append(f"compatible_printers: {printer!r} is not a printer preset name")
    filament_type = document.get("filament_type")
    if isinstance(filament_type, list) and filament_type and filament_type[0] not in FILAMENT_TYPES:
        out.warnings.append(f"filament_type {filament_type[0]!r} is not in the AMS type list")
    return ValidationReport(tuple(out.errors), tuple(out.warnings))
