"""The defect vocabulary shared by the prompt, the answer schema and the rule engine."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class DefectType(StrEnum):
    """Defects the engine can recognise; the order is the tie-break order in reports."""

    SPAGHETTI = "spaghetti"
    DETACHMENT = "detachment"
    LAYER_ADHESION = "layer_adhesion"
    WARPING = "warping"
    UNDER_EXTRUSION = "under_extrusion"
    STRINGING = "stringing"
    OVERHANG_DROOP = "overhang_droop"
    ELEPHANTS_FOOT = "elephants_foot"
    SURFACE_ROUGHNESS = "surface_roughness"
    Z_BANDING = "z_banding"


class Severity(StrEnum):
    """How bad a defect looks; ``none`` means checked and not seen."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


SEVERITY_RANK: Final[Mapping[Severity, int]] = MappingProxyType(
    {
        Severity.NONE: 0,
        Severity.LOW: 1,
        Severity.MEDIUM: 2,
        Severity.HIGH: 3,
    }
)

_ALL_DEFECTS: Final[tuple[DefectType, ...]] = tuple(DefectType.__members__.values())
DEFECT_ORDER: Final[Mapping[DefectType, int]] = MappingProxyType(
    {defect: index for index, defect in enumerate(_ALL_DEFECTS)}
)

# Failures that end a print; the in-print watch looks only at these.
PRINT_FAILURES: Final[frozenset[DefectType]] = frozenset(
    {DefectType.SPAGHETTI, DefectType.DETACHMENT}
)
