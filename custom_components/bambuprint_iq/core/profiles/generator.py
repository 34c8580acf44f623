"""Generate Bambu Studio filament presets from a filament spec, analysis adjustments and
target printers. Pure and synchronous (CPU only, after the packaged data is loaded once);
async callers run it in an executor, as ``ProfileLibrary`` does."""

from __future__ import annotations

from dataclasses import dataclass

from .adjust import apply_adjustments
from .builder import build_document
from .catalog import generic_materials, system_preset
from .draft import PresetDraft
from .errors import (
    InvalidSpecError,
    NoSystemPresetError,
    PresetValidationError,
    UnsupportedMaterialError,
)
from .material_types import generic_base_for, normalize_material_type
from .models import NozzleType, PresetShape, ProfileRequest
from .naming import (
    filament_id,
    filament_name,
    is_reserved_vendor,
    preset_name,
    serial_name,
    vendor_name,
)
from .notes import render_notes
from .results import GeneratedPreset, GenerationResult, SkippedTarget, preset_json_dict
from .spec_apply import ABRASIVE_HRC, apply_filament_spec
from .targets import ResolvedTarget, resolve_targets
from .validator import validate_preset


@dataclass(frozen=True, slots=True)
class _Identity:
    """What names the filament, identical on every printer preset."""

    filament_type: str
    vendor: str
    name: str
    filament_id: str


def _choose_shape(requested: PresetShape | None, vendor: str) -> PresetShape:
    if requested is None:
        return PresetShape.INHERITED if is_reserved_vendor(vendor) else PresetShape.CUSTOM_ROOT
    if requested is PresetShape.CUSTOM_ROOT and is_reserved_vendor(vendor):
        raise InvalidSpecError(f"a custom root preset may not use vendor {vendor!r}")
    return requested


def _nozzle_warnings(draft: PresetDraft, resolved: ResolvedTarget) -> list[str]:
    target = resolved.target
    hrc = draft.numbers("required_nozzle_HRC")
    if target and target.nozzle_type is NozzleType.STANDARD and hrc and hrc[0] >= ABRASIVE_HRC:
        return [f"{resolved.preset.name}: abrasive filament needs a hardened steel nozzle"]
    return []


def _generate_one(
    request: ProfileRequest,
    resolved: ResolvedTarget,
    *,
    material: str,
    shape: PresetShape,
    identity: _Identity,
) -> GeneratedPreset:
    printer = resolved.preset
    system = system_preset(material, printer.name)
    draft = PresetDraft(system)
    warnings = apply_filament_spec(
        draft, request.spec, identity.filament_type, identity.vendor, printer
    )
    skipped = apply_adjustments(draft, request.adjustments, resolved.target)
    warnings += _nozzle_warnings(draft, resolved)
    name = preset_name(identity.name, printer.name)
    changes = draft.changes
    notes = render_notes(identity.name, printer.name, system.name, changes, skipped)
    document = build_document(
        shape,
        draft,
        name=name,
        filament_id=identity.filament_id,
        printer_preset=printer.name,
        notes=notes,
    )
    report = validate_preset(preset_json_dict(document), parent=system)
    if report.errors:
        raise PresetValidationError(name, report.errors)
    return GeneratedPreset(
        printer_preset=printer.name,
        name=name,
        shape=shape,
        system_preset=system.name,
        document=document,
        changes=changes,
        skipped_adjustments=skipped,
        warnings=tuple(warnings) + report.warnings,
    )


def generate_presets(request: ProfileRequest) -> GenerationResult:
    """One preset per target printer preset.

    Printer presets without a Bambu system preset for the material are reported in
    ``skipped``; NoSystemPresetError when that leaves nothing to generate.
    """
    spec = request.spec
    filament_type = normalize_material_type(spec.material_type)
    material = request.base_material or generic_base_for(
        filament_type, spec.material_type, spec.product_name
    )
    if material not in generic_materials():
        raise UnsupportedMaterialError(f"{material!r} is not a Bambu generic material")
    vendor = vendor_name(spec.vendor)
    shape = _choose_shape(request.shape, vendor)
    serial = serial_name(spec.product_name, vendor, filament_type, request.label)
    name = filament_name(vendor, filament_type, serial)
    identity = _Identity(filament_type, vendor, name, filament_id(name))
    presets: list[GeneratedPreset] = []
    skipped: list[SkippedTarget] = []
    for resolved in resolve_targets(request.targets):
        try:
            presets.append(
                _generate_one(request, resolved, material=material, shape=shape, identity=identity)
            )
        except NoSystemPresetError as err:
            skipped.append(SkippedTarget(resolved.preset.name, str(err)))
    if not presets:
        raise NoSystemPresetError(f"no printer preset can take {material}: {skipped[0].reason}")
    return GenerationResult(
        filament_name=identity.name,
        filament_id=identity.filament_id,
        vendor=vendor,
        filament_type=filament_type,
        base_material=material,
        shape=shape,
        presets=tuple(presets),
        skipped=tuple(skipped),
    )
