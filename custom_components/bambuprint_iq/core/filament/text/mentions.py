"""The value grammar: numbers with units, ranges, tolerances, ceilings and floors.

A "mention" is one quantity as written: ``190-230°C``, ``250 ± 10 °C``, ``< 300 mm/s``,
``65°C+``, ``between 50°C and 60°C``. The grammar only reads the quantity; deciding what it
means (nozzle, bed, drying …) is the binder's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re


class Unit(StrEnum):
    """What a number measures, judged by the unit written next to it."""

    TEMP = "temp"
    SPEED = "speed"
    VOLUMETRIC = "volumetric"
    PERCENT = "percent"
    HOURS = "hours"
    MINUTES = "minutes"
    DENSITY = "density"
    LENGTH = "length"
    NONE = "none"


class Bound(StrEnum):
    """Open-ended quantities: "< 300 mm/s" is a ceiling, "65°C+" a floor."""

    CEILING = "ceiling"
    FLOOR = "floor"


_UNIT_WORDS: tuple[tuple[str, Unit], ...] = (
    (r"\(\s*°C\s*\)", Unit.TEMP),
    (r"°C", Unit.TEMP),
    (r"°(?![A-Za-z])", Unit.TEMP),
    (r"C(?![A-Za-z0-9])", Unit.TEMP),
    (r"mm3/s(?:ec)?", Unit.VOLUMETRIC),
    (r"mm/s(?:ec)?", Unit.SPEED),
    (r"%", Unit.PERCENT),
    (r"g/(?:cm3|cc|ccm|ml)", Unit.DENSITY),
    (r"(?i:hours?|hrs?|h)(?![A-Za-z])", Unit.HOURS),
    (r"(?i:minutes?|mins?)(?![A-Za-z])", Unit.MINUTES),
    (r"mm(?![A-Za-z0-9/])", Unit.LENGTH),
)
_UNIT = "(?:" + "|".join(pattern for pattern, _ in _UNIT_WORDS) + ")"
_UNIT_MATCHERS = tuple((re.compile(pattern), unit) for pattern, unit in _UNIT_WORDS)
_NUM = r"\d{1,4}(?:\.\d{1,3})?"

_CEILING_WORDS = (
    r"<=|<|≤|(?i:up\s+to|less\s+than|no\s+higher\s+than|not\s+above|at\s+most|below|under"
    r"|max(?:imum)?\.?)"
)
_FLOOR_WORDS = r">=|>|≥|(?i:at\s+least|more\s+than|min(?:imum)?\.?|above|over)"

_MENTION = re.compile(
    rf"(?P<between>(?i:between)\s+)?"
    rf"(?:(?P<ceil>{_CEILING_WORDS})\s*|(?P<floor>{_FLOOR_WORDS})\s*)?"
    rf"(?P<lead>±\s*)?"
    rf"(?<![\d.])(?P<a>{_NUM})(?![\d])\s*(?P<ua>{_UNIT})?"
    rf"(?:\s*(?P<sep>-|(?i:to|and)(?=\s))\s*(?P<b>{_NUM})(?![\d])\s*(?P<ub>{_UNIT})?)?"
    rf"(?:\s*±\s*(?P<tol>{_NUM})\s*(?P<ut>{_UNIT})?)?"
    rf"(?:\s*\(\s*(?i:range)\s+(?P<ra>{_NUM})\s*-\s*(?P<rb>{_NUM})\s*(?P<ur>{_UNIT})?\s*\))?"
    rf"(?P<post>\+|\s+(?i:or\s+(?:above|higher|more)))?"
)
_SINGLE = re.compile(rf"(?<![\d.])(?P<a>{_NUM})(?![\d])\s*(?P<ua>{_UNIT})?")


@dataclass(frozen=True, slots=True)
class Mention:
    """One quantity found in the text, with absolute character offsets."""

    start: int
    end: int
    unit: Unit
    low: float | None
    high: float | None
    setpoint: float | None
    """The stated centre for "250 ± 10" or "210 °C (range 200-220)", else None."""
    bound: Bound | None
    leading_plus_minus: bool
    text: str

    @property
    def has_unit(self) -> bool:
        """True when a unit was written next to the number."""
        return self.unit is not Unit.NONE

    @property
    def degenerate(self) -> bool:
        """A written range whose ends are equal ("225-225°C"), a known data-entry error."""
        return self.is_range_written and self.low == self.high

    @property
    def is_range_written(self) -> bool:
        """True when the text wrote two numbers as a range."""
        return "-" in self.text or " to " in self.text or " and " in self.text

    def with_unit(self, unit: Unit) -> Mention:
        """The same mention read as another unit (a unit given by the label, not the value)."""
        return Mention(
            self.start,
            self.end,
            unit,
            self.low,
            self.high,
            self.setpoint,
            self.bound,
            self.leading_plus_minus,
            self.text,
        )


def _unit_of(token: str | None) -> Unit:
    if not token:
        return Unit.NONE
    for matcher, unit in _UNIT_MATCHERS:
        if matcher.fullmatch(token.strip()):
            return unit
    return Unit.NONE


def lex_mentions(text: str, offset: int = 0) -> list[Mention]:
    """All quantities in one line of normalised text, left to right, without overlaps."""
    found: list[Mention] = []
    position = 0
    while position < len(text):
        match = _MENTION.search(text, position)
        if match is None:
            break
        mention = _build(match, offset)
        if mention is None:
            single = _SINGLE.match(text, match.start("a"))
            if single is None:  # pragma: no cover - _MENTION matched a number here
                position = match.end()
                continue
            mention = _single(single, offset, match)
            position = single.end()
        else:
            position = match.end()
        found.append(mention)
    return found


def _build(match: re.Match[str], offset: int) -> Mention | None:
    """Turn a grammar match into a mention; None when its parts disagree (mixed units)."""
    first, second = float(match["a"]), match["b"]
    units = {_unit_of(match[g]) for g in ("ua", "ub", "ut", "ur")} - {Unit.NONE}
    if len(units) > 1:
        return None
    if match["sep"] in {"and"} and not match["between"]:
        return None
    unit = units.pop() if units else Unit.NONE
    low: float | None = first
    high: float | None = first
    setpoint: float | None = None
    if second is not None:
        low, high = first, float(second)
        if low > high:
            return None
    if match["tol"] is not None:
        if second is not None:
            return None
        tolerance = float(match["tol"])
        low, high, setpoint = first - tolerance, first + tolerance, first
    if match["ra"] is not None and match["rb"] is not None:
        setpoint = first if second is None else None
        low, high = float(match["ra"]), float(match["rb"])
        if low > high:
            return None
    bound: Bound | None = None
    if match["ceil"]:
        bound, low = Bound.CEILING, None
    elif match["floor"] or match["post"]:
        bound, high = Bound.FLOOR, None
    if low is None and high is None:  # pragma: no cover - one side always remains
        return None
    return Mention(
        start=offset + match.start(),
        end=offset + match.end(),
        unit=unit,
        low=low,
        high=high,
        setpoint=setpoint,
        bound=bound,
        leading_plus_minus=match["lead"] is not None,
        text=match.group(0).strip(),
    )


def _single(single: re.Match[str], offset: int, outer: re.Match[str]) -> Mention:
    """Fallback: just the first number and its own unit, keeping a bound word before it."""
    value = float(single["a"])
    bound = Bound.CEILING if outer["ceil"] else Bound.FLOOR if outer["floor"] else None
    start = outer.start() if bound else single.start()
    return Mention(
        start=offset + start,
        end=offset + single.end(),
        unit=_unit_of(single["ua"]),
        low=None if bound is Bound.CEILING else value,
        high=None if bound is Bound.FLOOR else value,
        setpoint=None,
        bound=bound,
        leading_plus_minus=outer["lead"] is not None,
        text=outer.string[start : single.end()].strip(),
    )
