"""Conformance with the reference data in ../shared (skipped when it is absent).

Every generated preset for every printer preset x generic material passes the reference
checker, and the packaged facts equal the reference facts they were derived from.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from types import ModuleType
from typing import Any

from custom_components.bambuprint_iq.core.profiles import (
    FilamentSpec,
    PresetShape,
    ProfileRequest,
    generate_presets,
    generic_materials,
    preset_json_bytes,
    printer_presets,
    printers_for_material,
    system_preset,
    validate_preset,
)
from custom_components.bambuprint_iq.core.profiles.catalog import system_filament_aliases
from custom_components.bambuprint_iq.core.profiles.schema import option_schema
from custom_components.bambuprint_iq.core.profiles.values import resize


def _load(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text("utf-8"))


def _generic_type(material: str) -> str:
    first = printers_for_material(material)[0]
    value = system_preset(material, first).values["filament_type"]
    assert isinstance(value, tuple)
    return value[0]


def test_every_printer_and_generic_material_passes_the_reference_checker(
    shared_validator: ModuleType,
) -> None:
    known_printers = {p.name for p in printer_presets()}
    checked = 0
    for material in generic_materials():
        spec = FilamentSpec(_generic_type(material), vendor="Acme", product_name="Conformance")
        expected = set(printers_for_material(material))
        for shape in PresetShape:
            result = generate_presets(
                ProfileRequest(spec, "all", shape=shape, base_material=material)
            )
            assert {p.printer_preset for p in result.presets} == expected
            for preset in result.presets:
                document = json.loads(preset_json_bytes(preset.document))
                errors, warnings = shared_validator.check(document, known_printers)
                assert (errors, warnings) == ([], []), preset.name
                assert validate_preset(document).ok
                checked += 1
    assert checked == 2 * sum(len(printers_for_material(m)) for m in generic_materials())


def test_reference_checker_cli_accepts_written_files(shared_dir: Path, tmp_path: Path) -> None:
    result = generate_presets(ProfileRequest(FilamentSpec("PETG", vendor="Acme"), "all"))
    paths = []
    for preset in result.presets:
        path = tmp_path / f"{preset.name}.json"
        path.write_bytes(preset_json_bytes(preset.document))
        paths.append(str(path))
    tool = shared_dir / "tools" / "validate_preset.py"
    run = subprocess.run(
        [sys.executable, str(tool), *paths], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert run.stdout.count(": OK") == 56


def test_own_validator_agrees_on_reference_examples(shared_profiles: Path) -> None:
    examples = shared_profiles / "examples"
    for name in (
        "A_inherits_single_variant.json",
        "A2_inherits_dual_variant.json",
        "B_custom_root.json",
    ):
        report = validate_preset(_load(examples, name))
        assert report.ok, (name, report.errors)
    bad = validate_preset(_load(examples, "C_bad_example.json"))
    assert len(bad.errors) >= 4


def test_filament_id_algorithm_matches_reference_example(shared_profiles: Path) -> None:
    example = _load(shared_profiles / "examples", "B_custom_root.json")
    spec = FilamentSpec("PLA", vendor="Acme", product_name="Matte")
    result = generate_presets(ProfileRequest(spec, "all"))
    assert result.filament_id == example["filament_id"]


def test_packaged_printer_table_matches_reference(shared_profiles: Path) -> None:
    models = _load(shared_profiles, "bbl_printers.json")["models"]
    assert isinstance(models, dict)
    reference = {p["name"] for m in models.values() for p in m["printer_presets"]}
    assert {p.name for p in printer_presets()} == reference
    for preset in printer_presets():
        assert preset.model.model_id == models[preset.model.name]["model_id"]


def test_packaged_schema_matches_reference(shared_profiles: Path) -> None:
    reference = _load(shared_profiles, "filament_option_schema.json")
    options = reference["options"]
    assert isinstance(options, dict)
    schema = option_schema()
    assert set(schema) == set(options)
    variant = set(reference["filament_options_with_variant"])
    for key, spec in schema.items():
        ref = options[key]
        assert spec.minimum == ref.get("min"), key
        assert spec.maximum == ref.get("max"), key
        assert spec.nullable == bool(ref.get("nullable")), key
        assert spec.per_variant == (key in variant), key


def test_packaged_generic_values_match_reference(shared_profiles: Path) -> None:
    reference = _load(shared_profiles, "generic_resolved_full.json")["types"]
    assert isinstance(reference, dict)
    schema = option_schema()
    assert set(generic_materials()) == set(reference)
    for material, entry in reference.items():
        for preset_name, child in entry["children"].items():
            expected = {**entry["base"], **child["diff"]}
            printer = child["diff"]["compatible_printers"][0]
            resolved = system_preset(material, printer)
            assert resolved.name == preset_name
            count = len(expected["filament_extruder_variant"])
            for key, value in expected.items():
                ours = resolved.values[key]
                if schema[key].per_variant:
                    value = list(resize(value, count))  # noqa: PLW2901
                assert (ours if isinstance(ours, str) else list(ours)) == value, (preset_name, key)


def test_packaged_aliases_match_reference(shared_profiles: Path) -> None:
    presets = _load(shared_profiles, "bbl_system_filament_presets.json")["presets"]
    assert isinstance(presets, dict)
    assert system_filament_aliases() == {name.split("@")[0].strip() for name in presets}
