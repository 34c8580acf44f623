"""Material types Bambu Studio knows, and which generic preset each one starts from.

A custom filament is always built on the closest Bambu "Generic" preset, which brings
sane defaults for every option the filament spec does not state.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from types import MappingProxyType

from .errors import UnsupportedMaterialError

FILAMENT_TYPES: tuple[str, ...] = (
    "PLA", "ABS", "ASA", "ASA-CF", "PETG", "PCTG", "TPU", "TPU-AMS", "PC", "PA", "PA-CF",
    "PA-GF", "PA6-CF", "PLA-CF", "PET-CF", "PETG-CF", "PVA", "HIPS", "PLA-AERO", "PPS",
    "PPS-CF", "PPA-CF", "PPA-GF", "ABS-GF", "ASA-AERO", "PE", "PP", "EVA", "PHA", "BVOH",
    "PE-CF", "PP-CF", "PP-GF",
)  # fmt: skip
"""The type list of the Bambu Studio filament dialog and the AMS."""

_GENERIC_BY_TYPE: Mapping[str, str] = MappingProxyType(
    {
        "PLA": "Generic PLA", "PLA-AERO": "Generic PLA", "PLA-CF": "Generic PLA-CF",
        "ABS": "Generic ABS", "ABS-GF": "Generic ABS", "ASA": "Generic ASA",
        "ASA-CF": "Generic ASA", "ASA-AERO": "Generic ASA", "PETG": "Generic PETG",
        "PCTG": "Generic PCTG", "PET-CF": "Generic PETG-CF", "PETG-CF": "Generic PETG-CF",
        "TPU": "Generic TPU", "TPU-AMS": "Generic TPU for AMS", "PC": "Generic PC",
        "PA": "Generic PA", "PA-CF": "Generic PA-CF", "PA-GF": "Generic PA-CF",
        "PA6-CF": "Generic PA-CF", "PVA": "Generic PVA", "HIPS": "Generic HIPS",
        "PPS": "Generic PPS", "PPS-CF": "Generic PPS-CF", "PPA-CF": "Generic PPA-CF",
        "PPA-GF": "Generic PPA-GF", "PE": "Generic PE", "PE-CF": "Generic PE-CF",
        "PP": "Generic PP", "PP-CF": "Generic PP-CF", "PP-GF": "Generic PP-GF",
        "EVA": "Generic EVA", "PHA": "Generic PHA", "BVOH": "Generic BVOH",
    }
)  # fmt: skip

_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "PLA+": "PLA", "PLA PLUS": "PLA", "PLA PRO": "PLA", "PLA MATTE": "PLA", "PLA SILK": "PLA",
        "SILK PLA": "PLA", "PLA HS": "PLA", "HS PLA": "PLA", "PLA AERO": "PLA-AERO",
        "LW PLA": "PLA-AERO", "ABS+": "ABS", "ABS GF": "ABS-GF", "PET G": "PETG",
        "PETG+": "PETG", "PETG HF": "PETG", "PET CF": "PET-CF", "PETG CF": "PETG-CF",
        "NYLON": "PA", "PA6": "PA", "PA12": "PA", "PA NYLON": "PA", "PA12-CF": "PA-CF",
        "PAHT-CF": "PA-CF", "PA6-GF": "PA-GF", "PA12-GF": "PA-GF", "TPU AMS": "TPU-AMS",
        "TPU FOR AMS": "TPU-AMS", "TPE": "TPU", "TPU 95A": "TPU", "TPU 90A": "TPU",
        "TPU 85A": "TPU", "TPU 64D": "TPU-AMS", "ASA AERO": "ASA-AERO",
    }
)  # fmt: skip

_ABRASIVE_SUFFIXES = ("-CF", "-GF")


def _squash(text: str) -> str:
    return " ".join(text.upper().replace("_", " ").split())


def normalize_material_type(text: str) -> str:
    """Map free text ("pla+", "Nylon", "PA12-CF") onto a Bambu Studio filament type."""
    squashed = _squash(text)
    if squashed in _GENERIC_BY_TYPE:
        return squashed
    hyphenated = squashed.replace(" ", "-")
    if hyphenated in _GENERIC_BY_TYPE:
        return hyphenated
    alias = _ALIASES.get(squashed) or _ALIASES.get(hyphenated)
    if alias is None:
        raise UnsupportedMaterialError(
            f"material {text!r} is not a type Bambu Studio knows ({', '.join(FILAMENT_TYPES)})"
        )
    return alias


def is_abrasive(filament_type: str) -> bool:
    """Fibre-filled types need a hardened nozzle."""
    return filament_type.endswith(_ABRASIVE_SUFFIXES)


_SPECIAL_GENERICS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("PLA", re.compile(r"\bsilk", re.IGNORECASE), "Generic PLA Silk"),
    ("PLA", re.compile(r"\b(high[ -]?speed|hs|hyper|rapid)\b", re.IGNORECASE),
     "Generic PLA High Speed"),
    ("PETG", re.compile(r"\b(hf|high[ -]?flow|high[ -]?speed|rapid)\b", re.IGNORECASE),
     "Generic PETG HF"),
)  # fmt: skip


def generic_base_for(filament_type: str, *hints: str | None) -> str:
    """The generic preset a filament of this type starts from.

    ``hints`` (raw type text, product name) pick the silk / high-speed variants when the
    product is one, because those generics carry different cooling and flow values.
    """
    for base_type, pattern, generic in _SPECIAL_GENERICS:
        if filament_type == base_type and any(h and pattern.search(h) for h in hints):
            return generic
    try:
        return _GENERIC_BY_TYPE[filament_type]
    except KeyError as err:
        raise UnsupportedMaterialError(f"no generic base for type {filament_type!r}") from err
