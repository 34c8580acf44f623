"""The request and answer types of a lookup (the answer is JSON-serialisable)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import InvalidSpecInput
from .matching import Candidate
from .provenance import SourceKind
from .spec import FilamentSpec
from .tray import TrayData

MAX_QUERY_CHARS = 120
MAX_URL_CHARS = 2000


def _clean(text: str | None, limit: int, name: str) -> str | None:
    if text is None:
        return None
    stripped = " ".join(text.split())
    if len(stripped) > limit:
        raise InvalidSpecInput(f"{name} is longer than {limit} characters")
    return stripped or None


@dataclass(frozen=True, slots=True)
class FilamentQuery:
    """What to look up: names (free text is fine), and optionally the tray or a page address."""

    brand: str | None = None
    product: str | None = None
    material: str | None = None
    url: str | None = None
    """A manufacturer product page or datasheet the user points at."""
    tray: TrayData | None = None

    def __post_init__(self) -> None:
        """Trim and bound every text; at least one way to identify the filament is needed."""
        object.__setattr__(self, "brand", _clean(self.brand, MAX_QUERY_CHARS, "brand"))
        object.__setattr__(self, "product", _clean(self.product, MAX_QUERY_CHARS, "product"))
        object.__setattr__(self, "material", _clean(self.material, 40, "material"))
        object.__setattr__(self, "url", _clean(self.url, MAX_URL_CHARS, "url"))
        if not (self.brand or self.product or self.material or self.url or self.tray):
            raise InvalidSpecInput("a lookup needs a brand, product, material, URL or tray")

    @classmethod
    def from_text(cls, text: str) -> FilamentQuery:
        """Free text such as "Polymaker PolyTerra PLA"."""
        return cls(product=text)

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "brand": self.brand,
            "product": self.product,
            "material": self.material,
            "url": self.url,
            "tray_info_idx": self.tray.tray_info_idx if self.tray else None,
        }


class LookupStatus(StrEnum):
    """Whether the filament was identified."""

    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class SourceAttempt:
    """One source consulted during a lookup and what came of it."""

    source: SourceKind
    outcome: str

    def as_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"source": self.source.value, "outcome": self.outcome}


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The answer: a spec (when anything is known), the match and the alternatives.

    With status AMBIGUOUS or NOT_FOUND the spec, if present, holds only values that do not
    depend on knowing the product (user corrections, tray data, material defaults).
    """

    status: LookupStatus
    query: FilamentQuery
    spec: FilamentSpec | None
    match: Candidate | None
    candidates: tuple[Candidate, ...]
    attempts: tuple[SourceAttempt, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON form, suitable as a Home Assistant service response."""
        return {
            "status": self.status.value,
            "query": self.query.as_dict(),
            "match": None if self.match is None else self.match.as_dict(),
            "candidates": [candidate.as_dict() for candidate in self.candidates],
            "spec": None if self.spec is None else self.spec.as_dict(),
            "sources_consulted": [attempt.as_dict() for attempt in self.attempts],
        }
