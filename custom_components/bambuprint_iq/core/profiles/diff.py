"""Compare two profiles printer by printer, on the values the slicer would actually use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .catalog import find_system_preset
from .rename import printer_of
from .values import PresetValue

IDENTITY_KEYS = frozenset(
    {"name", "filament_settings_id", "filament_id", "filament_notes", "version", "from", "type"}
)
"""Keys that differ between any two profiles by construction; left out of diffs."""


@dataclass(frozen=True, slots=True)
class KeyDifference:
    """One option that differs for one printer preset (None = not set on that side)."""

    printer_preset: str
    key: str
    left: PresetValue | None
    right: PresetValue | None


@dataclass(frozen=True, slots=True)
class ProfileDiff:
    """Differences between two sets of presets."""

    differences: tuple[KeyDifference, ...]
    only_left: tuple[str, ...]
    """Printer presets present only in the left profile."""
    only_right: tuple[str, ...]


def effective_values(document: Mapping[str, PresetValue]) -> Mapping[str, PresetValue]:
    """Values after inheritance: an inherited preset sits on its system parent."""
    inherits = document.get("inherits")
    parent = find_system_preset(inherits) if isinstance(inherits, str) and inherits else None
    if parent is None:
        return document
    return {**parent.values, **document}


def diff_documents(
    left: Sequence[Mapping[str, PresetValue]], right: Sequence[Mapping[str, PresetValue]]
) -> ProfileDiff:
    """Key-by-key differences for each printer preset both sides cover."""
    left_by_printer = {printer_of(doc): effective_values(doc) for doc in left}
    right_by_printer = {printer_of(doc): effective_values(doc) for doc in right}
    differences: list[KeyDifference] = []
    for printer in sorted(left_by_printer.keys() & right_by_printer.keys()):
        a, b = left_by_printer[printer], right_by_printer[printer]
        for key in sorted((a.keys() | b.keys()) - IDENTITY_KEYS):
            if a.get(key) != b.get(key):
                differences.append(KeyDifference(printer, key, a.get(key), b.get(key)))
    return ProfileDiff(
        differences=tuple(differences),
        only_left=tuple(sorted(left_by_printer.keys() - right_by_printer.keys())),
        only_right=tuple(sorted(right_by_printer.keys() - left_by_printer.keys())),
    )
