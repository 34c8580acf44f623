"""Give existing preset documents a new filament name (library rename and clone).

Only the name-bearing keys change: preset name, ``filament_settings_id``, the custom
root's ``filament_id`` (derived from the name, as the slicer does) and the notes header.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .errors import InvalidSpecError
from .naming import alias_of, clean_part, collides_with_system, filament_id, preset_name
from .values import PresetValue, as_vector


def checked_filament_name(text: str) -> str:
    """A user-chosen filament name made safe, or InvalidSpecError."""
    cleaned = clean_part(text)
    if not cleaned:
        raise InvalidSpecError("the new filament name is empty")
    if collides_with_system(cleaned):
        raise InvalidSpecError(f"{cleaned!r} is the name of a Bambu Studio system filament")
    return cleaned


def printer_of(document: Mapping[str, PresetValue]) -> str:
    """The printer preset a generated document targets."""
    printers = as_vector(document.get("compatible_printers", ()))
    if not printers:
        raise InvalidSpecError("preset has no compatible_printers")
    return printers[0]


def rename_document(
    document: Mapping[str, PresetValue], new_filament_name: str
) -> Mapping[str, PresetValue]:
    """Copy of ``document`` carrying ``new_filament_name`` (already checked)."""
    old_name = document.get("name")
    old_filament = alias_of(old_name) if isinstance(old_name, str) else ""
    name = preset_name(new_filament_name, printer_of(document))
    renamed: dict[str, PresetValue] = dict(document)
    renamed["name"] = name
    renamed["filament_settings_id"] = (name,)
    if "filament_id" in renamed:
        renamed["filament_id"] = filament_id(new_filament_name)
    notes = renamed.get("filament_notes")
    if isinstance(notes, str) and old_filament:
        renamed["filament_notes"] = notes.replace(old_filament, new_filament_name, 1)
    return MappingProxyType(renamed)
