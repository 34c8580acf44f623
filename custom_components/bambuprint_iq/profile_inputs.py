"""Glue between the filament lookup, the analysis store and the profile generator.

Pure conversions: a looked-up filament spec becomes the generator's spec, an analysis's
filament-scope suggestions become adjustments, and a printer's telemetry becomes a target.
"""

from __future__ import annotations

from collections.abc import Mapping

from .core.analysis.context import SettingValue
from .core.filament import FilamentSpec as LookedUpSpec
from .core.filament.values import PlateType as SourcePlate, Range
from .core.printer.models import spec_for
from .core.printer.state import PrinterState
from .core.profiles.models import (
    AbsoluteChange,
    Adjustment,
    FilamentSpec as ProfileSpec,
    NozzleType,
    PlateType,
    TargetPrinter,
)

_PLATES: Mapping[SourcePlate, PlateType] = {
    SourcePlate.COOL_PLATE: PlateType.COOL,
    SourcePlate.SUPERTACK: PlateType.SUPERTACK,
    SourcePlate.TEXTURED_PEI: PlateType.TEXTURED,
    SourcePlate.ENGINEERING: PlateType.ENGINEERING,
    SourcePlate.HIGH_TEMP: PlateType.HIGH_TEMP,
}


def _low(value: Range | None) -> float | None:
    return None if value is None else value.low if value.low is not None else value.high


def _high(value: Range | None) -> float | None:
    return None if value is None else value.high if value.high is not None else value.low


def _int(value: float | None) -> int | None:
    return None if value is None else round(value)


def profile_spec(found: LookedUpSpec, material: str | None = None) -> ProfileSpec | None:
    """The generator's spec from a looked-up one; None without a material type."""
    values = found.values
    material_type = material or found.material
    if not material_type:
        return None
    bed = tuple(
        (_PLATES[plate.plate], round(value))
        for plate in values.bed_temp_by_plate
        if plate.plate in _PLATES and (value := _high(plate.temp)) is not None
    )
    return ProfileSpec(
        material_type=material_type,
        vendor=found.brand,
        product_name=found.product,
        nozzle_temp_min=_int(_low(values.nozzle_temp)),
        nozzle_temp_max=_int(_high(values.nozzle_temp)),
        nozzle_temp_recommended=_int(values.nozzle_temp_recommended),
        bed_temps=bed,
        max_volumetric_speed=values.max_volumetric_speed,
        fan_min_speed=_int(_low(values.fan_speed)),
        fan_max_speed=_int(_high(values.fan_speed)),
        density=values.density,
        diameter=values.diameter,
        softening_temp=_int(values.glass_transition_temp),
        drying_temp=_low(values.drying_temp),
        drying_hours=_low(values.drying_time_h),
        abrasive=values.abrasive,
    )


def analysis_adjustments(
    changes: Mapping[str, SettingValue], analysis_id: str
) -> tuple[Adjustment, ...]:
    """Filament-scope suggestions of an analysis as absolute changes."""
    adjustments = []
    for key, value in changes.items():
        if isinstance(value, str | int | float | bool):
            adjustments.append(
                Adjustment(key, AbsoluteChange(value), f"suggested by analysis {analysis_id}")
            )
    return tuple(adjustments)


def target_for(state: PrinterState) -> TargetPrinter | None:
    """The printer as telemetry describes it: model, nozzle diameter and material."""
    if state.model is None:
        return None
    nozzle = (state.nozzle_type or "").lower()
    nozzle_type = None
    if "hardened" in nozzle:
        nozzle_type = NozzleType.HARDENED
    elif "stainless" in nozzle:
        nozzle_type = NozzleType.STANDARD
    return TargetPrinter(
        model=spec_for(state.model).display_name,
        nozzle_diameter=state.nozzle_diameter or 0.4,
        nozzle_type=nozzle_type,
    )
