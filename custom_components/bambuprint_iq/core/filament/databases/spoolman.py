"""SpoolmanDB (MIT) from its published ``filaments.json``.

The compiled file has one row per colour x weight x diameter, so product lines are
recovered by collapsing rows that share maker, material and settings, and naming the group by
the words all its colour names share ("PLA Basic Red", "PLA Basic Blue" → "PLA Basic").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
import re
from typing import Any

from ..materials import canonical_material
from ..provenance import SourceKind
from ..sanity import check_values
from ..values import Range, SpecValues
from .records import DbRecord, number_field, text_field, url_field

DEFAULT_SPOOLMANDB_URL = "https://donkie.github.io/SpoolmanDB/filaments.json"
MAX_ROWS = 100_000

COLOUR_WORDS = frozenset(
    [
        "black",
        "white",
        "grey",
        "gray",
        "red",
        "blue",
        "green",
        "yellow",
        "orange",
        "purple",
        "pink",
        "brown",
        "beige",
        "silver",
        "gold",
        "natural",
        "clear",
        "transparent",
        "dark",
        "light",
    ]
)
"""A lone row named only with these words is a colour, not a product name."""

_Signature = tuple[str, str, Any, Any, Any, Any, Any, str | None]


def _temps(
    row: Mapping[str, Any], single: str, pair: str, low: float, high: float
) -> tuple[Range | None, float | None]:
    point = number_field(row.get(single), low, high)
    raw = row.get(pair)
    bounds: Range | None = None
    if isinstance(raw, list) and len(raw) == 2:
        lo, hi = number_field(raw[0], low, high), number_field(raw[1], low, high)
        if lo is not None and hi is not None and lo <= hi:
            bounds = Range(lo, hi)
    if bounds is None and point is not None:
        bounds = Range.point(point)
    return bounds, point


def _product_names(names: list[str]) -> dict[str, str]:
    """Map each colour row name to the words it shares with its siblings ("" when none).

    Rows are "<product> <colour>" or "<colour> <product>". A leading run of words counts as
    the product when at least three rows (two in a pair) share it, so a colour family such
    as "Blue Grey" / "Blue Green" does not become a product. A lone row keeps its name.
    """
    if len(names) == 1:
        only = names[0]
        return {only: "" if set(only.lower().split()) <= COLOUR_WORDS else only}
    tokens = {name: name.split() for name in names}
    needed = min(3, len(names))
    counts = Counter(
        tuple(words[:length]) for words in tokens.values() for length in range(1, len(words))
    )
    result: dict[str, str] = {}
    for name, words in tokens.items():
        shared = next(
            (
                words[:length]
                for length in range(len(words) - 1, 0, -1)
                if counts[tuple(words[:length])] >= needed
            ),
            [],
        )
        result[name] = " ".join(shared)
    if not any(result.values()):
        suffix = min(_common_suffix(tokens[names[0]], tokens[other]) for other in names[1:])
        shared_suffix = " ".join(tokens[names[0]][-suffix:]) if suffix else ""
        result = dict.fromkeys(names, shared_suffix)
    return result


def _with_material(shared: str, written_material: str) -> str:
    """ "Silk" + PLA → "Silk PLA"; "" + PLA → "PLA"; names already naming it stay."""
    if not shared:
        return written_material
    if written_material.lower() in shared.lower():
        return shared
    return f"{shared} {written_material}"


def _common_prefix(left: list[str], right: list[str]) -> int:
    count = 0
    for a, b in zip(left, right, strict=False):
        if a != b:
            break
        count += 1
    return count


def _common_suffix(left: list[str], right: list[str]) -> int:
    return _common_prefix(left[::-1], right[::-1])


def parse_spoolmandb(rows: object) -> list[DbRecord]:
    """Records from the compiled file (CPU-bound: run in a worker thread)."""
    if not isinstance(rows, list):
        return []
    groups: dict[_Signature, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows[:MAX_ROWS]:
        if not isinstance(row, Mapping):
            continue
        maker, name = text_field(row.get("manufacturer")), text_field(row.get("name"))
        material = text_field(row.get("material"), 40)
        if not (maker and name and material):
            continue
        signature: _Signature = (
            maker,
            material,
            row.get("density"),
            row.get("extruder_temp"),
            repr(row.get("extruder_temp_range")),
            row.get("bed_temp"),
            repr(row.get("bed_temp_range")),
            url_field(row.get("tds_url")),
        )
        groups[signature].append(row)
    # The same product name can come out of two groups (one maker's plain colours in two
    # settings variants); the group with more rows is the main line and wins.
    best: dict[tuple[str, str], tuple[int, DbRecord]] = {}
    for signature, members in groups.items():
        for record in _group_records(signature, members):
            key = (record.brand.lower(), record.product.lower())
            if key not in best or best[key][0] < len(members):
                best[key] = (len(members), record)
    return [record for _, record in best.values()]


def _group_records(signature: _Signature, rows: list[Mapping[str, Any]]) -> Iterable[DbRecord]:
    maker, written_material = signature[0], signature[1]
    material = canonical_material(written_material) or canonical_material(
        re.split(r"[\s/]", written_material)[0]
    )
    first = rows[0]
    nozzle, nozzle_point = _temps(first, "extruder_temp", "extruder_temp_range", 100, 500)
    bed, bed_point = _temps(first, "bed_temp", "bed_temp_range", 0, 200)
    diameters = {number_field(row.get("diameter"), 1, 3.5) for row in rows}
    values = SpecValues(
        nozzle_temp=nozzle,
        nozzle_temp_recommended=nozzle_point,
        bed_temp=bed,
        bed_temp_recommended=bed_point,
        density=number_field(first.get("density"), 0.5, 5),
        diameter=diameters.pop() if len(diameters) == 1 else None,
    )
    checked = check_values(values, material).values
    names = sorted({text_field(row.get("name")) or "" for row in rows} - {""})
    products = sorted(
        {_with_material(shared, written_material) for shared in _product_names(names).values()}
    )
    for product in products:
        key = re.sub(r"\W+", "_", f"{maker}_{written_material}_{product}".lower()).strip("_")
        yield DbRecord(
            source=SourceKind.SPOOLMANDB,
            record_id=key,
            brand=maker,
            product=product,
            material=material,
            values=checked,
            datasheet_url=signature[7],
        )
