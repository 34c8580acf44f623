"""What the text parser returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..materials import canonical_material
from ..values import Range, SpecValues


@dataclass(frozen=True, slots=True)
class SideFacts:
    """Numbers the parser recognised but deliberately kept out of the settings.

    Kept so callers can use them where they matter (a spool's heat limit caps the drying
    temperature an AMS may use) and so tests can check they were classified, not lost.
    """

    annealing_temp: Range | None = None
    post_print_temp: Range | None = None
    device_max_drying_temp: float | None = None
    spool_max_temp: float | None = None
    storage_rh_max: float | None = None


@dataclass(frozen=True, slots=True)
class ParsedText:
    """Settings read from one text, plus per-material rows when the text is a table."""

    values: SpecValues
    side_facts: SideFacts = field(default_factory=SideFacts)
    rows: Mapping[str, SpecValues] = field(default_factory=lambda: MappingProxyType({}))
    """Per-material rows of a comparison table, keyed by the material as written."""
    material: str | None = None
    """The one material the text names, if it names exactly one."""
    evidence: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """The text span each setting was read from."""
    rejected: tuple[str, ...] = ()
    """Fields that were read but failed the sanity checks."""

    def values_for(self, material: str | None) -> SpecValues:
        """Settings for one material: its table row when there is one, else the main values."""
        if material is not None:
            for written, row in self.rows.items():
                if canonical_material(written) == material:
                    return row
        return self.values
