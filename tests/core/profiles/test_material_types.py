"""Material type normalisation and choice of the generic base preset."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    FILAMENT_TYPES,
    UnsupportedMaterialError,
    generic_materials,
    normalize_material_type,
)
from custom_components.bambuprint_iq.core.profiles.material_types import (
    generic_base_for,
    is_abrasive,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pla", "PLA"),
        ("PLA+", "PLA"),
        ("petg cf", "PETG-CF"),
        ("Nylon", "PA"),
        ("PA12-CF", "PA-CF"),
        ("tpu 95a", "TPU"),
        ("ASA Aero", "ASA-AERO"),
        ("pla_aero", "PLA-AERO"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize_material_type(text) == expected


def test_unknown_type_raises() -> None:
    with pytest.raises(UnsupportedMaterialError, match="PEEK"):
        normalize_material_type("PEEK")


def test_every_type_has_an_existing_generic_base() -> None:
    known = set(generic_materials())
    assert {generic_base_for(t) for t in FILAMENT_TYPES} <= known


@pytest.mark.parametrize(
    ("filament_type", "product", "generic"),
    [
        ("PLA", "Silk Shine Gold", "Generic PLA Silk"),
        ("PLA", "Hyper PLA", "Generic PLA High Speed"),
        ("PETG", "PETG HF Black", "Generic PETG HF"),
        ("PETG", "PETG Basic", "Generic PETG"),
        ("PLA", None, "Generic PLA"),
    ],
)
def test_product_hints_pick_special_generics(
    filament_type: str, product: str | None, generic: str
) -> None:
    assert generic_base_for(filament_type, product) == generic


def test_fibre_filled_types_are_abrasive() -> None:
    assert is_abrasive("PA6-CF")
    assert is_abrasive("PPA-GF")
    assert not is_abrasive("PETG")
