"""The model x nozzle table and how telemetry names map onto it."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    UnknownPrinterError,
    find_preset,
    printer_models,
    printer_presets,
)
from custom_components.bambuprint_iq.core.profiles.printers import preset_by_name


def test_table_has_14_models_and_56_presets_in_slicer_spelling() -> None:
    presets = printer_presets()
    assert len(printer_models()) == 14
    assert len(presets) == 56
    assert len({p.name for p in presets}) == 56
    assert all(p.name.startswith("Bambu Lab ") and p.name.endswith(" nozzle") for p in presets)


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("X1C", "Bambu Lab X1 Carbon 0.4 nozzle"),
        ("Bambu Lab X1-Carbon", "Bambu Lab X1 Carbon 0.4 nozzle"),
        ("BL-P001", "Bambu Lab X1 Carbon 0.4 nozzle"),
        ("a1 mini", "Bambu Lab A1 mini 0.4 nozzle"),
        ("N2S", "Bambu Lab A1 0.4 nozzle"),
        ("H2D Pro", "Bambu Lab H2D Pro 0.4 nozzle"),
        ("O1C", "Bambu Lab H2C 0.4 nozzle"),
    ],
)
def test_models_resolve_from_names_codes_and_ids(model: str, expected: str) -> None:
    assert find_preset(model, 0.4).name == expected


def test_nozzle_spellings() -> None:
    assert find_preset("P1S", "0.60").name == "Bambu Lab P1S 0.6 nozzle"
    assert find_preset("P1S", "0.2 mm").nozzle_diameter == "0.2"


@pytest.mark.parametrize(("model", "nozzle"), [("Ender 3", 0.4), ("X1C", 0.25), ("X1C", 1.0)])
def test_unknown_printer_or_nozzle_raises(model: str, nozzle: float) -> None:
    with pytest.raises(UnknownPrinterError):
        find_preset(model, nozzle)


def test_dual_nozzle_models() -> None:
    dual = {m.name for m in printer_models() if m.dual_nozzle}
    assert dual == {
        "Bambu Lab H2D",
        "Bambu Lab H2D Pro",
        "Bambu Lab H2C",
        "Bambu Lab X2D",
    }


def test_preset_by_name() -> None:
    assert preset_by_name("Bambu Lab A2L 0.8 nozzle").model.model_id == "N9"
    with pytest.raises(UnknownPrinterError):
        preset_by_name("Bambu Lab X1C 0.4 nozzle")
