"""Comparison tables: one row per material ("PLA 180-220 °C 50-60 °C", "PVA | 50 °C | 2-4h").

Rows are read with their own labels when they have them ("PLA: nozzle 210-225 C"), else by
column position under the header. Cells flattened without separators ("ABS200 - 250 °C90 -
100 °C") still split cleanly because each quantity carries its unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import re

from ..materials import MATERIAL_PATTERN
from ..values import Range, Requirement
from .bind import Binder
from .collector import Collector, range_of
from .labels import FieldKind, find_labels
from .lines import Line
from .mentions import Mention, Unit, lex_mentions
from .statuses import first_status

_ROW = re.compile(rf"\s*(?P<material>{MATERIAL_PATTERN})(?![A-Za-z])\s*:?", re.I)
_SEPARATOR = re.compile(r"[\s|:+-]*")
_GENERIC = re.compile(
    r"(?P<material>filament\s+type|material|variant|type|filament)|(?P<temp>temp(?:erature)?s?"
    r"(?:\s+range)?)|(?P<time>time|duration)",
    re.I,
)
_STATUS_ITEM = re.compile(r"not\s+required|not\s+needed|optional|required|none|n/a|\?", re.I)


class Column(StrEnum):
    """What one table column holds."""

    MATERIAL = "material"
    NOZZLE = "nozzle"
    BED = "bed"
    CHAMBER = "chamber"
    DRYING_TEMP = "drying_temp"
    TIME = "time"
    GENERIC_TEMP = "temperature"
    OTHER = "other"


_COLUMN_BY_KIND = {
    FieldKind.NOZZLE_TEMP: Column.NOZZLE,
    FieldKind.BED_TEMP: Column.BED,
    FieldKind.CHAMBER_TEMP: Column.CHAMBER,
    FieldKind.DRYING: Column.DRYING_TEMP,
    FieldKind.DRYING_TIME: Column.TIME,
}


@dataclass(frozen=True, slots=True)
class Table:
    """Where a table sits in the text and what its columns mean."""

    header: int | None
    rows: tuple[int, ...]
    columns: tuple[Column, ...]

    @property
    def line_numbers(self) -> frozenset[int]:
        """Lines that belong to the table (header and rows)."""
        lines = set(self.rows)
        if self.header is not None:
            lines.add(self.header)
        return frozenset(lines)


def find_table(lines: list[str]) -> Table | None:
    """A table of at least two material rows, with its header when one sits above it."""
    rows = tuple(index for index, line in enumerate(lines) if _ROW.match(line))
    if len(rows) < 2:
        return None
    header: int | None = None
    columns: tuple[Column, ...] = ()
    for index in range(rows[0] - 1, max(-1, rows[0] - 4), -1):
        if _SEPARATOR.fullmatch(lines[index]):
            continue
        found = _columns(lines[index])
        if len(found) >= 2:
            header, columns = index, _resolve_generic(found)
        break
    return Table(header, rows, columns)


def _columns(header: str) -> tuple[Column, ...]:
    if "|" in header:
        cells = [cell.strip() for cell in header.strip().strip("|").split("|")]
        return tuple(_column_of(cell) for cell in cells)
    found: list[tuple[int, Column]] = []
    labels = find_labels(header)
    for hit in labels:
        found.append((hit.start, _COLUMN_BY_KIND.get(hit.kinds[0], Column.OTHER)))
    for match in _GENERIC.finditer(header):
        if any(hit.start < match.end() and match.start() < hit.end for hit in labels):
            continue
        found.append((match.start(), _generic_column(match)))
    return tuple(column for _, column in sorted(found))


def _column_of(cell: str) -> Column:
    labels = find_labels(cell)
    if labels:
        return _COLUMN_BY_KIND.get(labels[0].kinds[0], Column.OTHER)
    match = _GENERIC.search(cell)
    return _generic_column(match) if match else Column.OTHER


def _generic_column(match: re.Match[str]) -> Column:
    if match["material"]:
        return Column.MATERIAL
    if match["temp"]:
        return Column.GENERIC_TEMP
    return Column.TIME


def _resolve_generic(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """A bare "Temperature" column is the drying temperature in a table that has a time
    column, the nozzle temperature when no column names the nozzle, else unknown."""
    if Column.TIME in columns:
        target = Column.DRYING_TEMP
    elif Column.NOZZLE not in columns:
        target = Column.NOZZLE
    else:
        target = Column.OTHER
    return tuple(target if column is Column.GENERIC_TEMP else column for column in columns)


def read_row(line: str, table: Table) -> tuple[str, Collector] | None:
    """The material as written and the values of one row."""
    match = _ROW.match(line)
    if match is None:  # pragma: no cover - rows were selected by this pattern
        return None
    key = match["material"].strip()
    rest = line[match.end() :]
    if find_labels(rest) or not table.columns:
        return key, Binder([Line.of(line)]).run()
    return key, _positional(rest, table.columns)


def _positional(rest: str, columns: tuple[Column, ...]) -> Collector:
    value_columns = [column for column in columns if column is not Column.MATERIAL]
    cells: list[str | Mention]
    if "|" in rest:
        cells = [cell.strip() for cell in rest.strip().strip("|").split("|")]
    else:
        cells = _items(rest)
    out = Collector()
    for column, cell in zip(value_columns, cells, strict=False):
        _fill(out, column, cell)
    return out


def _items(rest: str) -> list[str | Mention]:
    """Quantities with units and status words, in reading order."""
    items: list[tuple[int, str | Mention]] = [
        (mention.start, mention) for mention in lex_mentions(rest) if mention.has_unit
    ]
    for match in _STATUS_ITEM.finditer(rest):
        if not any(m.start <= match.start() < m.end for _, m in items if isinstance(m, Mention)):
            items.append((match.start(), match[0]))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _fill(out: Collector, column: Column, cell: str | Mention) -> None:
    if isinstance(cell, str):
        mentions = [m for m in lex_mentions(cell) if m.has_unit]
        if not mentions:
            status = first_status(cell)
            if column is Column.BED and status in {Requirement.NOT_REQUIRED, Requirement.OPTIONAL}:
                out.put("heated_bed_required", False, cell)
            return
        cell = mentions[0]
    value = _range(cell)
    if value is None:
        return
    if cell.unit is Unit.TEMP:
        name = {
            Column.NOZZLE: "nozzle_temp",
            Column.BED: "bed_temp",
            Column.CHAMBER: "chamber_temp",
            Column.DRYING_TEMP: "drying_temp",
        }.get(column)
        if name is not None:
            out.put(name, value, cell.text)
    elif cell.unit in {Unit.HOURS, Unit.MINUTES} and column is Column.TIME:
        out.put("drying_time_h", value, cell.text)


def _range(mention: Mention) -> Range | None:
    if mention.degenerate:
        return None
    return range_of(mention.low, mention.high)
