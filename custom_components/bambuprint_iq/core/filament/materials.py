"""Material names: recognising them in text and folding spellings into one canonical name.

"PET-G", "Nylon" and "PLA-Plus" are written many ways; sanity limits and generic defaults
are keyed by the canonical name and by its family.
"""

from __future__ import annotations

from enum import StrEnum
import re


class Family(StrEnum):
    """Polymer families that share printing temperature windows."""

    PLA = "PLA"
    PETG = "PETG"
    ABS = "ABS"
    PC = "PC"
    PA = "PA"
    TPU = "TPU"
    PVA = "PVA"
    PP = "PP"
    HIGH_TEMP = "HIGH_TEMP"
    OTHER = "OTHER"


_FILL = r"(?:[- ]?(?:CF|GF|HF|FR)\d{0,2})"
MATERIAL_PATTERN = (
    r"(?:PLA(?:\+|[- ]?Plus|[- ]?Pro)?|PETG|PET-G|PET|PCTG|CPE|ABS\+?|ASA|HIPS"
    r"|PC(?:[-/]ABS|[-/]PBT)?"
    r"|PAHT|PPA|PA(?:6|11|12|66|612)?|Nylon|TPU(?: ?\d{2}A)?|TPE|PVA|BVOH|PP|PEEK|PEKK|PEI|Ultem"
    r"|PPSU|PPS|PSU|PI|PVB|PMMA|POM)" + _FILL + r"*"
)
"""A material token as written in the wild; matches whole words only when wrapped by callers."""

MATERIAL_WORD = re.compile(r"(?<![A-Za-z0-9])" + MATERIAL_PATTERN + r"(?![A-Za-z0-9])", re.I)

_FAMILY_BY_BASE: dict[str, Family] = {
    "PLA": Family.PLA,
    "PLA+": Family.PLA,
    "PETG": Family.PETG,
    "PET": Family.PETG,
    "PCTG": Family.PETG,
    "CPE": Family.PETG,
    "ABS": Family.ABS,
    "ABS+": Family.ABS,
    "ASA": Family.ABS,
    "HIPS": Family.ABS,
    "PC": Family.PC,
    "PC-ABS": Family.PC,
    "PC-PBT": Family.PC,
    "PA": Family.PA,
    "PAHT": Family.PA,
    "PPA": Family.PA,
    "TPU": Family.TPU,
    "TPE": Family.TPU,
    "PVA": Family.PVA,
    "BVOH": Family.PVA,
    "PP": Family.PP,
    "PEEK": Family.HIGH_TEMP,
    "PEKK": Family.HIGH_TEMP,
    "PEI": Family.HIGH_TEMP,
    "PI": Family.HIGH_TEMP,
    "PPS": Family.HIGH_TEMP,
    "PPSU": Family.HIGH_TEMP,
    "PSU": Family.HIGH_TEMP,
}

_FIBRE = re.compile(
    r"(?:^|[- ])(?:CF|GF)\d{0,2}\b|carbon[- ]?fib(?:er|re)|glass[- ]?fib(?:er|re)", re.I
)


def canonical_material(token: str) -> str | None:
    """Fold one written material ("pet-g", "Nylon", "PLA Plus", "PA6-CF20") to a canonical name.

    The fill suffix is kept ("PA-CF", "PETG-GF"); grades are folded (PA6 → PA, TPU 95A → TPU).
    Returns None when the token is not a material this library knows.
    """
    match = MATERIAL_WORD.fullmatch(token.strip())
    if match is None:
        return None
    text = match.group(0).upper().replace("PET-G", "PETG")
    fill = re.search(r"[- ]?(CF|GF)\d{0,2}$", text)
    base = re.sub(_FILL + r"*$", "", text, flags=re.I).strip()
    base = re.sub(r"[- ]?(PLUS|PRO)$", "+", base)
    base = re.sub(r"^PA(6|11|12|66|612)$", "PA", base)
    base = re.sub(r"^TPU ?\d{2}A$", "TPU", base)
    base = {"NYLON": "PA", "ULTEM": "PEI", "PC/ABS": "PC-ABS", "PC/PBT": "PC-PBT"}.get(base, base)
    if base not in _FAMILY_BY_BASE and base not in {"PVB", "PMMA", "POM"}:
        return None
    return f"{base}-{fill.group(1)}" if fill else base


def material_family(material: str | None) -> Family:
    """Family of a canonical material name (OTHER when unknown)."""
    if material is None:
        return Family.OTHER
    base = material.split("-")[0] if material not in {"PC-ABS", "PC-PBT"} else "PC"
    return _FAMILY_BY_BASE.get(base, Family.OTHER)


def is_fibre_filled(text: str) -> bool:
    """True when a name says carbon or glass fibre ("PA6-CF20", "PLA Carbon Fiber")."""
    return _FIBRE.search(text) is not None


def materials_in(text: str) -> list[str]:
    """Distinct canonical materials mentioned in a title or query, in order of appearance."""
    found: list[str] = []
    for match in MATERIAL_WORD.finditer(text):
        name = canonical_material(match.group(0))
        if name is not None and name not in found:
            found.append(name)
    return found


def single_material(text: str | None) -> str | None:
    """The material a title names, or None when it names none or several."""
    if not text:
        return None
    names = materials_in(text)
    bases = {material_family(name) for name in names}
    if len(names) == 1 or (len(bases) == 1 and names and len(names) <= 2):
        return names[0]
    return None
