"""The human-readable explanation written into the preset's Notes field.

Bambu Studio shows ``filament_notes`` in the filament settings, so the user can see why
each value differs from the generic preset without leaving the slicer.
"""

from __future__ import annotations

from .results import ChangeOrigin, SkippedAdjustment, ValueChange
from .values import PresetValue, as_vector

MAX_NOTES_LENGTH = 4000


def _short(value: PresetValue) -> str:
    items = as_vector(value)
    if not items:
        return "(unset)"
    return items[0] if len(set(items)) == 1 else "/".join(items)


def render_notes(
    filament_name: str,
    printer_preset: str,
    system_preset: str,
    changes: tuple[ValueChange, ...],
    skipped: tuple[SkippedAdjustment, ...],
) -> str:
    """Notes text: origin, base preset, each analysis change with reason and defect."""
    lines = [
        f"BambuPrint IQ preset for {filament_name} on {printer_preset}.",
        f"Base: {system_preset}.",
    ]
    spec_keys = sorted({c.key for c in changes if c.origin is ChangeOrigin.FILAMENT_SPEC})
    if spec_keys:
        lines.append("From the filament data: " + ", ".join(spec_keys) + ".")
    adjustments = [c for c in changes if c.origin is ChangeOrigin.ADJUSTMENT]
    if adjustments:
        lines.append("Adjusted after print analysis:")
        for change in adjustments:
            defect = f" [defect: {change.source_defect}]" if change.source_defect else ""
            lines.append(
                f"- {change.key}: {_short(change.base)} -> {_short(change.new)}: "
                f"{change.reason}{defect}"
            )
    if skipped:
        lines.append("Not applied: " + ", ".join(f"{s.key} ({s.reason})" for s in skipped) + ".")
    text = "\n".join(lines)
    return text if len(text) <= MAX_NOTES_LENGTH else text[: MAX_NOTES_LENGTH - 3] + "..."
