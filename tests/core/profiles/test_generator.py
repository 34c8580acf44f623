"""Shapes A and B, identity, and how the filament spec lands in the preset."""

from __future__ import annotations

import hashlib

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    ChangeOrigin,
    FilamentSpec,
    GeneratedPreset,
    GenerationResult,
    InvalidSpecError,
    NoSystemPresetError,
    NozzleType,
    PlateType,
    PresetShape,
    ProfileRequest,
    TargetPrinter,
    UnknownPrinterError,
    UnsupportedMaterialError,
    generate_presets,
    system_preset,
    validate_preset,
)

from .conftest import acme_pla

X1C = (TargetPrinter("X1C", 0.4),)
H2D = (TargetPrinter("H2D", 0.4),)


def _one(
    spec: FilamentSpec,
    targets: tuple[TargetPrinter, ...] = X1C,
    shape: PresetShape | None = None,
) -> tuple[GenerationResult, GeneratedPreset]:
    result = generate_presets(ProfileRequest(spec, targets, shape=shape))
    assert len(result.presets) == 1
    return result, result.presets[0]


def test_third_party_filament_defaults_to_custom_root() -> None:
    result, preset = _one(acme_pla())
    doc = preset.to_json_dict()
    expected_id = "P" + hashlib.md5(b"Acme PLA Matte").hexdigest()[:7]
    assert result.shape is PresetShape.CUSTOM_ROOT
    assert result.filament_name == "Acme PLA Matte"
    assert doc["filament_id"] == result.filament_id == expected_id
    assert doc["name"] == "Acme PLA Matte @Bambu Lab X1 Carbon 0.4 nozzle"
    assert doc["filament_settings_id"] == [doc["name"]]
    assert doc["compatible_printers"] == ["Bambu Lab X1 Carbon 0.4 nozzle"]
    assert (doc["from"], doc["type"], doc["version"]) == ("User", "filament", "1.9.0.0")
    assert "inherits" not in doc
    assert len(doc) > 130  # complete value set
    assert list(doc)[:2] == ["type", "name"]


def test_bambu_vendor_defaults_to_inherited_and_rejects_custom_root() -> None:
    spec = acme_pla(vendor="Bambu Lab", product_name="PLA Matte Charcoal")
    result, preset = _one(spec)
    assert result.shape is PresetShape.INHERITED
    assert preset.document["inherits"] == "Generic PLA"
    with pytest.raises(InvalidSpecError, match="vendor"):
        generate_presets(ProfileRequest(spec, X1C, shape=PresetShape.CUSTOM_ROOT))


def test_inherited_shape_holds_only_changed_keys() -> None:
    _result, preset = _one(acme_pla(), H2D, shape=PresetShape.INHERITED)
    doc = preset.to_json_dict()
    parent = system_preset("Generic PLA", "Bambu Lab H2D 0.4 nozzle")
    assert doc["inherits"] == "Generic PLA @BBL H2D"
    assert doc["filament_extruder_variant"] == list(parent.variants)
    assert "filament_id" not in doc
    meta = {"type", "name", "from", "version", "inherits", "filament_settings_id"}
    always = {
        "filament_extruder_variant",
        "filament_vendor",
        "compatible_printers",
        "filament_notes",
    }
    for key, value in doc.items():
        if key in meta | always:
            continue
        assert parent.values[key] != (value if isinstance(value, str) else tuple(value)), key
    assert doc["nozzle_temperature"] == ["215", "215"]
    assert doc["filament_max_volumetric_speed"] == ["15", "15"]


def test_temperatures_follow_spec_and_stay_in_range() -> None:
    _result, preset = _one(acme_pla(nozzle_temp_initial_layer=225))
    doc = preset.document
    assert doc["nozzle_temperature_range_low"] == ("190",)
    assert doc["nozzle_temperature_range_high"] == ("230",)
    assert doc["nozzle_temperature"] == ("215",)
    assert doc["nozzle_temperature_initial_layer"] == ("225",)


def test_recommended_outside_generic_range_widens_the_range() -> None:
    spec = FilamentSpec("PLA", vendor="Acme", nozzle_temp_recommended=250)
    _result, preset = _one(spec)
    assert preset.document["nozzle_temperature_range_high"] == ("250",)
    assert preset.document["nozzle_temperature_range_low"] == ("190",)


def test_generic_offset_between_first_layer_and_other_layers_is_kept() -> None:
    spec = FilamentSpec("ABS", vendor="Acme", nozzle_temp_recommended=255)
    _result, preset = _one(spec)
    # Generic ABS prints the first layer 10 degC cooler than the rest.
    assert preset.document["nozzle_temperature_initial_layer"] == ("245",)


def test_plates_set_both_layers_and_warn_for_unsupported_plate() -> None:
    spec = acme_pla(bed_temps=((PlateType.COOL, 40),))
    _result, preset = _one(spec, (TargetPrinter("H2D", 0.4),))
    assert preset.document["cool_plate_temp"] == ("40",)
    assert preset.document["cool_plate_temp_initial_layer"] == ("40",)
    assert any("cool plate" in w for w in preset.warnings)


def test_small_nozzle_keeps_the_generic_speed_limit() -> None:
    _result, preset = _one(acme_pla(), (TargetPrinter("X1C", 0.2),))
    assert preset.document["filament_max_volumetric_speed"] == ("1.6",)


def test_drying_values_are_capped_per_ams_unit() -> None:
    spec = FilamentSpec("ABS", vendor="Acme", drying_temp=80, drying_hours=6)
    _result, preset = _one(spec)
    assert preset.document["filament_dev_ams_drying_temperature"] == ("65", "80", "65", "75")
    assert preset.document["filament_dev_ams_drying_time"] == ("6", "6", "12", "8")


def test_identity_and_spec_changes_are_logged() -> None:
    _result, preset = _one(acme_pla(fan_max_speed=80, fan_min_speed=60, colour_hex="#ff8800"))
    keys = {c.key for c in preset.changes if c.origin is ChangeOrigin.FILAMENT_SPEC}
    assert {
        "filament_vendor",
        "nozzle_temperature",
        "fan_max_speed",
        "fan_min_speed",
        "default_filament_colour",
        "textured_plate_temp",
    } <= keys
    assert preset.document["default_filament_colour"] == ("#FF8800",)


def test_abrasive_material_on_standard_nozzle_warns() -> None:
    spec = FilamentSpec("PA6-CF", vendor="Acme")
    result = generate_presets(
        ProfileRequest(spec, (TargetPrinter("X1C", 0.4, nozzle_type=NozzleType.STANDARD),))
    )
    preset = result.presets[0]
    assert result.base_material == "Generic PA-CF"
    assert preset.document["filament_type"] == ("PA6-CF",)
    assert preset.document["required_nozzle_HRC"] == ("40",)
    assert any("hardened" in w for w in preset.warnings)


def test_abrasive_flag_raises_hardness_of_a_plain_base() -> None:
    spec = FilamentSpec("ASA-CF", vendor="Acme")
    _result, preset = _one(spec)
    assert preset.system_preset == "Generic ASA"
    assert preset.document["required_nozzle_HRC"] == ("40",)


def test_all_targets_skip_printers_without_the_material() -> None:
    result = generate_presets(ProfileRequest(FilamentSpec("PA", vendor="Acme"), "all"))
    printers = {p.printer_preset for p in result.presets}
    skipped = {s.printer_preset for s in result.skipped}
    assert len(printers) + len(skipped) == 56
    assert "Bambu Lab A1 0.4 nozzle" in skipped
    assert "Bambu Lab X1 Carbon 0.4 nozzle" in printers


def test_explicit_target_without_the_material_raises() -> None:
    with pytest.raises(NoSystemPresetError):
        generate_presets(ProfileRequest(FilamentSpec("PA", vendor="Acme"), (TargetPrinter("A1"),)))


def test_bad_inputs_raise_typed_errors() -> None:
    with pytest.raises(UnknownPrinterError):
        generate_presets(ProfileRequest(acme_pla(), (TargetPrinter("Prusa MK4"),)))
    with pytest.raises(UnsupportedMaterialError):
        generate_presets(ProfileRequest(FilamentSpec("PEEK"), X1C))
    with pytest.raises(UnsupportedMaterialError):
        generate_presets(ProfileRequest(acme_pla(), X1C, base_material="Generic Wood"))
    with pytest.raises(InvalidSpecError):
        FilamentSpec("PLA", nozzle_temp_min=230, nozzle_temp_max=190)
    with pytest.raises(InvalidSpecError):
        FilamentSpec("PLA", nozzle_temp_min=190, nozzle_temp_max=210, nozzle_temp_recommended=220)
    with pytest.raises(InvalidSpecError):
        FilamentSpec("PLA", colour_hex="orange")


def test_name_that_matches_a_system_filament_gets_a_suffix() -> None:
    spec = FilamentSpec("PLA", vendor="SUNLU", product_name="Matte")
    result, preset = _one(spec)
    assert result.filament_name == "SUNLU PLA Matte Custom"
    assert validate_preset(preset.to_json_dict()).ok


def test_names_are_cleaned_and_defaults_fill_missing_parts() -> None:
    spec = FilamentSpec("PLA", vendor='Ac/me: "Pro"', product_name="PLA @Glow; 2")
    result, _preset = _one(spec)
    assert result.filament_name == "Ac me Pro PLA Glow 2"
    bare, _ = _one(FilamentSpec("petg"))
    assert bare.filament_name == "Custom PETG Filament"


def test_farm_targets_for_the_same_preset_are_merged() -> None:
    targets = (
        TargetPrinter("X1C", 0.4, high_flow=True),
        TargetPrinter("Bambu Lab X1 Carbon", 0.4, high_flow=False),
        TargetPrinter("P1S", 0.4),
    )
    result = generate_presets(ProfileRequest(acme_pla(), targets))
    assert [p.printer_preset for p in result.presets] == [
        "Bambu Lab X1 Carbon 0.4 nozzle",
        "Bambu Lab P1S 0.4 nozzle",
    ]


def test_fan_limits_stay_ordered() -> None:
    _result, preset = _one(FilamentSpec("PETG", vendor="Acme", fan_min_speed=95))
    # Generic PETG tops out at 90 %; a stated minimum above it lifts the maximum.
    assert preset.document["fan_min_speed"] == ("95",)
    assert preset.document["fan_max_speed"] == ("95",)
    _result, preset = _one(FilamentSpec("PLA", vendor="Acme", fan_max_speed=60))
    assert preset.document["fan_min_speed"] == ("60",)
    assert preset.document["fan_max_speed"] == ("60",)
