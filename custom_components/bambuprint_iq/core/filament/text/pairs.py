"""Passes that read quantities in pairs: drying schedules, storage humidity, speed bands.

They run before labels because a pair is unambiguous ("60 - 70 °C, 12 h" is a schedule even
on a line labelled "Heatbed"), and they claim both quantities so no label can take them.
"""

from __future__ import annotations

import re

from ..values import DryingSchedule, SpeedBand
from .collector import Collector
from .context import Context, context_of
from .lines import Claims, Line, as_range, hours_of
from .mentions import Mention, Unit

_DURATIONS = frozenset({Unit.HOURS, Unit.MINUTES})
_PAIR_GAP = re.compile(r"[\s,/;:]*(?:(?:drying|dry)\s+)?(?:for\s+)?", re.I)
_PAIR_GAP_TIME_FIRST = re.compile(r"\s*,?\s*at\s+", re.I)
_BAND_GAP = re.compile(r"\s*(?:at|@|for)\s+", re.I)
_RH_AFTER = re.compile(r"\s*RH\b")
_METHOD_WORDS = re.compile(r"oven|heat\s*bed|dryer|dehydrator|\bams\b|dry\s*box|drying", re.I)


def read_pairs(index: int, line: Line, claims: Claims, out: Collector) -> None:
    """Temperature + duration pairs become drying schedules (or annealing / post-print facts);
    "< 20% RH" becomes the storage humidity limit."""
    mentions = line.mentions
    for position, mention in enumerate(mentions):
        if mention.unit is Unit.PERCENT and _RH_AFTER.match(line.text, mention.end):
            out.put_side("storage_rh_max", mention.high)
            claims.claim(index, position)
    for position in range(len(mentions) - 1):
        first, second = mentions[position], mentions[position + 1]
        if not (claims.free(index, position) and claims.free(index, position + 1)):
            continue
        gap = line.text[first.end : second.start]
        if first.unit is Unit.TEMP and second.unit in _DURATIONS and _PAIR_GAP.fullmatch(gap):
            claims.claim(index, position, position + 1)
            _schedule(line, first, second, first.start, out)
        elif (
            first.unit in _DURATIONS
            and second.unit is Unit.TEMP
            and _PAIR_GAP_TIME_FIRST.fullmatch(gap)
        ):
            claims.claim(index, position, position + 1)
            _schedule(line, second, first, first.start, out)


def _schedule(line: Line, temp: Mention, hours: Mention, start: int, out: Collector) -> None:
    temp_range = as_range(temp)
    if temp_range is None:
        return
    end = max(temp.end, hours.end)
    context = context_of(line.text, start, end)
    if context is Context.ANNEALING:
        out.put_side("annealing_temp", temp_range)
    elif context is Context.POST_PRINT:
        out.put_side("post_print_temp", temp_range)
    elif context is None:
        method = drying_method(line.text[:start])
        schedule = DryingSchedule(temp_range, hours_of(hours), method)
        out.add_schedule(schedule, line.text[max(0, start - 40) : end])


def read_bands(index: int, line: Line, claims: Claims, out: Collector) -> None:
    """ "205-215 C at 50-150 mm/s": a nozzle temperature for one speed band."""
    mentions = line.mentions
    for position in range(len(mentions) - 1):
        temp, speed = mentions[position], mentions[position + 1]
        if temp.unit is not Unit.TEMP or speed.unit is not Unit.SPEED:
            continue
        if not _BAND_GAP.fullmatch(line.text[temp.end : speed.start]):
            continue
        if not (claims.free(index, position) and claims.free(index, position + 1)):
            continue
        temp_range, speed_range = as_range(temp), as_range(speed)
        claims.claim(index, position, position + 1)
        if temp_range is not None and speed_range is not None:
            out.add_band(SpeedBand(speed_range, temp_range), line.text[temp.start : speed.end])


def drying_method(prefix: str) -> str | None:
    """ "Blast Drying Oven: 65 °C" → "blast drying oven"; None when no method is named."""
    stripped = prefix.rstrip()
    if not stripped.endswith(":"):
        return None
    segment = re.split(r"[:|'\"]", stripped[:-1])[-1].strip()
    if not segment or len(segment) > 40 or not _METHOD_WORDS.search(segment):
        return None
    return segment.lower()
