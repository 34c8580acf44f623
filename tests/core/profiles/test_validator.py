"""The project's own import-rule checker: each rule is exercised by a broken document."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    PresetShape,
    ProfileRequest,
    TargetPrinter,
    generate_presets,
    validate_preset,
)

from .conftest import acme_pla

type Doc = dict[str, object]


def _root() -> Doc:
    preset = generate_presets(ProfileRequest(acme_pla(), (TargetPrinter("H2D", 0.4),))).presets[0]
    return dict(preset.to_json_dict())


def _inherited() -> Doc:
    request = ProfileRequest(acme_pla(), (TargetPrinter("H2D", 0.4),), shape=PresetShape.INHERITED)
    return dict(generate_presets(request).presets[0].to_json_dict())


def test_generated_documents_pass() -> None:
    for doc in (_root(), _inherited()):
        report = validate_preset(doc)
        assert report.ok, report.errors
        assert not report.warnings


def _set(key: str, value: object) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc[key] = value

    return mutate


def _drop(key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        doc.pop(key)

    return mutate


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_set("nozzle_temperature", [215, "215"]), "must be a string"),
        (_set("filament_flow_ratio", ["0,98", "0.98"]), "not a valid floats"),
        (_set("fan_max_speed", ["fast"]), "not a valid ints"),
        (_set("filament_wipe", ["yes", "1"]), '"0"/"1"'),
        (_set("filament_z_hop_types", ["Helix", "nil"]), "not one of"),
        (_set("filament_density", ["nil"]), "non-nullable"),
        (_set("fan_max_speed", ["120"]), "outside"),
        (_set("nozzle_temperature", ["260", "215"]), "outside the filament range"),
        (_set("filament_max_volumetric_speed", ["1", "2", "3"]), "extruder variants"),
        (_set("version", "two"), "version"),
        (_set("version", "3.0.0.0"), "major"),
        (_drop("filament_settings_id"), "filament_settings_id"),
        (_set("from", "system"), "from"),
        (_set("type", "machine"), "type"),
        (_set("setting_id", "GFSL99"), "cloud ids"),
        (_set("name", "Generic PLA"), "collides"),
        (_set("name", "Acme: PLA @Bambu Lab H2D 0.4 nozzle"), "forbidden"),
        (_set("filament_id", "GFL99"), "filament_id"),
        (_drop("compatible_printers"), "compatible_printers"),
        (_set("compatible_printers", ["Bambu Lab H2D"]), "not a printer preset name"),
        (_drop("filament_density"), "lacks values"),
        (_set("filament_vendor", ["Generic"]), "vendor"),
        (_set("extruder_clearance", ["1"]), "not a filament option"),
        (_set("filament_notes", ["x"]), "plain string"),
        (_set("cool_plate_temp", "35"), "array of strings"),
        (_set("hot_plate_temp", []), "empty array"),
    ],
)
def test_root_rule_violations_are_errors(mutate: Callable[[Doc], None], message: str) -> None:
    doc = _root()
    mutate(doc)
    report = validate_preset(doc)
    assert not report.ok
    assert any(message in error for error in report.errors), report.errors


def test_inherited_rules() -> None:
    doc = _inherited()
    doc["filament_extruder_variant"] = ["Direct Drive Standard"]
    assert any("match the parent" in e for e in validate_preset(doc).errors)
    doc = _inherited()
    doc["inherits"] = "Acme Base"
    assert any("not a known system preset" in w for w in validate_preset(doc).warnings)
    doc = _inherited()
    doc["filament_id"] = "P1234567"
    assert any("ignored" in w for w in validate_preset(doc).warnings)


def test_inherited_range_check_uses_parent_values() -> None:
    doc = _inherited()
    doc["nozzle_temperature"] = ["250", "250"]
    doc.pop("nozzle_temperature_range_high", None)
    report = validate_preset(doc)
    assert any("outside the filament range 190..240" in e for e in report.errors)


def test_non_object_and_unknown_type_warning() -> None:
    doc = _root()
    doc["filament_type"] = ["WOOD"]
    assert any("AMS type list" in w for w in validate_preset(doc).warnings)
    assert not validate_preset({}).ok
