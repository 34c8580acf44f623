"""Binding quantities to fields: the label pass and the order of all passes.

Order matters and follows how the traps bite:
1. drying schedules (a temperature paired with a duration) and storage humidity,
2. speed-banded temperatures ("200-215 C at 50-150 mm/s"),
3. labels, each taking the nearest quantity of its kind (after it, or before it when the
   label ends a clause: "200-230 C nozzle,"),
4. side facts (annealing, post-print drying) for quantities still unclaimed,
5. cautious fallbacks (an unlabeled ≥150 °C value is a nozzle temperature).
A quantity is claimed by at most one field; a quantity in a negative context is claimed and
dropped, so no later pass can pick it up as a guess.
"""

from __future__ import annotations

from functools import lru_cache
import re
import time

from ..errors import ParseBudgetExceeded
from ..sanity import DIAMETERS
from ..values import DryingSchedule, PlateTemp, Range, Requirement, SpeedBand
from .collector import Collector
from .context import Context, context_of, is_device_statement
from .fallbacks import apply_fallbacks, read_side_facts
from .labels import FieldKind, LabelHit
from .lines import Claims, Line, as_range, hours_of, put_bed
from .mentions import Bound, Mention, Unit
from .pairs import read_bands, read_pairs
from .statuses import first_status, negated_before, on_off

FORWARD_REACH = 80

_TEMP_KINDS = frozenset(
    {
        FieldKind.NOZZLE_TEMP,
        FieldKind.BED_TEMP,
        FieldKind.PLATE,
        FieldKind.CHAMBER_TEMP,
        FieldKind.DRYING,
        FieldKind.GLASS_TRANSITION,
        FieldKind.SPOOL_LIMIT,
        FieldKind.ANNEALING,
        FieldKind.BED_THEN_NOZZLE,
        FieldKind.NOZZLE_THEN_BED,
    }
)
_UNITS_BY_KIND: dict[FieldKind, frozenset[Unit]] = {
    FieldKind.PRINT_SPEED: frozenset({Unit.SPEED}),
    FieldKind.VOLUMETRIC_SPEED: frozenset({Unit.VOLUMETRIC}),
    FieldKind.FAN: frozenset({Unit.PERCENT}),
    FieldKind.DRYING_TIME: frozenset({Unit.HOURS, Unit.MINUTES}),
    FieldKind.DENSITY: frozenset({Unit.DENSITY}),
    FieldKind.DIAMETER: frozenset({Unit.LENGTH}),
    FieldKind.NOT_A_SETTING: frozenset(Unit),
}
_BACKWARD_GAP = re.compile(r"[\s,]*(?:(?:for|the|of|as|on|in|a)\s+)*", re.I)
_UNITLESS_GAP = re.compile(
    r"[\s:|=\-'\"\[\]()°C]*(?:(?:is|are|at|of|set\s+to|to|about|around)\s+)*", re.I
)
_CLAUSE_END = re.compile(r"\s*(?:[,;]|\.(?!\d)|$)")


@lru_cache(maxsize=256)
def _accepts(kinds: tuple[FieldKind, ...]) -> frozenset[Unit]:
    units: set[Unit] = set()
    for kind in kinds:
        if kind in _TEMP_KINDS:
            units.add(Unit.TEMP)
        units |= _UNITS_BY_KIND.get(kind, frozenset())
    return frozenset(units)


class Binder:
    """Runs the binding passes over the lines of one text."""

    def __init__(self, lines: list[Line], deadline: float | None = None) -> None:
        """Keep the lines; nothing is claimed yet."""
        self.lines = lines
        self.out = Collector()
        self._claims = Claims()
        self._deadline = deadline

    def run(self) -> Collector:
        """All passes, in order; returns the filled collector."""
        for index, line in enumerate(self.lines):
            self._check_deadline()
            read_pairs(index, line, self._claims, self.out)
            read_bands(index, line, self._claims, self.out)
        for index, line in enumerate(self.lines):
            self._check_deadline()
            for hit in line.labels:
                self._bind_label(index, line, hit)
        for index, line in enumerate(self.lines):
            read_side_facts(index, line, self._claims, self.out)
        apply_fallbacks(self.lines, self._claims, self.out)
        return self.out

    def _check_deadline(self) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise ParseBudgetExceeded("text parse exceeded its time budget")

    def _free(self, index: int, position: int) -> bool:
        return self._claims.free(index, position)

    def _claim(self, index: int, *positions: int) -> None:
        self._claims.claim(index, *positions)

    # -- pass 3: labels ------------------------------------------------------------------
    def _bind_label(self, index: int, line: Line, hit: LabelHit) -> None:
        kinds = hit.kinds
        self._statuses(line, hit)
        units = _accepts(kinds)
        if not units:
            return
        if FieldKind.BED_THEN_NOZZLE in kinds or FieldKind.NOZZLE_THEN_BED in kinds:
            self._combined(index, line, hit)
            return
        found = self._find(index, line, hit, units)
        if found is None:
            if FieldKind.FAN in kinds:
                self.out.put("fan_enabled", on_off(line.text[hit.end :]), line.text)
            return
        position, mention, passed_speed = found
        self._claim(index, position)
        if FieldKind.NOT_A_SETTING in kinds:
            return
        evidence = line.text[min(hit.start, mention.start) : max(hit.end, mention.end)]
        context = context_of(line.text, mention.start, mention.end)
        if mention.unit is Unit.NONE:
            mention = mention.with_unit(Unit.TEMP)
        self._assign(index, line, hit, mention, context, passed_speed, evidence)

    def _assign(
        self,
        index: int,
        line: Line,
        hit: LabelHit,
        mention: Mention,
        context: Context | None,
        passed_speed: int | None,
        evidence: str,
    ) -> None:
        kinds = hit.kinds
        value = as_range(mention)
        out = self.out
        if FieldKind.ANNEALING in kinds or context is Context.ANNEALING:
            out.put_side("annealing_temp", value)
            return
        if FieldKind.GLASS_TRANSITION in kinds:
            out.put("glass_transition_temp", mention.low or mention.high, evidence)
            return
        if FieldKind.SPOOL_LIMIT in kinds:
            if re.search(r"spool", line.text, re.I):
                out.put_side("spool_max_temp", mention.high)
            return
        if FieldKind.DRYING in kinds and is_device_statement(line.text):
            if mention.bound is Bound.CEILING:
                out.put_side("device_max_drying_temp", mention.high)
            return
        if context is not None and mention.unit is Unit.TEMP:
            return
        if value is None:
            return
        if FieldKind.PLATE in kinds and hit.plate is not None:
            out.add_plate(PlateTemp(hit.plate, value), evidence)
        elif FieldKind.NOZZLE_TEMP in kinds:
            self._nozzle(index, line, mention, value, passed_speed, evidence)
        elif FieldKind.BED_TEMP in kinds:
            put_bed(self.out, line, mention, value, evidence)
        elif FieldKind.CHAMBER_TEMP in kinds:
            out.put("chamber_temp", value, evidence)
        elif FieldKind.DRYING in kinds:
            out.add_schedule(DryingSchedule(value), evidence)
        elif FieldKind.PRINT_SPEED in kinds:
            ceiling = hit.is_ceiling and value.is_point
            out.put("print_speed", Range(None, value.high) if ceiling else value, evidence)
        elif FieldKind.VOLUMETRIC_SPEED in kinds:
            out.put("max_volumetric_speed", value.high or value.low, evidence)
        elif FieldKind.FAN in kinds:
            out.put("fan_speed", value, evidence)
        elif FieldKind.DRYING_TIME in kinds:
            out.put("drying_time_h", hours_of(mention), evidence)
        elif FieldKind.DENSITY in kinds:
            out.put("density", value.low, evidence)
        elif FieldKind.DIAMETER in kinds and value.low in DIAMETERS:
            out.put("diameter", value.low, evidence)

    def _nozzle(
        self,
        index: int,
        line: Line,
        mention: Mention,
        value: Range,
        passed_speed: int | None,
        evidence: str,
    ) -> None:
        if passed_speed is not None:
            speed = as_range(line.mentions[passed_speed])
            self._claim(index, passed_speed)
            if speed is not None:
                self.out.add_band(SpeedBand(speed, value), evidence)
            return
        self.out.put("nozzle_temp", value, evidence)
        point = mention.setpoint if mention.setpoint is not None else None
        if point is None and value.is_point:
            point = value.low
        self.out.put("nozzle_temp_recommended", point, evidence)

    def _combined(self, index: int, line: Line, hit: LabelHit) -> None:
        order = (
            ("bed_temp", "nozzle_temp")
            if FieldKind.BED_THEN_NOZZLE in hit.kinds
            else ("nozzle_temp", "bed_temp")
        )
        temps = [
            (position, mention)
            for position, mention in enumerate(line.mentions)
            if mention.start >= hit.end
            and mention.unit is Unit.TEMP
            and self._free(index, position)
        ][:2]
        for name, (position, mention) in zip(order, temps, strict=False):
            self._claim(index, position)
            self.out.put(name, as_range(mention), line.text[hit.start : mention.end])

    def _statuses(self, line: Line, hit: LabelHit) -> None:
        """Requirement words after enclosure, hardened-nozzle, heated-bed and drying labels."""
        kinds = hit.kinds
        window_end = next((m.start for m in line.mentions if m.start >= hit.end), len(line.text))
        window = line.text[hit.end : min(window_end, hit.end + 60)]
        status = first_status(window)
        negated = negated_before(line.text[max(0, hit.start - 20) : hit.start])
        evidence = line.text[hit.start : hit.end + len(window)]
        if FieldKind.ENCLOSURE in kinds:
            if negated:
                status = Requirement.NOT_REQUIRED
            self.out.put("enclosure", status, evidence)
        if FieldKind.HARDENED_NOZZLE in kinds:
            if negated:
                status = Requirement.NOT_REQUIRED
            elif status is None and _names_nozzle_sizes(line):
                status = Requirement.REQUIRED
            self.out.put("hardened_nozzle", status, evidence)
        if FieldKind.DRYING in kinds and status is not None:
            self.out.put("drying_requirement", status, evidence)
        if FieldKind.BED_TEMP in kinds and status is not None:
            required = status in {Requirement.REQUIRED, Requirement.RECOMMENDED}
            if FieldKind.HEATED_BED in kinds or not required:
                self.out.put("heated_bed_required", required, evidence)

    def _find(
        self, index: int, line: Line, hit: LabelHit, units: frozenset[Unit]
    ) -> tuple[int, Mention, int | None] | None:
        """The quantity a label owns: before it when the label ends a clause, else after it."""
        if _CLAUSE_END.match(line.text, hit.end):
            return self._find_before(index, line, hit, units)
        competitors = [
            other.start
            for other in line.labels
            if other.start >= hit.end and _accepts(other.kinds) & units
        ]
        stop = min(competitors, default=len(line.text))
        passed_speed: int | None = None
        for position, mention in enumerate(line.mentions):
            if mention.start < hit.end or not self._free(index, position):
                continue
            if mention.start >= stop or mention.start - hit.end > FORWARD_REACH:
                break
            if mention.unit in units:
                return position, mention, passed_speed
            unitless_temp = mention.unit is Unit.NONE and Unit.TEMP in units
            if unitless_temp and _UNITLESS_GAP.fullmatch(line.text[hit.end : mention.start]):
                return position, mention, passed_speed
            if mention.unit is Unit.SPEED:
                passed_speed = position
        return None

    def _find_before(
        self, index: int, line: Line, hit: LabelHit, units: frozenset[Unit]
    ) -> tuple[int, Mention, int | None] | None:
        for position in range(len(line.mentions) - 1, -1, -1):
            mention = line.mentions[position]
            if mention.end > hit.start:
                continue
            if not _BACKWARD_GAP.fullmatch(line.text[mention.end : hit.start]):
                return None
            if mention.unit in units and self._free(index, position):
                return position, mention, None
            return None
        return None


def _names_nozzle_sizes(line: Line) -> bool:
    """A spec line listing nozzle sizes ("0.6 mm / 0.4 mm … Hardened Steel") names the nozzle."""
    return any(
        m.unit is Unit.LENGTH and m.high is not None and m.high <= 1.0 for m in line.mentions
    )
