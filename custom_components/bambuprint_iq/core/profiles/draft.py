"""A preset under construction: the system preset's values plus a log of every change."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .catalog import SystemPreset
from .results import ChangeOrigin, ValueChange
from .values import PresetValue, as_vector, parse_number


class PresetDraft:
    """Working copy for one generation; never shared, discarded after the document is built."""

    def __init__(self, system: SystemPreset) -> None:
        self.system = system
        self._values: dict[str, PresetValue] = dict(system.values)
        self._changes: list[ValueChange] = []

    @property
    def variant_count(self) -> int:
        """Number of ``filament_extruder_variant`` slots of the base preset."""
        return len(self.system.variants)

    def get(self, key: str) -> PresetValue:
        """Current value (KeyError for keys the system preset lacks)."""
        return self._values[key]

    def vector(self, key: str) -> tuple[str, ...]:
        """Current value as a vector."""
        return as_vector(self._values[key])

    def first_number(self, key: str) -> float | None:
        """First slot as a number; None for "nil"."""
        return parse_number(self.vector(key)[0])

    def numbers(self, key: str) -> tuple[float, ...]:
        """All non-nil slots as numbers."""
        parsed = (parse_number(item) for item in self.vector(key))
        return tuple(number for number in parsed if number is not None)

    def set(
        self,
        key: str,
        value: PresetValue,
        *,
        reason: str,
        origin: ChangeOrigin,
        source_defect: str | None = None,
        clamped: bool = False,
    ) -> None:
        """Replace a value and log the change (no entry when nothing changes)."""
        before = self._values.get(key, ())
        if before == value:
            return
        self._values[key] = value
        self._changes.append(
            ValueChange(key, before, value, reason, origin, source_defect, clamped)
        )

    @property
    def changes(self) -> tuple[ValueChange, ...]:
        """Every change in the order it was applied."""
        return tuple(self._changes)

    def snapshot(self) -> Mapping[str, PresetValue]:
        """Read-only copy of the current values."""
        return MappingProxyType(dict(self._values))
