"""The last passes: side facts for numbers in negative contexts, then cautious fallbacks.

A fallback only fires when nothing labelled stated the field, and only on quantities whose
unit leaves no doubt: an unlabeled value of at least 150 °C can only be a nozzle
temperature, an "up to 600 mm/s" is a speed ceiling, a mm³/s value is a volumetric speed.
"""

from __future__ import annotations

import re

from ..materials import MATERIAL_PATTERN
from ..sanity import DIAMETERS
from .collector import Collector
from .context import Context, context_of
from .lines import Claims, Line, as_range, put_bed
from .mentions import Bound, Mention, Unit

NOZZLE_FALLBACK_MIN = 150.0
_ROW_START = re.compile(rf"\s*(?:{MATERIAL_PATTERN})(?![A-Za-z])", re.I)


def read_side_facts(index: int, line: Line, claims: Claims, out: Collector) -> None:
    """Unclaimed temperatures next to annealing or post-print words become side facts."""
    for position, mention in enumerate(line.mentions):
        if mention.unit is not Unit.TEMP or not claims.free(index, position):
            continue
        context = context_of(line.text, mention.start, mention.end)
        if context is None:
            continue
        claims.claim(index, position)
        if context is Context.ANNEALING:
            out.put_side("annealing_temp", as_range(mention))
        elif context is Context.POST_PRINT:
            out.put_side("post_print_temp", as_range(mention))


def apply_fallbacks(lines: list[Line], claims: Claims, out: Collector) -> None:
    """Fill still-empty fields from quantities whose unit alone says what they are."""
    for index, line in enumerate(lines):
        for position, mention in enumerate(line.mentions):
            if not claims.free(index, position):
                continue
            if mention.unit is Unit.TEMP and not out.has("nozzle_temp") and not out.bands:
                _nozzle(index, line, position, mention, claims, out)
            elif mention.unit is Unit.SPEED and mention.bound is Bound.CEILING:
                out.put("print_speed", as_range(mention), line.text)
            elif mention.unit is Unit.VOLUMETRIC:
                out.put("max_volumetric_speed", mention.high, line.text)
            elif mention.unit is Unit.DENSITY:
                out.put("density", mention.low, line.text)
            elif mention.unit is Unit.LENGTH:
                _length(line, mention, out)


def _nozzle(
    index: int, line: Line, position: int, mention: Mention, claims: Claims, out: Collector
) -> None:
    """An unlabeled ≥150 °C value; in a "PLA 190-220 °C 50-60 °C" row the cooler one is the bed."""
    value = as_range(mention)
    hottest = None if value is None else max(b for b in (value.low, value.high) if b is not None)
    if value is None or hottest is None or hottest < NOZZLE_FALLBACK_MIN:
        return
    claims.claim(index, position)
    out.put("nozzle_temp", value, line.text[max(0, mention.start - 40) : mention.end])
    if not _ROW_START.match(line.text):
        return
    for later, bed in enumerate(line.mentions[position + 1 :], start=position + 1):
        if bed.unit is Unit.TEMP and claims.free(index, later):
            bed_range = as_range(bed)
            if bed_range is not None and bed_range.high is not None and bed_range.high < 150:
                claims.claim(index, later)
                put_bed(out, line, bed, bed_range, line.text)
            return


def _length(line: Line, mention: Mention, out: Collector) -> None:
    if mention.leading_plus_minus and mention.low is not None and mention.low <= 0.2:
        out.put("diameter_tolerance", mention.low, line.text)
    elif mention.bound is None and not mention.is_range_written and mention.low in DIAMETERS:
        out.put("diameter", mention.low, line.text)
