"""How AMS units are named for people: the kind plus the letter Bambu's apps show (A, B, ...)."""

from __future__ import annotations

from .core.printer.enums import AmsKind
from .core.printer.filament import AmsUnit

AMS_HT_FIRST_ID = 128
KIND_NAMES: dict[AmsKind, str] = {
    AmsKind.AMS: "AMS",
    AmsKind.AMS_LITE: "AMS lite",
    AmsKind.AMS_2_PRO: "AMS 2 Pro",
    AmsKind.AMS_HT: "AMS HT",
    AmsKind.UNKNOWN: "AMS",
}


def ams_letter(ams_id: int) -> str:
    """Units count A, B, C, D; AMS HT units have their own series starting at id 128."""
    index = ams_id - AMS_HT_FIRST_ID if ams_id >= AMS_HT_FIRST_ID else ams_id
    return chr(ord("A") + index) if 0 <= index < 26 else str(ams_id)


def ams_label(unit: AmsUnit) -> str:
    """E.g. "AMS A", "AMS lite A", "AMS HT A"."""
    return f"{KIND_NAMES[unit.kind]} {ams_letter(unit.id)}"
