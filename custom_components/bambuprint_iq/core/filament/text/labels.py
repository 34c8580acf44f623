"""Field labels in the languages filament makers write in (EN, DE, PL, CZ, IT, ES, FR).

Labels are matched as whole words, longest first, so "Cooling Fan Speed" is a fan label and
not a print-speed label, and "Max Print Speed" marks a ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re

from ..values import PlateType


class FieldKind(StrEnum):
    """What a label asks for."""

    NOZZLE_TEMP = "nozzle_temp"
    BED_TEMP = "bed_temp"
    HEATED_BED = "heated_bed"
    PLATE = "plate"
    CHAMBER_TEMP = "chamber_temp"
    ENCLOSURE = "enclosure"
    PRINT_SPEED = "print_speed"
    VOLUMETRIC_SPEED = "max_volumetric_speed"
    FAN = "fan"
    DRYING = "drying"
    DRYING_TIME = "drying_time"
    DENSITY = "density"
    DIAMETER = "diameter"
    GLASS_TRANSITION = "glass_transition"
    HARDENED_NOZZLE = "hardened_nozzle"
    SPOOL_LIMIT = "spool_limit"
    ANNEALING = "annealing"
    BED_THEN_NOZZLE = "bed_then_nozzle"
    NOZZLE_THEN_BED = "nozzle_then_bed"
    NOT_A_SETTING = "not_a_setting"
    """Labels that own nearby numbers which are never print settings (first layer, Tg …)."""


_T = r"temp(?:erature)?s?\.?"
_LABELS: tuple[tuple[str, tuple[FieldKind, ...]], ...] = (
    # nozzle
    (rf"(?:printer\s+)?nozzle\s+{_T}", (FieldKind.NOZZLE_TEMP,)),
    (rf"print(?:ing)?\s+{_T}", (FieldKind.NOZZLE_TEMP,)),
    (rf"extru(?:sion|der)(?:\s*/\s*extru(?:sion|der))?\s+{_T}", (FieldKind.NOZZLE_TEMP,)),
    (rf"(?:recommended\s+)?(?:working|processing)\s+{_T}", (FieldKind.NOZZLE_TEMP,)),
    (rf"hot\s*end(?:\s+{_T})?", (FieldKind.NOZZLE_TEMP,)),
    (
        r"teplota\s+tisku|temperatura\s+dyszy|temperatura\s+(?:di\s+)?stampa",
        (FieldKind.NOZZLE_TEMP,),
    ),
    (r"temperatura\s+(?:de\s+)?(?:impresi[oó]n|extrusi[oó]n|boquilla)", (FieldKind.NOZZLE_TEMP,)),
    (
        r"d[üu]sentemperatur|drucktemperatur|temp[ée]rature\s+(?:d'impression|de\s+(?:la\s+)?buse)",
        (FieldKind.NOZZLE_TEMP,),
    ),
    (r"ugello|nozzle|extruder", (FieldKind.NOZZLE_TEMP,)),
    # bed
    (
        rf"heat(?:ed)?\s*bed\s+{_T}|heat(?:ed)?\s*bed|heated\s+build\s+plate",
        (FieldKind.BED_TEMP, FieldKind.HEATED_BED),
    ),
    (
        rf"(?:print(?:ing)?\s+)?(?:bed|plate)\s+{_T}|build\s+plate\s+{_T}|build\s+plate",
        (FieldKind.BED_TEMP,),
    ),
    (rf"(?:recommended\s+)?heating\s+{_T}|printing\s+surface", (FieldKind.BED_TEMP,)),
    (
        r"teplota\s+podlo[žz]ky|temperatura\s+sto[łl]u|piano(?:\s+di\s+stampa)?",
        (FieldKind.BED_TEMP,),
    ),
    (
        r"temperatura\s+(?:de\s+la\s+)?cama|(?:heiz)?bett(?:temperatur)?|druckbett",
        (FieldKind.BED_TEMP,),
    ),
    (r"bed", (FieldKind.BED_TEMP,)),
    # plates (Bambu and others)
    (r"cool\s+plate\s+super\s*tack|super\s*tack(?:\s+plate)?", (FieldKind.PLATE,)),
    (r"cool\s+plate", (FieldKind.PLATE,)),
    (r"smooth\s+(?:pei|pey)(?:\s+(?:plate|sheet))?", (FieldKind.PLATE,)),
    (r"textured\s+pei(?:\s+(?:plate|sheet))?", (FieldKind.PLATE,)),
    (r"engineering\s+plate", (FieldKind.PLATE,)),
    (r"high\s+temp(?:erature)?\s+plate|hot\s+plate", (FieldKind.PLATE,)),
    # chamber / enclosure
    (rf"chamber\s+{_T}|build\s+volume\s+{_T}|enclosure\s+{_T}", (FieldKind.CHAMBER_TEMP,)),
    (rf"(?:recommended\s+)?environmental(?:\s+{_T})?", (FieldKind.CHAMBER_TEMP,)),
    (r"closure\s+chamber|heated\s+chamber", (FieldKind.CHAMBER_TEMP, FieldKind.ENCLOSURE)),
    (
        r"enclosure(?:\s+required)?|enclosed\s+(?:chamber|printer)|komora\s+zamkni[ęe]ta",
        (FieldKind.ENCLOSURE,),
    ),
    # speed
    (
        r"(?:max(?:imum)?\.?\s+)?print(?:ing)?\s+speed|main\s+speed|rychlost\s+tisku",
        (FieldKind.PRINT_SPEED,),
    ),
    (
        r"pr[ęe]dko[śs][ćc]\s+druku|velocit[àa](?:\s+di\s+stampa)?|druckgeschwindigkeit|speed",
        (FieldKind.PRINT_SPEED,),
    ),
    (
        r"max(?:imum)?\.?\s+(?:volumetric\s+)?(?:speed|flow)(?:\s+rate)?|volumetric\s+speed|flowability",
        (FieldKind.VOLUMETRIC_SPEED,),
    ),
    # fan
    (r"(?:part\s+)?(?:cooling\s+)?fan(?:\s+speed)?|part\s+cooling|cooling", (FieldKind.FAN,)),
    (r"ventola|nawiew|wentylator|l[üu]fter|ventil[áa]tor|chlazen[íi]", (FieldKind.FAN,)),
    # drying
    (
        rf"(?:pre[\s-]?)?drying(?:\s+(?:settings?|recommendations?|conditions?|{_T}))?",
        (FieldKind.DRYING,),
    ),
    (r"dry(?:ing)?\s+at|su[šs]en[íi]|suszenie|trocknung|essiccazione|secado", (FieldKind.DRYING,)),
    (r"drying\s+time|dry(?:ing)?\s+duration", (FieldKind.DRYING_TIME,)),
    # material facts
    (r"density|hustota|g[ęe]sto[śs][ćc]|dichte|densit[àaé]|densidad", (FieldKind.DENSITY,)),
    (
        r"(?:filament\s+)?diameter|pr[ůu]m[ěe]r|[śs]rednica|durchmesser|diametro",
        (FieldKind.DIAMETER,),
    ),
    (
        rf"glass\s+transition(?:\s+{_T})?|tg|vitrification(?:\s+{_T})?",
        (FieldKind.GLASS_TRANSITION,),
    ),
    (
        r"hardened(?:\s+steel)?(?:\s+nozzle)?|(?:wear|abrasion|abrasive)[\s-]resistant\s+nozzle",
        (FieldKind.HARDENED_NOZZLE,),
    ),
    (r"dysza\s+rubinowa\s+lub\s+hartowana|dysza\s+hartowana", (FieldKind.HARDENED_NOZZLE,)),
    (r"temperature\s+resistance", (FieldKind.SPOOL_LIMIT,)),
    (r"anneal(?:ing)?|heat[\s-]treat(?:ment|ing)?", (FieldKind.ANNEALING,)),
    # combined fields
    (rf"bed\s*/\s*(?:print(?:ing)?|nozzle)\s+{_T}", (FieldKind.BED_THEN_NOZZLE,)),
    (rf"(?:print(?:ing)?|nozzle)\s*/\s*bed\s+{_T}|nozzle\s*/\s*bed", (FieldKind.NOZZLE_THEN_BED,)),
    # numbers that belong to something else
    (
        r"first\s+layer(?:\s+speed)?|initial\s+layer(?:\s+speed)?|retraction(?:\s+speed)?|travel\s+speed",
        (FieldKind.NOT_A_SETTING,),
    ),
    (
        rf"melt(?:ing)?(?:\s+(?:point|{_T}|flow\s+index))?|tm|hdt|heat\s+deflection(?:\s+{_T})?",
        (FieldKind.NOT_A_SETTING,),
    ),
    (
        rf"vicat(?:\s+softening)?(?:\s+{_T})?|softening(?:\s+{_T})?|standby\s+{_T}",
        (FieldKind.NOT_A_SETTING,),
    ),
)

_PLATES: tuple[tuple[re.Pattern[str], PlateType], ...] = (
    (re.compile(r"super\s*tack", re.I), PlateType.SUPERTACK),
    (re.compile(r"cool", re.I), PlateType.COOL_PLATE),
    (re.compile(r"smooth", re.I), PlateType.SMOOTH_PEI),
    (re.compile(r"textured", re.I), PlateType.TEXTURED_PEI),
    (re.compile(r"engineering", re.I), PlateType.ENGINEERING),
    (re.compile(r"high|hot", re.I), PlateType.HIGH_TEMP),
)

_COMPILED = tuple(
    (re.compile(rf"(?<![A-Za-z0-9])(?:{pattern})(?![A-Za-z])", re.I), kinds)
    for pattern, kinds in _LABELS
)


@dataclass(frozen=True, slots=True)
class LabelHit:
    """One label occurrence in the text, with absolute offsets."""

    start: int
    end: int
    kinds: tuple[FieldKind, ...]
    text: str

    @property
    def is_ceiling(self) -> bool:
        """ "Max Print Speed": a value under this label is an upper bound."""
        return re.match(r"max", self.text, re.I) is not None

    @property
    def plate(self) -> PlateType | None:
        """The plate type a plate label names."""
        if FieldKind.PLATE not in self.kinds:
            return None
        for pattern, plate in _PLATES:
            if pattern.search(self.text):
                return plate
        return None  # pragma: no cover - every plate label names a plate


def find_labels(text: str, offset: int = 0) -> list[LabelHit]:
    """Non-overlapping label occurrences in one line, longest first where they overlap."""
    hits: list[LabelHit] = []
    for pattern, kinds in _COMPILED:
        for match in pattern.finditer(text):
            hits.append(LabelHit(offset + match.start(), offset + match.end(), kinds, match[0]))
    hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start)))
    chosen: list[LabelHit] = []
    for hit in sorted(hits, key=lambda hit: -(hit.end - hit.start)):
        if all(hit.end <= other.start or hit.start >= other.end for other in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda hit: hit.start)


def classify_label(label: str) -> FieldKind | None:
    """What a table header or row label asks for ("Temperatura stołu" → bed temperature).

    Returns None when the text contains no known label.
    """
    hits = find_labels(label.strip())
    return hits[0].kinds[0] if hits else None
