"""Preset names and filament ids the way Bambu Studio's "Create Filament" dialog makes them.

The AMS list only shows a custom preset whose name contains the printer preset name and
whose display name (text before "@") is not already used by a system filament.
"""

from __future__ import annotations

import hashlib
import re

from .catalog import system_filament_aliases, system_preset_names

_FORBIDDEN = re.compile(r'[<>\[\]:/\\|?*"@;\x00-\x1f\x7f]')
_RESERVED_VENDORS = frozenset({"bambu", "bambu lab", "bambulab", "generic"})
_TYPE_DISPLAY = {"PLA-AERO": "PLA Aero", "ASA-AERO": "ASA Aero"}
MAX_PART_LENGTH = 48
DEFAULT_VENDOR = "Custom"
DEFAULT_SERIAL = "Filament"
COLLISION_SUFFIX = "Custom"


def clean_part(text: str | None) -> str:
    """Drop characters that break file names or preset parsing; collapse spaces."""
    if not text:
        return ""
    cleaned = _FORBIDDEN.sub(" ", text).replace("(modified)", " ")
    return " ".join(cleaned.split())[:MAX_PART_LENGTH].strip()


def is_reserved_vendor(vendor: str) -> bool:
    """Bambu Studio refuses "Bambu" and "Generic" as vendor of a custom filament."""
    return vendor.casefold() in _RESERVED_VENDORS


def vendor_name(vendor: str | None) -> str:
    """Vendor as written in the preset; all-digit vendors are rejected by the slicer."""
    cleaned = clean_part(vendor) or DEFAULT_VENDOR
    return f"Vendor {cleaned}" if cleaned.isdigit() else cleaned


def serial_name(
    product_name: str | None, vendor: str, filament_type: str, label: str | None
) -> str:
    """Product name without the vendor and type words the filament name already carries."""
    words = clean_part(product_name).split()
    vendor_words = vendor.casefold().split()
    if [w.casefold() for w in words[: len(vendor_words)]] == vendor_words:
        words = words[len(vendor_words) :]
    type_words = {filament_type.casefold(), _TYPE_DISPLAY.get(filament_type, "").casefold()}
    words = [w for w in words if w.casefold() not in type_words]
    serial = " ".join([*words, *clean_part(label).split()])
    return serial[:MAX_PART_LENGTH].strip() or DEFAULT_SERIAL


def filament_name(vendor: str, filament_type: str, serial: str) -> str:
    """ "<vendor> <type> <serial>", the display name shown in the AMS list."""
    name = f"{vendor} {_TYPE_DISPLAY.get(filament_type, filament_type)} {serial}"
    if name in system_filament_aliases():
        name = f"{name} {COLLISION_SUFFIX}"
    return name


def filament_id(name: str) -> str:
    """ "P" + 7 hex of md5(filament name): same id for the filament on every printer."""
    return "P" + hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:7]


def preset_name(filament: str, printer_preset_name: str) -> str:
    """ "<filament name> @<printer preset name>"."""
    return f"{filament} @{printer_preset_name}"


def alias_of(name: str) -> str:
    """Display name of a preset: the text before the first "@"."""
    return name.split("@", 1)[0].strip()


def collides_with_system(name: str) -> bool:
    """True when a user preset of this name would be rejected or hidden by the slicer."""
    return name in system_preset_names() or alias_of(name) in system_filament_aliases()
