"""User corrections: the most trusted source, never touched by a database refresh.

A correction is keyed by brand and product (case, ™ and punctuation ignored). Correcting one
field keeps the fields corrected earlier for the same product.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
import logging
from typing import Any, Protocol

from .errors import InvalidSpecInput
from .matching import entry_key
from .serialize import values_from_json, values_to_json
from .storage import JsonDirectory
from .values import SpecValues

_LOGGER = logging.getLogger(__name__)
CORRECTIONS_FILE = "corrections.json"
CORRECTIONS_FORMAT = 1
MAX_NOTE_CHARS = 500
MAX_NAME_CHARS = 120


@dataclass(frozen=True, slots=True)
class Correction:
    """Settings a user stated for one product."""

    brand: str
    product: str
    material: str | None
    values: SpecValues
    updated_at: datetime
    note: str | None = None

    def __post_init__(self) -> None:
        """Names must be present and short; notes are bounded."""
        for label, name in (("brand", self.brand), ("product", self.product)):
            if not name.strip() or len(name) > MAX_NAME_CHARS:
                raise InvalidSpecInput(f"{label} must be 1-{MAX_NAME_CHARS} characters")
        if self.note is not None and len(self.note) > MAX_NOTE_CHARS:
            object.__setattr__(self, "note", self.note[:MAX_NOTE_CHARS])

    @property
    def key(self) -> str:
        """Lookup key (normalised brand and product)."""
        return entry_key(self.brand, self.product)

    def as_dict(self) -> dict[str, Any]:
        """JSON form (also the storage form)."""
        return {
            "brand": self.brand,
            "product": self.product,
            "material": self.material,
            "values": values_to_json(self.values),
            "updated_at": self.updated_at.isoformat(),
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Correction:
        """Read the storage form; raises ``InvalidSpecInput`` when malformed."""
        try:
            updated = datetime.fromisoformat(str(data["updated_at"]))
            brand, product = data["brand"], data["product"]
        except (KeyError, ValueError) as err:
            raise InvalidSpecInput("stored correction is malformed") from err
        material, note = data.get("material"), data.get("note")
        if not (isinstance(brand, str) and isinstance(product, str)):
            raise InvalidSpecInput("stored correction names are not text")
        return cls(
            brand=brand,
            product=product,
            material=material if isinstance(material, str) else None,
            values=values_from_json(data.get("values", {})),
            updated_at=updated,
            note=note if isinstance(note, str) else None,
        )


class CorrectionStore(Protocol):
    """Where corrections live; the library ships a JSON-file implementation."""

    async def get(self, key: str) -> Correction | None:
        """The correction stored under a key from ``entry_key``."""

    async def put(self, correction: Correction) -> Correction:
        """Store (merging with an earlier correction of the same product); returns the result."""

    async def delete(self, key: str) -> bool:
        """Remove a correction; True when one existed."""

    async def all(self) -> tuple[Correction, ...]:
        """Every stored correction."""


class JsonCorrectionStore:
    """Corrections in ``corrections.json`` under the caller's directory."""

    def __init__(self, storage: JsonDirectory) -> None:
        """Nothing is read until first use."""
        self._storage = storage
        self._lock = asyncio.Lock()
        self._items: dict[str, Correction] | None = None

    async def get(self, key: str) -> Correction | None:
        """The correction stored under a key from ``entry_key``."""
        return (await self._load()).get(key)

    async def put(self, correction: Correction) -> Correction:
        """Store, keeping fields of an earlier correction that this one does not restate."""
        async with self._lock:
            items = await self._load_locked()
            earlier = items.get(correction.key)
            if earlier is not None:
                correction = Correction(
                    brand=correction.brand,
                    product=correction.product,
                    material=correction.material or earlier.material,
                    values=correction.values.filled_from(earlier.values),
                    updated_at=correction.updated_at,
                    note=correction.note or earlier.note,
                )
            updated = {**items, correction.key: correction}
            await self._save(updated)
            self._items = updated
            return correction

    async def delete(self, key: str) -> bool:
        """Remove a correction; True when one existed."""
        async with self._lock:
            items = await self._load_locked()
            if key not in items:
                return False
            remaining = {k: v for k, v in items.items() if k != key}
            await self._save(remaining)
            self._items = remaining
            return True

    async def all(self) -> tuple[Correction, ...]:
        """Every stored correction."""
        return tuple((await self._load()).values())

    async def _load(self) -> dict[str, Correction]:
        async with self._lock:
            return await self._load_locked()

    async def _load_locked(self) -> dict[str, Correction]:
        if self._items is None:
            data = await self._storage.read(CORRECTIONS_FILE)
            self._items = await asyncio.to_thread(self._parse, data)
        return self._items

    def _parse(self, data: Any) -> dict[str, Correction]:
        if data is None:
            return {}
        try:
            if not isinstance(data, dict) or data.get("format") != CORRECTIONS_FORMAT:
                raise InvalidSpecInput("unknown corrections format")
            entries = data.get("corrections")
            if not isinstance(entries, list):
                raise InvalidSpecInput("corrections list missing")
            parsed = [Correction.from_dict(entry) for entry in entries if isinstance(entry, dict)]
        except InvalidSpecInput as err:
            _LOGGER.warning("corrections file unreadable (%s); kept aside as .corrupt", err)
            self._storage.quarantine_sync(CORRECTIONS_FILE)
            return {}
        return {correction.key: correction for correction in parsed}

    async def _save(self, items: Mapping[str, Correction]) -> None:
        await self._storage.write(
            CORRECTIONS_FILE,
            {
                "format": CORRECTIONS_FORMAT,
                "corrections": [item.as_dict() for item in items.values()],
            },
        )
