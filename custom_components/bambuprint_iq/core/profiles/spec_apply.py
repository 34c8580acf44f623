"""Write what the filament spec states over the generic base values.

Only stated facts are applied; everything else keeps the value Bambu tuned for the
generic material on that printer.
"""

from __future__ import annotations

from .bounds import clamp, static_bounds
from .draft import PresetDraft
from .material_types import is_abrasive
from .models import PLATE_OPTION_KEYS, FilamentSpec
from .printers import PrinterPreset
from .results import ChangeOrigin
from .schema import format_for, option_schema
from .values import parse_number, resize

_SPEC = ChangeOrigin.FILAMENT_SPEC
ABRASIVE_HRC = 40
DRYING_CAPS = (65.0, 85.0, 65.0, 85.0)
"""Drying slots [idle AMS 2 Pro, idle AMS HT, printing AMS 2 Pro, printing AMS HT] and the
highest temperature each unit can hold."""
SMALL_NOZZLE = "0.2"


def _encode(key: str, numbers: list[float]) -> tuple[str, ...]:
    spec = option_schema()[key]
    limits = static_bounds(key)
    return tuple(format_for(spec, clamp(n, limits)[0]) for n in numbers)


def _set(draft: PresetDraft, key: str, numbers: list[float], reason: str) -> None:
    draft.set(key, _encode(key, numbers), reason=reason, origin=_SPEC)


def apply_identity(draft: PresetDraft, filament_type: str, vendor: str) -> None:
    """Type and vendor: the AMS sends both to the printer."""
    draft.set("filament_type", (filament_type,), reason="filament type", origin=_SPEC)
    draft.set("filament_vendor", (vendor,), reason="filament vendor", origin=_SPEC)


def apply_temperatures(draft: PresetDraft, spec: FilamentSpec) -> None:
    """Nozzle and first-layer temperature plus the range the AMS stores on the printer.

    A stated range wins; otherwise the generic range is widened just enough to hold the
    stated temperatures, so ``range_low <= temperature <= range_high`` always holds.
    """
    stated = (
        spec.nozzle_temp_min,
        spec.nozzle_temp_max,
        spec.nozzle_temp_recommended,
        spec.nozzle_temp_initial_layer,
    )
    if all(value is None for value in stated):
        return
    count = draft.variant_count
    base_nozzle = list(draft.numbers("nozzle_temperature"))
    base_initial = list(draft.numbers("nozzle_temperature_initial_layer"))
    offset = base_initial[0] - base_nozzle[0]
    recommended = spec.nozzle_temp_recommended
    nozzles = base_nozzle if recommended is None else [float(recommended)] * count
    if spec.nozzle_temp_initial_layer is not None:
        initials = [float(spec.nozzle_temp_initial_layer)] * count
    elif recommended is not None:
        initials = [recommended + offset] * count
    else:
        initials = base_initial
    low = (
        float(spec.nozzle_temp_min)
        if spec.nozzle_temp_min is not None
        else min(draft.numbers("nozzle_temperature_range_low")[0], *nozzles, *initials)
    )
    high = (
        float(spec.nozzle_temp_max)
        if spec.nozzle_temp_max is not None
        else max(draft.numbers("nozzle_temperature_range_high")[0], *nozzles, *initials)
    )
    nozzles = [clamp(n, (low, high))[0] for n in nozzles]
    initials = [clamp(n, (low, high))[0] for n in initials]
    reason = "filament spec: nozzle temperature"
    _set(draft, "nozzle_temperature_range_low", [low], reason)
    _set(draft, "nozzle_temperature_range_high", [high], reason)
    _set(draft, "nozzle_temperature", nozzles, reason)
    _set(draft, "nozzle_temperature_initial_layer", initials, reason)


def apply_plates(draft: PresetDraft, spec: FilamentSpec, printer: PrinterPreset) -> list[str]:
    """Bed temperature per stated plate (and its first-layer twin); returns warnings."""
    warnings: list[str] = []
    for plate, temp in spec.bed_temps:
        key = PLATE_OPTION_KEYS[plate]
        reason = f"filament spec: {plate.value} plate temperature"
        _set(draft, key, [float(temp)], reason)
        _set(draft, f"{key}_initial_layer", [float(temp)], reason)
        if plate.value in printer.model.unsupported_plates:
            warnings.append(f"{printer.model.name} does not support the {plate.value} plate")
    return warnings


def apply_flow(draft: PresetDraft, spec: FilamentSpec, printer: PrinterPreset) -> None:
    """Max volumetric speed and flow ratio, slot by slot.

    The stated speed is for the standard slot; other slots keep the generic's ratio to it,
    and a 0.2 mm nozzle never goes above the generic's nozzle-limited value.
    """
    if spec.max_volumetric_speed is not None:
        base = list(draft.numbers("filament_max_volumetric_speed"))
        if len(base) == draft.variant_count and base[0] > 0:
            speeds = [spec.max_volumetric_speed * (slot / base[0]) for slot in base]
        else:
            speeds = [spec.max_volumetric_speed] * draft.variant_count
        if printer.nozzle_diameter == SMALL_NOZZLE and len(base) == len(speeds):
            speeds = [min(new, old) for new, old in zip(speeds, base, strict=True)]
        _set(draft, "filament_max_volumetric_speed", speeds, "filament spec: max volumetric speed")
    if spec.flow_ratio is not None:
        _set(
            draft,
            "filament_flow_ratio",
            [spec.flow_ratio] * draft.variant_count,
            "filament spec: flow ratio",
        )


def apply_cooling(draft: PresetDraft, spec: FilamentSpec) -> None:
    """Part fan limits (kept ``min <= max``) and chamber temperature."""
    if spec.fan_min_speed is not None or spec.fan_max_speed is not None:
        base_min = draft.numbers("fan_min_speed")[0]
        base_max = draft.numbers("fan_max_speed")[0]
        fan_max = (
            float(spec.fan_max_speed)
            if spec.fan_max_speed is not None
            else max(base_max, float(spec.fan_min_speed or 0))
        )
        fan_min = (
            float(spec.fan_min_speed) if spec.fan_min_speed is not None else min(base_min, fan_max)
        )
        _set(draft, "fan_max_speed", [fan_max], "filament spec: part fan maximum")
        _set(draft, "fan_min_speed", [fan_min], "filament spec: part fan minimum")
    if spec.chamber_temp is not None:
        _set(
            draft,
            "chamber_temperatures",
            [float(spec.chamber_temp)],
            "filament spec: chamber temperature",
        )


def apply_physical(draft: PresetDraft, spec: FilamentSpec) -> None:
    """Density, diameter, price, softening point and colour."""
    simple = (
        ("filament_density", spec.density, "density"),
        ("filament_diameter", spec.diameter, "diameter"),
        ("filament_cost", spec.cost_per_kg, "price per kg"),
        ("temperature_vitrification", spec.softening_temp, "softening temperature"),
    )
    for key, value, label in simple:
        if value is not None:
            _set(draft, key, [float(value)], f"filament spec: {label}")
    if spec.colour_hex is not None:
        draft.set(
            "default_filament_colour",
            (spec.colour_hex.upper(),),
            reason="filament spec: colour",
            origin=_SPEC,
        )


def apply_drying(draft: PresetDraft, spec: FilamentSpec) -> None:
    """AMS drying temperature/time, capped per AMS unit; drying while printing never hotter
    than Bambu's own printing value."""
    if spec.drying_temp is not None:
        base = [
            parse_number(v) or 0.0
            for v in resize(draft.vector("filament_dev_ams_drying_temperature"), len(DRYING_CAPS))
        ]
        temps = [min(spec.drying_temp, cap) for cap in DRYING_CAPS]
        temps[2:] = [min(new, old) for new, old in zip(temps[2:], base[2:], strict=True)]
        _set(
            draft, "filament_dev_ams_drying_temperature", temps, "filament spec: drying temperature"
        )
    if spec.drying_hours is not None:
        base_time = [
            parse_number(v) or 0.0
            for v in resize(draft.vector("filament_dev_ams_drying_time"), len(DRYING_CAPS))
        ]
        hours = [spec.drying_hours, spec.drying_hours, *base_time[2:]]
        _set(draft, "filament_dev_ams_drying_time", hours, "filament spec: drying time")


def apply_hardness(draft: PresetDraft, spec: FilamentSpec, filament_type: str) -> None:
    """Abrasive filaments require a hardened nozzle (Bambu uses HRC 40 for CF/GF)."""
    abrasive = spec.abrasive if spec.abrasive is not None else is_abrasive(filament_type)
    current = draft.numbers("required_nozzle_HRC")[0]
    if abrasive and current < ABRASIVE_HRC:
        _set(draft, "required_nozzle_HRC", [ABRASIVE_HRC], "abrasive filament: hardened nozzle")


def apply_filament_spec(
    draft: PresetDraft,
    spec: FilamentSpec,
    filament_type: str,
    vendor: str,
    printer: PrinterPreset,
) -> list[str]:
    """Apply every stated fact; returns warnings for the user."""
    apply_identity(draft, filament_type, vendor)
    apply_temperatures(draft, spec)
    warnings = apply_plates(draft, spec, printer)
    apply_flow(draft, spec, printer)
    apply_cooling(draft, spec)
    apply_physical(draft, spec)
    apply_drying(draft, spec)
    apply_hardness(draft, spec, filament_type)
    return warnings
