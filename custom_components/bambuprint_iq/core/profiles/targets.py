"""Which printer presets a request covers, merged per preset name (a farm may have several
printers of the same model and nozzle)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import NozzleType, TargetPrinter, Targets
from .printers import PrinterPreset, find_preset, printer_presets


@dataclass(frozen=True, slots=True)
class ResolvedTarget:
    """One printer preset and what is known about the nozzle(s) it stands for."""

    preset: PrinterPreset
    target: TargetPrinter | None


def _merge(first: TargetPrinter, other: TargetPrinter) -> TargetPrinter:
    """Same preset twice: keep only what both agree on; a standard nozzle wins for warnings."""
    high_flow = first.high_flow if first.high_flow == other.high_flow else None
    types = {first.nozzle_type, other.nozzle_type}
    nozzle_type = NozzleType.STANDARD if NozzleType.STANDARD in types else first.nozzle_type
    return TargetPrinter(first.model, first.nozzle_diameter, nozzle_type, high_flow)


def resolve_targets(targets: Targets) -> tuple[ResolvedTarget, ...]:
    """Expand "all" to the full model x nozzle table; map explicit targets to presets.

    Raises UnknownPrinterError for a model or nozzle that Bambu Studio does not know.
    """
    if targets == "all":
        return tuple(ResolvedTarget(preset, None) for preset in printer_presets())
    merged: dict[str, ResolvedTarget] = {}
    for target in targets:
        preset = find_preset(target.model, target.nozzle_diameter)
        known = merged.get(preset.name)
        combined = target if known is None or known.target is None else _merge(known.target, target)
        merged[preset.name] = ResolvedTarget(preset, combined)
    return tuple(merged.values())
