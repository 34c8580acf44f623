"""The unit the binding passes work on: a lexed line, plus the bookkeeping they share."""

from __future__ import annotations

from dataclasses import dataclass, field
import re

from ..values import Range
from .collector import Collector, range_of
from .labels import LabelHit, find_labels
from .mentions import Mention, Unit, lex_mentions

_OPTIONAL_AFTER = re.compile(r"\s*\(?\s*optional", re.I)


@dataclass(frozen=True, slots=True)
class Line:
    """One normalised line with its quantities and labels (offsets relative to the line)."""

    text: str
    mentions: tuple[Mention, ...]
    labels: tuple[LabelHit, ...]

    @classmethod
    def of(cls, text: str) -> Line:
        """Lex one line."""
        return cls(text, tuple(lex_mentions(text)), tuple(find_labels(text)))


@dataclass(slots=True)
class Claims:
    """Which quantities (line index, position) a field already owns."""

    taken: set[tuple[int, int]] = field(default_factory=set)

    def free(self, index: int, position: int) -> bool:
        """True while no field owns the quantity."""
        return (index, position) not in self.taken

    def claim(self, index: int, *positions: int) -> None:
        """Mark quantities as owned."""
        for position in positions:
            self.taken.add((index, position))


def as_range(mention: Mention) -> Range | None:
    """The mention as a range; a degenerate written range ("225-225") gives None."""
    if mention.degenerate:
        return None
    return range_of(mention.low, mention.high)


def hours_of(mention: Mention) -> Range | None:
    """A duration in hours (minutes converted)."""
    scale = 1 / 60 if mention.unit is Unit.MINUTES else 1.0
    return range_of(
        None if mention.low is None else mention.low * scale,
        None if mention.high is None else mention.high * scale,
    )


def put_bed(out: Collector, line: Line, mention: Mention, value: Range, evidence: str) -> None:
    """Bed range and setpoint; "(optional)" right after the value means no heated bed needed."""
    out.put("bed_temp", value, evidence)
    point = mention.setpoint
    if point is None and value.is_point:
        point = value.low
    out.put("bed_temp_recommended", point, evidence)
    if _OPTIONAL_AFTER.match(line.text, mention.end):
        out.put("heated_bed_required", False, evidence)
