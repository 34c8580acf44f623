"""Print context input: slicer-style values are accepted, nonsense is refused with a type."""

from __future__ import annotations

import math

import pytest

from custom_components.bambuprint_iq.core.analysis import (
    FilamentSpec,
    InvalidPrintContext,
    PrintContext,
    PrinterProfile,
    bambu_generic_defaults,
    material_family,
    normalize_settings,
)


def test_slicer_json_values_are_normalised() -> None:
    settings = normalize_settings(
        {
            "nozzle_temperature": ["220"],
            "filament_flow_ratio": "0.98",
            "filament_retraction_length": ["nil"],
            "overhang_fan_threshold": ["50%"],
            "wall_sequence": "inner wall/outer wall",
            "filament_wipe": True,
            "brim_width": 5,
        }
    )
    assert settings == {
        "nozzle_temperature": 220.0,
        "filament_flow_ratio": 0.98,
        "overhang_fan_threshold": "50%",
        "wall_sequence": "inner wall/outer wall",
        "filament_wipe": True,
        "brim_width": 5.0,
    }


@pytest.mark.parametrize(
    "raw",
    [
        {"Nozzle Temperature": 220},
        {"../etc": 1},
        {"nozzle_temperature": [220, 230]},
        {"nozzle_temperature": math.nan},
        {"nozzle_temperature": "inf"},
        {"nozzle_temperature": {"value": 220}},
        {7: 220},
    ],
    ids=["spaces", "path", "two-values", "nan", "inf-text", "dict", "non-text-key"],
)
def test_bad_settings_raise_a_typed_error(raw: dict[object, object]) -> None:
    with pytest.raises(InvalidPrintContext):
        normalize_settings(raw)  # type: ignore[arg-type]


def test_context_freezes_and_cleans_its_input() -> None:
    source = {"nozzle_temperature": "215"}
    context = PrintContext(settings=source, user_note="strings\x07 between\n towers " * 50)
    source["nozzle_temperature"] = "999"
    assert context.number("nozzle_temperature") == 215.0
    assert "\x07" not in context.user_note
    assert len(context.user_note) == 500
    with pytest.raises(TypeError):
        context.settings["nozzle_temperature"] = 1.0  # type: ignore[index]


def test_filament_range_backs_the_range_settings() -> None:
    context = PrintContext(filament=FilamentSpec("PLA", nozzle_temp_min=195, nozzle_temp_max=225))
    assert context.number("nozzle_temperature_range_low") == 195
    assert context.number("nozzle_temperature_range_high") == 225
    assert context.number("nozzle_temperature") is None


@pytest.mark.parametrize(
    ("low", "high", "message"),
    [(250, 200, "above"), (-5, None, "outside"), (None, 9000, "outside"), (math.inf, None, "")],
)
def test_filament_spec_validation(low: float | None, high: float | None, message: str) -> None:
    with pytest.raises(InvalidPrintContext, match=message):
        FilamentSpec("PLA", nozzle_temp_min=low, nozzle_temp_max=high)


def test_printer_nozzle_validation() -> None:
    with pytest.raises(InvalidPrintContext):
        PrinterProfile(nozzle_diameter_mm=0)


@pytest.mark.parametrize(
    ("material", "family"),
    [
        ("PLA", "PLA"),
        ("PLA Matte", "PLA"),
        ("pla+", "PLA"),
        ("PETG-HF", "PETG"),
        ("PET-CF", "PETG"),
        ("PCTG", "PETG"),
        ("ABS", "ABS"),
        ("ASA Aero", "ASA"),
        ("PC", "PC"),
        ("PA6-CF", "PA"),
        ("PAHT-CF", "PA"),
        ("TPU 95A HF", "TPU"),
        ("PVA", None),
        ("", None),
    ],
)
def test_material_family(material: str, family: str | None) -> None:
    assert material_family(material) == family


def test_generic_defaults_are_fresh_copies() -> None:
    first = bambu_generic_defaults("PETG Basic")
    assert first["nozzle_temperature"] == 240.0
    assert first["retraction_length"] == 0.8
    first["nozzle_temperature"] = 1.0
    assert bambu_generic_defaults("PETG")["nozzle_temperature"] == 240.0
    assert "nozzle_temperature" not in bambu_generic_defaults("PVA")
