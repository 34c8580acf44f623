"""Open Filament Database (MIT) from its published NDJSON export.

The export has one entity per line (``_type`` = brand, material, filament, variant, size,
purchase_link …). Lines are folded into one record per filament as they stream in, so the
multi-megabyte file is never held in memory. Every field is validated; a malformed line is
skipped, not fatal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import json
from typing import Any

from ..materials import canonical_material
from ..provenance import SourceKind
from ..sanity import check_values
from ..values import Range, SpecValues
from ..web.hosts import is_marketplace
from .records import DbRecord, number_field, text_field, url_field

DEFAULT_OFD_URL = "https://api.openfilamentdatabase.org/json/all.ndjson"
MAX_LINKS_PER_FILAMENT = 3


def _range(low: object, high: object, floor: float, ceiling: float) -> Range | None:
    lo, hi = number_field(low, floor, ceiling), number_field(high, floor, ceiling)
    if lo is None and hi is None:
        return None
    if lo is not None and hi is not None and lo > hi:
        return None
    return Range(lo, hi)


def _host(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].lower().removeprefix("www.")


class OfdAccumulator:
    """Folds streamed OFD entities into per-filament records."""

    def __init__(self) -> None:
        """Start empty."""
        self._brands: dict[str, tuple[str, str | None]] = {}
        self._material_dry: dict[str, float] = {}
        self._filaments: list[dict[str, Any]] = []
        self._traits: dict[str, set[str]] = {}
        self._variant_filament: dict[str, str] = {}
        self._size_variant: dict[str, str] = {}
        self._links: dict[str, list[str]] = {}

    def feed_lines(self, lines: Iterable[bytes]) -> None:
        """Consume raw NDJSON lines (CPU-bound: run in a worker thread)."""
        for line in lines:
            try:
                entity = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(entity, dict):
                self.feed(entity)

    def feed(self, entity: Mapping[str, Any]) -> None:
        """Consume one entity."""
        kind, entity_id = entity.get("_type"), text_field(entity.get("id"))
        if entity_id is None:
            return
        if kind == "brand":
            name = text_field(entity.get("name"))
            if name:
                self._brands[entity_id] = (name, url_field(entity.get("website")))
        elif kind == "material":
            dry = number_field(entity.get("default_max_dry_temperature"), 30, 200)
            if dry is not None:
                self._material_dry[entity_id] = dry
        elif kind == "filament":
            self._filaments.append(self._filament_fields(entity_id, entity))
        elif kind == "variant":
            self._variant(entity_id, entity)
        elif kind == "size":
            variant = text_field(entity.get("variant_id"))
            if variant:
                self._size_variant[entity_id] = variant
        elif kind == "purchase_link":
            self._link(entity)

    @staticmethod
    def _filament_fields(entity_id: str, entity: Mapping[str, Any]) -> dict[str, Any]:
        keep = (
            "brand_id",
            "material_id",
            "name",
            "material",
            "density",
            "diameter_tolerance",
            "min_print_temperature",
            "max_print_temperature",
            "min_bed_temperature",
            "max_bed_temperature",
            "min_chamber_temperature",
            "max_chamber_temperature",
            "chamber_temperature",
            "max_dry_temperature",
            "data_sheet_url",
            "discontinued",
        )
        fields: dict[str, Any] = {key: entity.get(key) for key in keep}
        generic = entity.get("slicer_settings")
        if isinstance(generic, Mapping) and isinstance(generic.get("generic"), Mapping):
            fields["generic"] = {
                key: generic["generic"].get(key) for key in ("nozzle_temp", "bed_temp")
            }
        fields["id"] = entity_id
        return fields

    def _variant(self, entity_id: str, entity: Mapping[str, Any]) -> None:
        filament = text_field(entity.get("filament_id"))
        if not filament:
            return
        self._variant_filament[entity_id] = filament
        traits = entity.get("traits")
        if isinstance(traits, Mapping):
            flags = {
                name for name in ("abrasive", "filtration_recommended") if traits.get(name) is True
            }
            if flags:
                self._traits.setdefault(filament, set()).update(flags)

    def _link(self, entity: Mapping[str, Any]) -> None:
        url, size = url_field(entity.get("url")), text_field(entity.get("size_id"))
        if url is None or size is None or is_marketplace(_host(url)):
            return
        filament = self._variant_filament.get(self._size_variant.get(size, ""))
        if filament is None:
            return
        links = self._links.setdefault(filament, [])
        if len(links) < MAX_LINKS_PER_FILAMENT and url not in links:
            links.append(url)

    def records(self) -> list[DbRecord]:
        """One record per filament that has a brand and a name."""
        records: list[DbRecord] = []
        for fields in self._filaments:
            record = self._record(fields)
            if record is not None:
                records.append(record)
        return records

    def _record(self, fields: Mapping[str, Any]) -> DbRecord | None:
        brand = self._brands.get(str(fields.get("brand_id")))
        name = text_field(fields.get("name"))
        if brand is None or name is None or fields.get("discontinued") is True:
            return None
        material = canonical_material(text_field(fields.get("material")) or "")
        generic = fields.get("generic") or {}
        traits = self._traits.get(str(fields["id"]), set())
        chamber = _range(
            fields.get("min_chamber_temperature"), fields.get("max_chamber_temperature"), 0, 200
        )
        if chamber is None:
            point = number_field(fields.get("chamber_temperature"), 0, 200)
            chamber = None if point is None else Range.point(point)
        dry = number_field(fields.get("max_dry_temperature"), 30, 200)
        values = SpecValues(
            nozzle_temp=_range(
                fields.get("min_print_temperature"), fields.get("max_print_temperature"), 100, 500
            ),
            nozzle_temp_recommended=number_field(generic.get("nozzle_temp"), 100, 500),
            bed_temp=_range(
                fields.get("min_bed_temperature"), fields.get("max_bed_temperature"), 0, 200
            ),
            bed_temp_recommended=number_field(generic.get("bed_temp"), 0, 200),
            chamber_temp=chamber,
            max_drying_temp=dry or self._material_dry.get(str(fields.get("material_id"))),
            density=number_field(fields.get("density"), 0.5, 5),
            diameter_tolerance=number_field(fields.get("diameter_tolerance"), 0.001, 0.2),
            abrasive=True if "abrasive" in traits else None,
            filtration_recommended=True if "filtration_recommended" in traits else None,
        )
        links = self._links.get(str(fields["id"]), [])
        website = brand[1]
        own = [url for url in links if website and _host(url).endswith(_host(website))]
        return DbRecord(
            source=SourceKind.OPEN_FILAMENT_DATABASE,
            record_id=str(fields["id"]),
            brand=brand[0],
            product=name,
            material=material,
            values=check_values(values, material).values,
            product_url=next(iter(own or links), None),
            datasheet_url=url_field(fields.get("data_sheet_url")),
        )
