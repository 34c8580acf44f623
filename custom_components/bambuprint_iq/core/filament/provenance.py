"""Where a value came from, so a user can judge it and correct it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    """Every kind of source, listed in the order the lookup trusts them."""

    USER = "user_correction"
    RFID = "bambu_rfid"
    OPEN_FILAMENT_DATABASE = "open_filament_database"
    SPOOLMANDB = "spoolmandb"
    MANUFACTURER_STRUCTURED = "manufacturer_structured_data"
    MANUFACTURER_HTML = "manufacturer_html"
    MANUFACTURER_DATASHEET = "manufacturer_datasheet"
    LLM = "llm_extraction"
    PRINTER_PRESET = "printer_preset"
    MATERIAL_DEFAULT = "material_default"


SOURCE_PRIORITY: tuple[SourceKind, ...] = tuple(SourceKind)
"""Lower index wins when two sources state the same field."""

DEFAULT_CONFIDENCE: dict[SourceKind, float] = {
    SourceKind.USER: 1.0,
    SourceKind.RFID: 0.95,
    SourceKind.OPEN_FILAMENT_DATABASE: 0.8,
    SourceKind.SPOOLMANDB: 0.7,
    SourceKind.MANUFACTURER_STRUCTURED: 0.85,
    SourceKind.MANUFACTURER_HTML: 0.75,
    SourceKind.MANUFACTURER_DATASHEET: 0.85,
    SourceKind.LLM: 0.5,
    SourceKind.PRINTER_PRESET: 0.4,
    SourceKind.MATERIAL_DEFAULT: 0.25,
}
"""Defaults per source; material defaults are deliberately low."""

EVIDENCE_MAX_CHARS = 160


@dataclass(frozen=True, slots=True)
class Provenance:
    """Source, address, retrieval time and confidence of one value."""

    source: SourceKind
    retrieved_at: datetime
    confidence: float
    url: str | None = None
    evidence: str | None = None
    """The raw text span the value was read from, when it came from text."""

    def __post_init__(self) -> None:
        """Keep confidence in [0, 1] and evidence short."""
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError("confidence must be between 0 and 1")
        if self.evidence is not None and len(self.evidence) > EVIDENCE_MAX_CHARS:
            object.__setattr__(self, "evidence", self.evidence[:EVIDENCE_MAX_CHARS])

    @property
    def priority(self) -> int:
        """Position in the trust order (0 = most trusted)."""
        return SOURCE_PRIORITY.index(self.source)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "source": self.source.value,
            "url": self.url,
            "retrieved_at": self.retrieved_at.isoformat(),
            "confidence": round(self.confidence, 2),
            "evidence": self.evidence,
        }
