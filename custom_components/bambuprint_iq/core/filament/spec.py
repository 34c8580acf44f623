"""The merged filament spec: one value per field, each with its own provenance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from .provenance import Provenance
from .values import SpecValues, value_as_json


@dataclass(frozen=True, slots=True)
class SourcedValues:
    """What one source said, plus where and when it said it."""

    values: SpecValues
    provenance: Provenance
    evidence: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Raw text span per field name, when the values were read from text."""


@dataclass(frozen=True, slots=True)
class FilamentSpec:
    """Recommended settings for one filament, merged field by field from trusted sources."""

    brand: str | None
    product: str | None
    material: str | None
    values: SpecValues
    provenance: Mapping[str, Provenance]

    def source_of(self, field_name: str) -> Provenance | None:
        """Provenance of one field, or None when no source stated it."""
        return self.provenance.get(field_name)

    def as_dict(self) -> dict[str, Any]:
        """JSON form: each stated field as ``{"value": .., "source": .., "url": .., ...}``."""
        settings: dict[str, Any] = {}
        for name in self.values.present_fields():
            entry: dict[str, Any] = {"value": value_as_json(getattr(self.values, name))}
            source = self.provenance.get(name)
            if source is not None:
                entry.update(source.as_dict())
            settings[name] = entry
        return {
            "brand": self.brand,
            "product": self.product,
            "material": self.material,
            "settings": settings,
        }


def merge_sources(
    sources: Iterable[SourcedValues],
    *,
    brand: str | None,
    product: str | None,
    material: str | None,
) -> FilamentSpec:
    """Take each field from the most trusted source that states it.

    Sources are ordered by their kind's priority; among sources of the same kind, the
    caller's order decides. Values are never blended across sources, so every field keeps
    one clear origin.
    """
    ordered = sorted(enumerate(sources), key=lambda item: (item[1].provenance.priority, item[0]))
    merged = SpecValues()
    provenance: dict[str, Provenance] = {}
    for _, source in ordered:
        for name in source.values.present_fields():
            if name in provenance:
                continue
            merged = replace(merged, **{name: getattr(source.values, name)})
            evidence = source.evidence.get(name)
            provenance[name] = (
                replace(source.provenance, evidence=evidence)
                if evidence is not None
                else source.provenance
            )
    return FilamentSpec(
        brand=brand,
        product=product,
        material=material,
        values=merged,
        provenance=MappingProxyType(provenance),
    )
