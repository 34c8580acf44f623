"""Resolution of the packaged generic presets into complete system preset values."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    NoSystemPresetError,
    UnsupportedMaterialError,
    generic_materials,
    printer_presets,
    printers_for_material,
    system_preset,
)
from custom_components.bambuprint_iq.core.profiles.catalog import (
    complete_value_keys,
    find_system_preset,
    system_filament_aliases,
)
from custom_components.bambuprint_iq.core.profiles.schema import option_schema


def test_29_generic_materials() -> None:
    materials = generic_materials()
    assert len(materials) == 29
    assert {"Generic PLA", "Generic PETG HF", "Generic TPU for AMS"} <= set(materials)


@pytest.mark.parametrize(
    ("printer", "preset", "variants"),
    [
        ("Bambu Lab X1 Carbon 0.4 nozzle", "Generic PLA", 1),
        ("Bambu Lab A1 0.2 nozzle", "Generic PLA @BBL A1 0.2 nozzle", 1),
        ("Bambu Lab H2D 0.4 nozzle", "Generic PLA @BBL H2D", 2),
        ("Bambu Lab P1P 0.4 nozzle", "Generic PLA @BBL P1P", 2),
        ("Bambu Lab X2D 0.4 nozzle", "Generic PLA @BBL X2D 0.4 nozzle", 4),
    ],
)
def test_printer_maps_to_exact_system_preset(printer: str, preset: str, variants: int) -> None:
    resolved = system_preset("Generic PLA", printer)
    assert resolved.name == preset
    assert len(resolved.variants) == variants
    assert printer in resolved.printers


def test_variant_keys_are_sized_to_the_variant_count_everywhere() -> None:
    schema = option_schema()
    for material in generic_materials():
        for printer in printers_for_material(material):
            resolved = system_preset(material, printer)
            count = len(resolved.variants)
            for key, value in resolved.values.items():
                if schema[key].per_variant:
                    assert len(value) == count, (resolved.name, key)


def test_resolved_presets_are_complete_and_keep_base_facts() -> None:
    pla = system_preset("Generic PLA", "Bambu Lab X1 Carbon 0.4 nozzle")
    assert complete_value_keys() <= set(pla.values)
    assert pla.values["nozzle_temperature"] == ("220",)
    assert pla.values["filament_max_volumetric_speed"] == ("12",)
    small = system_preset("Generic PLA", "Bambu Lab X1 Carbon 0.2 nozzle")
    assert small.values["filament_max_volumetric_speed"] == ("1.6",)
    a1 = system_preset("Generic PLA", "Bambu Lab A1 0.4 nozzle")
    assert a1.values["textured_plate_temp"] == ("65",)


def test_tpu_on_h2d_has_three_variants_with_consistent_lengths() -> None:
    tpu = system_preset("Generic TPU", "Bambu Lab H2D 0.4 nozzle")
    assert tpu.variants[-1] == "Direct Drive TPU High Flow"
    assert len(tpu.values["filament_flush_temp_fast"]) == 3


def test_material_not_offered_on_printer() -> None:
    with pytest.raises(NoSystemPresetError, match="A1"):
        system_preset("Generic PA", "Bambu Lab A1 0.4 nozzle")
    with pytest.raises(UnsupportedMaterialError):
        system_preset("Generic Unobtainium", "Bambu Lab A1 0.4 nozzle")


def test_pla_and_petg_cover_every_printer_preset() -> None:
    everything = {p.name for p in printer_presets()}
    assert set(printers_for_material("Generic PLA")) == everything
    assert set(printers_for_material("Generic PETG")) == everything


def test_lookup_by_name_and_aliases() -> None:
    found = find_system_preset("Generic ABS @BBL H2D")
    assert found is not None
    assert found.material == "Generic ABS"
    assert find_system_preset("Acme PLA @BBL X1C") is None
    assert {"Bambu PLA Basic", "SUNLU PLA Matte", "Generic PLA"} <= system_filament_aliases()
