"""Fuzzy brand/product matching: aliases, typos, ambiguity, confidence."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.filament.matching import (
    Catalog,
    CatalogEntry,
    MatchStatus,
    entry_key,
    normalise_name,
)


def _entry(brand: str, product: str, material: str | None) -> CatalogEntry:
    return CatalogEntry(brand, product, material, entry_key(brand, product))


@pytest.fixture
def catalog() -> Catalog:
    """A small catalogue with look-alike names."""
    return Catalog(
        [
            _entry("Polymaker", "PolyTerra™ PLA", "PLA"),
            _entry("Polymaker", "PolyLite PLA", "PLA"),
            _entry("Polymaker", "PolyLite PETG", "PETG"),
            _entry("Bambu Lab", "PLA Basic", "PLA"),
            _entry("Bambu Lab", "PLA Matte", "PLA"),
            _entry("Bambu Lab", "PETG HF", "PETG"),
            _entry("eSUN 3D", "PLA+", "PLA+"),
            _entry("eSUN 3D", "PETG", "PETG"),
            _entry("Prusament", "PETG", "PETG"),
        ]
    )


@pytest.mark.parametrize(
    ("brand", "product", "expected"),
    [
        ("Polymaker", "PolyTerra PLA", ("Polymaker", "PolyTerra™ PLA")),
        ("polymker", "polytera pla", ("Polymaker", "PolyTerra™ PLA")),
        (None, "Polymaker Polytera PLA", ("Polymaker", "PolyTerra™ PLA")),
        (None, "bambu pla matte", ("Bambu Lab", "PLA Matte")),
        (None, "BBL PLA Basic", ("Bambu Lab", "PLA Basic")),
        ("Prusa", "PETG", ("Prusament", "PETG")),
        (None, "esun pla plus", ("eSUN 3D", "PLA+")),
        (None, "ESUN PETG", ("eSUN 3D", "PETG")),
    ],
)
def test_aliases_and_typos_match(
    catalog: Catalog, brand: str | None, product: str, expected: tuple[str, str]
) -> None:
    """Common spellings, brand aliases and one-letter typos find the product."""
    result = catalog.match(brand, product)
    assert result.status is MatchStatus.MATCHED
    assert result.best is not None
    assert (result.best.brand, result.best.product) == expected
    assert 0.55 <= result.best.score <= 1.0


def test_confidence_reflects_how_close_the_input_was(catalog: Catalog) -> None:
    """An exact name scores higher than a misspelt one."""
    exact = catalog.match("Polymaker", "PolyLite PETG").best
    typo = catalog.match("Polymakr", "Polylte PETG").best
    assert exact is not None
    assert typo is not None
    assert exact.product == typo.product == "PolyLite PETG"
    assert exact.score > typo.score


def test_ambiguous_input_lists_candidates(catalog: Catalog) -> None:
    """ "Bambu PLA" fits two products equally: ambiguous, both offered."""
    result = catalog.match(None, "Bambu PLA")
    assert result.status is MatchStatus.AMBIGUOUS
    assert result.best is None
    assert {c.product for c in result.candidates[:2]} == {"PLA Basic", "PLA Matte"}
    brand_only = catalog.match("Polymaker", None)
    assert brand_only.status is MatchStatus.AMBIGUOUS
    assert len(brand_only.candidates) == 3


def test_unknown_words_are_not_forced_onto_a_product(catalog: Catalog) -> None:
    """A product word that matches nothing gives not-found, not the nearest PLA."""
    result = catalog.match("Polymaker", "Galaxy Sparkle PLA")
    assert result.status is MatchStatus.NOT_FOUND
    assert result.best is None
    assert catalog.match(None, "").status is MatchStatus.NOT_FOUND


def test_material_mismatch_lowers_the_score(catalog: Catalog) -> None:
    """Asking for PETG does not land on a PLA product of the same line."""
    result = catalog.match("Polymaker", "PolyLite", material="PETG")
    assert result.best is not None
    assert result.best.product == "PolyLite PETG"


def test_name_normalisation() -> None:
    """Trademarks, case, accents and "+" are folded."""
    assert normalise_name("PolyTerra™ PLA+") == "polyterra pla plus"
    assert normalise_name("Filamentum Ñice") == "filamentum nice"
    assert entry_key("eSUN", "PLA+") == entry_key("esun", "pla plus")
