"""Short English explanations for common HMS and print-error codes.

Written for this project; the table is deliberately small. Codes that are not listed
simply have no message, and the wiki link on each error remains the full reference.
Keys are the 16 hex digits of an HMS code (attr then code) or the 8 hex digits of a
``print_error`` value, upper case, without separators.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

HMS_MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        # Heatbed and nozzle heating
        "0300010000010001": "Heatbed heater fault: the heater may be short-circuited.",
        "0300010000010002": "Heatbed heater fault: open heater circuit or open thermal switch.",
        "0300010000010003": "The heatbed is over temperature.",
        "0300010000010006": "Heatbed temperature sensor short-circuited.",
        "0300010000010007": "Heatbed temperature sensor circuit is open.",
        "030001000001000A": "Heatbed temperature control fault; the AC board may be damaged.",
        "0300020000010001": "Nozzle heater fault: the heater may be short-circuited.",
        "0300020000010002": "Nozzle heater fault: the heater circuit is open.",
        "0300020000010003": "The nozzle is over temperature.",
        "0300020000010006": "Nozzle temperature sensor short-circuited.",
        "0300020000010007": "Nozzle temperature sensor circuit is open.",
        # Fans, motion, plate
        "0300030000010001": "The hotend cooling fan is too slow or has stopped.",
        "0300040000020001": "The part cooling fan is too slow or has stopped.",
        "0300050000010001": "A motor driver is overheating.",
        "03000D0000010003": "The build plate is not seated correctly.",
        "03000D0000020001": "Heatbed homing problem: check the plate and clean the nozzle tip.",
        "0300180000010001": "The extrusion force sensor reads low; is the nozzle installed?",
        "03001A0000020001": "Filament is wrapped around the nozzle, or the plate is crooked.",
        "03001A0000020002": "The nozzle is clogged.",
        "0300200000010001": "X axis homing failed; check that the toolhead moves freely.",
        "0300200000010002": "Y axis homing failed; check that the toolhead moves freely.",
        "0300900000010001": "Chamber heating failed: the heater is not blowing hot air.",
        # Main board, storage, network
        "0500010000030004": "The storage card is almost full.",
        "0500010000030005": "Storage card error: reinsert, format or replace the card.",
        "0500010000030006": "The storage card is not formatted.",
        "0500010000030007": "Timelapse recording needs a storage card.",
        "0500020000020001": "The printer cannot reach the internet.",
        "0500030000010001": "The motion controller is not responding; restart the printer.",
        "0500030000010003": "The AMS is not responding; restart the printer.",
        "0500040000010001": "The print job could not be downloaded.",
        "0500040000030008": "The door is open.",
        "0500050000010007": "The printer rejected an unsigned or invalid command.",
        # AMS feeding
        "0700400000020001": "The AMS filament buffer lost its position signal.",
        "0700700000020001": "Filament could not be pulled back out of the extruder.",
        "0700700000020002": "Filament could not be fed into the toolhead.",
        "0700700000020003": "Filament could not be extruded; extruder or nozzle may be clogged.",
        "0700700000020007": "The AMS ran out of filament; load a new spool and retry.",
        # Camera and AI monitoring
        "0C00010000010001": "The Micro Lidar camera is offline.",
        "0C00010000010009": "The chamber camera lens looks dirty.",
        "0C00030000020010": "Something is lying on the heatbed.",
        "0C00030000030006": "Purged filament may be piling up in the waste chute.",
        "0C00030000030007": "Possible first-layer defects were detected.",
        "0C00030000030008": "Possible spaghetti failure detected.",
        "0C0003000003000B": "The first layer is being inspected.",
        "0C0003000003000D": "Printed objects may have fallen over, or nothing is being extruded.",
        "0C0003000003000E": "The nozzle may be covered in jammed material.",
        "0C0003000003000F": "The nozzle may be covered in jammed material.",
        "0C00030000030010": "The printer appears to be printing without extruding.",
    }
)

PRINT_ERROR_MESSAGES: Mapping[str, str] = MappingProxyType(
    {
        "03004000": "Z axis homing failed; the print stopped.",
        "03004002": "Auto bed leveling failed; the print stopped.",
        "03004006": "The nozzle is clogged.",
        "03004008": "The AMS could not change filament.",
        "0300400C": "The print was cancelled.",
        "03008001": "The print was paused by the user.",
        "0500400E": "The print was cancelled.",
        "05004004": "The printer is busy with another job.",
        "07008006": "Filament could not be fed into the extruder.",
        "07008011": "The AMS ran out of filament; load the same slot again.",
        "0C008001": "First-layer defects were detected; resume if acceptable.",
    }
)

# Slot-specific filament codes share one wording across AMS families; the unit letter
# and slot number come from the ``attr`` value.
_SLOT_CODE_TEMPLATES: Mapping[int, str] = MappingProxyType(
    {
        0x00020001: "{unit} slot {slot} ran out of filament; insert a new spool.",
        0x00020002: "{unit} slot {slot} is empty; insert filament.",
        0x00020003: "{unit} slot {slot}: the filament may be broken inside the unit or tube.",
        0x00020004: "{unit} slot {slot}: the filament may be broken in the toolhead.",
        0x00030001: "{unit} slot {slot} ran out of filament; purging the old filament.",
        0x00030002: (
            "{unit} slot {slot} ran out of filament; switched to a slot with the same filament."
        ),
    }
)

_UNIT_NAMES: Mapping[int, str] = MappingProxyType({0x07: "AMS", 0x12: "AMS lite", 0x18: "AMS HT"})


def hms_message(attr: int, code: int) -> str | None:
    """Our short explanation of an HMS code, or ``None`` when we have none."""
    text = HMS_MESSAGES.get(f"{attr:08X}{code:08X}")
    if text is not None:
        return text
    return _slot_message(attr, code)


def _slot_message(attr: int, code: int) -> str | None:
    family = _UNIT_NAMES.get(attr >> 24)
    template = _SLOT_CODE_TEMPLATES.get(code)
    slot_byte = (attr >> 8) & 0xFF
    if family is None or template is None or not 0x20 <= slot_byte <= 0x23 or attr & 0xFF:
        return None
    unit_index = (attr >> 16) & 0xFF
    unit = f"{family} {chr(ord('A') + unit_index)}" if unit_index < 26 else family
    return template.format(unit=unit, slot=slot_byte - 0x1F)


def print_error_message(code: str | None) -> str | None:
    """Our short explanation of a ``print_error`` code such as ``"0300_400C"``."""
    if not code:
        return None
    return PRINT_ERROR_MESSAGES.get(code.replace("_", "").upper())
