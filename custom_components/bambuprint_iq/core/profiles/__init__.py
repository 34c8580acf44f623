"""Bambu Studio / OrcaSlicer filament presets for third-party filaments.

``generate_presets`` turns a filament spec, analysis adjustments and target printers into
importable presets (inherited diff or custom root); ``ProfileLibrary`` stores them with
version history and exports ``.json``, ``.bbsflmt`` and share files. No Home Assistant
import here; disk I/O is async through an executor.
"""

from .catalog import SystemPreset, generic_materials, printers_for_material, system_preset
from .diff import KeyDifference, ProfileDiff, diff_documents
from .errors import (
    InvalidAdjustmentError,
    InvalidSpecError,
    NoSystemPresetError,
    PresetExistsError,
    PresetParseError,
    PresetValidationError,
    ProfileError,
    ProfileNotFoundError,
    ProfileStoreError,
    ShareFormatError,
    UnknownPrinterError,
    UnsupportedMaterialError,
)
from .export import (
    build_filament_bundle,
    build_preset_zip,
    bundle_file_name,
    preset_file_name,
    preset_json_bytes,
    read_preset_archive,
)
from .generator import generate_presets
from .library import ProfileLibrary
from .library_models import (
    ProfileSource,
    ProfileSummary,
    ProfileVersionInfo,
    SavedGeneration,
    StoredPreset,
    StoredVersion,
)
from .material_types import FILAMENT_TYPES, normalize_material_type
from .models import (
    AbsoluteChange,
    Adjustment,
    FilamentSpec,
    NozzleType,
    PlateType,
    PresetShape,
    ProfileRequest,
    RelativeChange,
    TargetPrinter,
    Targets,
)
from .parse import parse_preset
from .printers import PrinterModel, PrinterPreset, find_preset, printer_models, printer_presets
from .results import (
    ChangeOrigin,
    GeneratedPreset,
    GenerationResult,
    SkippedAdjustment,
    SkippedTarget,
    ValueChange,
)
from .share import PrintConditions, SharedProfile, ShareInfo, build_share, read_share
from .validator import ValidationReport, validate_preset
from .values import PresetValue

__all__ = [
    "FILAMENT_TYPES",
    "AbsoluteChange",
    "Adjustment",
    "ChangeOrigin",
    "FilamentSpec",
    "GeneratedPreset",
    "GenerationResult",
    "InvalidAdjustmentError",
    "InvalidSpecError",
    "KeyDifference",
    "NoSystemPresetError",
    "NozzleType",
    "PlateType",
    "PresetExistsError",
    "PresetParseError",
    "PresetShape",
    "PresetValidationError",
    "PresetValue",
    "PrintConditions",
    "PrinterModel",
    "PrinterPreset",
    "ProfileDiff",
    "ProfileError",
    "ProfileLibrary",
    "ProfileNotFoundError",
    "ProfileRequest",
    "ProfileSource",
    "ProfileStoreError",
    "ProfileSummary",
    "ProfileVersionInfo",
    "RelativeChange",
    "SavedGeneration",
    "ShareFormatError",
    "ShareInfo",
    "SharedProfile",
    "SkippedAdjustment",
    "SkippedTarget",
    "StoredPreset",
    "StoredVersion",
    "SystemPreset",
    "TargetPrinter",
    "Targets",
    "UnknownPrinterError",
    "UnsupportedMaterialError",
    "ValidationReport",
    "ValueChange",
    "build_filament_bundle",
    "build_preset_zip",
    "build_share",
    "bundle_file_name",
    "diff_documents",
    "find_preset",
    "generate_presets",
    "generic_materials",
    "normalize_material_type",
    "parse_preset",
    "preset_file_name",
    "preset_json_bytes",
    "printer_models",
    "printer_presets",
    "printers_for_material",
    "read_preset_archive",
    "read_share",
    "system_preset",
    "validate_preset",
]
