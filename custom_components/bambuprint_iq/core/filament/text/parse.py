"""Entry points of the text parser.

``parse_spec_text`` is pure, synchronous and CPU-bound: callers on an event loop run it in
an executor (``asyncio.to_thread``). Its input is capped and it stops at a time budget, so a
hostile page costs bounded time.
"""

from __future__ import annotations

from dataclasses import replace
import time
from types import MappingProxyType

from ..materials import canonical_material, is_fibre_filled, single_material
from ..sanity import check_values, with_derived_ranges
from ..values import Range, SpecValues
from .bind import Binder
from .collector import range_of
from .lines import Line
from .mentions import Unit, lex_mentions
from .normalise import normalise_text
from .result import ParsedText
from .tables import find_table, read_row

DEFAULT_TIME_BUDGET_S = 2.0


def parse_spec_text(
    text: str, *, title: str | None = None, time_budget_s: float = DEFAULT_TIME_BUDGET_S
) -> ParsedText:
    """Read filament settings from free text; fields it cannot read safely stay empty.

    ``title`` (a page title or product name) tells the material for the sanity checks and
    whether the filament is fibre-filled. Raises ``ParseBudgetExceeded`` when the time
    budget runs out.
    """
    deadline = time.monotonic() + time_budget_s
    lines = normalise_text(text).split("\n")
    table = find_table(lines)
    table_lines = table.line_numbers if table else frozenset()
    body = [Line.of(line) for index, line in enumerate(lines) if index not in table_lines]
    collector = Binder(body, deadline).run()
    material = single_material(title)
    values = with_derived_ranges(collector.values())
    if title and is_fibre_filled(title) and values.abrasive is None:
        values = replace(values, abrasive=True)
    checked = check_values(values, material)
    rows: dict[str, SpecValues] = {}
    if table is not None:
        for index in table.rows:
            read = read_row(lines[index], table)
            if read is None:  # pragma: no cover - rows were selected by the same pattern
                continue
            key, row = read
            row_values = with_derived_ranges(row.values())
            rows.setdefault(key, check_values(row_values, canonical_material(key)).values)
    evidence = {
        name: span
        for name, span in collector.evidence().items()
        if name in checked.values.present_fields()
    }
    return ParsedText(
        values=checked.values,
        side_facts=collector.side_facts(),
        rows=MappingProxyType(rows),
        material=single_material("\n".join(lines)),
        evidence=MappingProxyType(evidence),
        rejected=checked.rejected,
    )


def find_temperature_ranges(text: str) -> list[Range]:
    """Every temperature quantity in a text, in order (ranges and single values)."""
    found: list[Range] = []
    for line in normalise_text(text).split("\n"):
        for mention in lex_mentions(line):
            value = range_of(mention.low, mention.high)
            if mention.unit is Unit.TEMP and value is not None:
                found.append(value)
    return found
