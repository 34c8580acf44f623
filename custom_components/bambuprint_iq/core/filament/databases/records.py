"""One filament product as an open database describes it, in a compact cacheable form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidSpecInput
from ..provenance import SourceKind
from ..serialize import values_from_json, values_to_json
from ..values import SpecValues


@dataclass(frozen=True, slots=True)
class DbRecord:
    """A product line (colours collapsed) with the settings the database states for it."""

    source: SourceKind
    record_id: str
    brand: str
    product: str
    material: str | None
    values: SpecValues
    product_url: str | None = None
    datasheet_url: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Compact JSON for the on-disk cache."""
        return {
            "id": self.record_id,
            "brand": self.brand,
            "product": self.product,
            "material": self.material,
            "values": values_to_json(self.values),
            "product_url": self.product_url,
            "datasheet_url": self.datasheet_url,
        }

    @classmethod
    def from_json(cls, source: SourceKind, data: object) -> DbRecord:
        """Read one cached record; raises ``InvalidSpecInput`` when it is malformed."""
        if not isinstance(data, Mapping):
            raise InvalidSpecInput("cached record is not an object")
        record_id, brand, product = data.get("id"), data.get("brand"), data.get("product")
        if not (isinstance(record_id, str) and isinstance(brand, str) and isinstance(product, str)):
            raise InvalidSpecInput("cached record lacks id, brand or product")
        material, product_url, datasheet_url = (
            data.get("material"),
            data.get("product_url"),
            data.get("datasheet_url"),
        )
        for optional in (material, product_url, datasheet_url):
            if optional is not None and not isinstance(optional, str):
                raise InvalidSpecInput("cached record has a non-text field")
        return cls(
            source=source,
            record_id=record_id,
            brand=brand,
            product=product,
            material=material if isinstance(material, str) else None,
            values=values_from_json(data.get("values", {})),
            product_url=product_url if isinstance(product_url, str) else None,
            datasheet_url=datasheet_url if isinstance(datasheet_url, str) else None,
        )


def text_field(raw: object, limit: int = 200) -> str | None:
    """A trimmed, bounded string from untrusted JSON, or None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    return text[:limit] or None


def number_field(raw: object, low: float, high: float) -> float | None:
    """A number from untrusted JSON inside [low, high], or None."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    value = float(raw)
    return value if low <= value <= high else None


def url_field(raw: object) -> str | None:
    """An http(s) URL from untrusted JSON, or None."""
    text = text_field(raw, 2000)
    if text is None or not text.startswith(("http://", "https://")):
        return None
    return text
