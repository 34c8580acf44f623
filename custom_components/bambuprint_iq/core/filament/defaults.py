"""Generic per-material settings, the last-resort source (always low confidence).

Typical windows compiled from public material references (open per-type defaults, maker
guides). They describe the material family, not any product, which is why every value from
here carries the lowest confidence and is labelled as a material default.
"""

from __future__ import annotations

from dataclasses import dataclass

from .materials import canonical_material, is_fibre_filled, material_family
from .values import Range, Requirement, SpecValues


@dataclass(frozen=True, slots=True)
class _Typical:
    nozzle: tuple[float, float]
    bed: tuple[float, float]
    drying: tuple[float, float]
    """Drying temperature (°C) and time (h)."""
    density: float
    enclosure: Requirement
    chamber: tuple[float, float] | None = None


_TYPICAL: dict[str, _Typical] = {
    "PLA": _Typical((190, 230), (35, 65), (50, 8), 1.24, Requirement.NOT_REQUIRED),
    "PLA+": _Typical((200, 230), (45, 65), (50, 8), 1.24, Requirement.NOT_REQUIRED),
    "PETG": _Typical((220, 260), (60, 80), (65, 8), 1.27, Requirement.NOT_REQUIRED),
    "PET": _Typical((230, 270), (60, 90), (65, 8), 1.33, Requirement.OPTIONAL),
    "PCTG": _Typical((230, 260), (70, 90), (65, 8), 1.23, Requirement.NOT_REQUIRED),
    "ABS": _Typical((240, 270), (90, 110), (80, 8), 1.04, Requirement.REQUIRED, (40, 60)),
    "ASA": _Typical((240, 270), (90, 110), (80, 8), 1.07, Requirement.REQUIRED, (40, 60)),
    "HIPS": _Typical((230, 250), (90, 110), (70, 8), 1.03, Requirement.REQUIRED),
    "PC": _Typical((260, 290), (100, 120), (80, 8), 1.20, Requirement.REQUIRED, (40, 60)),
    "PA": _Typical((260, 290), (80, 100), (80, 12), 1.14, Requirement.REQUIRED),
    "PAHT": _Typical((260, 300), (80, 100), (80, 12), 1.20, Requirement.REQUIRED),
    "TPU": _Typical((210, 240), (30, 50), (65, 8), 1.21, Requirement.NOT_REQUIRED),
    "PVA": _Typical((200, 230), (45, 60), (50, 8), 1.23, Requirement.NOT_REQUIRED),
    "PP": _Typical((220, 250), (80, 100), (60, 8), 0.90, Requirement.RECOMMENDED),
}
_BY_FAMILY = {
    "PLA": "PLA",
    "PETG": "PETG",
    "ABS": "ABS",
    "PC": "PC",
    "PA": "PA",
    "TPU": "TPU",
    "PVA": "PVA",
    "PP": "PP",
}


def material_defaults(material: str | None) -> SpecValues | None:
    """Typical settings for a material ("PLA", "PETG-CF", "Nylon"), or None when unknown."""
    if not material:
        return None
    canonical = canonical_material(material) or material.upper()
    base = canonical.split("-")[0] if canonical not in _TYPICAL else canonical
    typical = _TYPICAL.get(base)
    if typical is None:
        family = _BY_FAMILY.get(material_family(canonical).value)
        typical = _TYPICAL.get(family) if family else None
    if typical is None:
        return None
    fibre = is_fibre_filled(canonical)
    return SpecValues(
        nozzle_temp=Range(*typical.nozzle),
        bed_temp=Range(*typical.bed),
        chamber_temp=None if typical.chamber is None else Range(*typical.chamber),
        enclosure=typical.enclosure,
        drying_temp=Range.point(typical.drying[0]),
        drying_time_h=Range.point(typical.drying[1]),
        density=typical.density,
        abrasive=True if fibre else None,
        hardened_nozzle=Requirement.REQUIRED if fibre else None,
    )
