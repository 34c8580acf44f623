"""Snapshots of filament units (AMS family) and their slots."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import AmsKind, TrayStatus

EXTERNAL_MAIN_ID = 255
"""External spool holder feeding the main (right) extruder; single-nozzle on newer firmware."""
EXTERNAL_DEPUTY_ID = 254
"""External spool holder of the deputy (left) extruder; the only one on older firmware."""
EXTERNAL_SPOOL_IDS = frozenset({EXTERNAL_MAIN_ID, EXTERNAL_DEPUTY_ID})
_FIRST_HT_ID = 128
_LETTERED_UNITS = 8


@dataclass(frozen=True, slots=True)
class Tray:
    """One filament slot: an AMS tray or an external spool holder."""

    ams_id: int
    """Owning unit id; 254/255 for external spools."""
    slot: int
    """0-3 within the unit; 0 for external spools and AMS HT."""
    status: TrayStatus
    state_raw: int | None
    tray_type: str | None
    """Material, e.g. "PLA"."""
    sub_brand: str | None
    """Product line, e.g. "PLA Matte"."""
    name: str | None
    """Bambu's tray id name, e.g. "A00-G6"."""
    info_idx: str | None
    """Filament preset id, e.g. "GFA00" (Bambu) or "P8d19ba6" (user preset)."""
    color: str | None
    """``#RRGGBB``."""
    alpha: int | None
    """Opacity 0-255 from the colour's last byte."""
    colors: tuple[str, ...]
    """All colours of a multi-colour spool as ``#RRGGBB``."""
    remaining: int | None
    """Percent left; ``None`` when the printer does not know (it sends -1)."""
    k: float | None
    """Pressure-advance factor."""
    nozzle_temp_min: int | None
    nozzle_temp_max: int | None
    bed_temp: int | None
    drying_temp: int | None
    drying_time: int | None
    """Recommended drying time in hours."""
    weight: int | None
    """Spool net weight in grams."""
    diameter: float | None
    tag_uid: str | None
    """RFID chip id; ``None`` when the spool has no tag."""
    tray_uuid: str | None
    """Spool id shared by both tags of a Bambu spool; ``None`` when absent."""
    is_bambu: bool
    """True for a Bambu Lab spool recognised by its RFID tag."""

    @property
    def is_external(self) -> bool:
        """True for an external spool holder rather than an AMS slot."""
        return self.ams_id in EXTERNAL_SPOOL_IDS

    @property
    def empty(self) -> bool:
        """True when no spool is in the slot."""
        return self.status is TrayStatus.EMPTY

    @property
    def has_rfid(self) -> bool:
        """True when the spool carries an RFID tag."""
        return self.tag_uid is not None or self.tray_uuid is not None


@dataclass(frozen=True, slots=True)
class AmsUnit:
    """One filament unit (AMS, AMS lite, AMS 2 Pro or AMS HT)."""

    id: int
    kind: AmsKind
    humidity_level: int | None
    """1-5 where 5 is driest, as Bambu's firmware counts."""
    humidity_percent: int | None
    """Relative humidity; only units and firmware that measure it report this."""
    temperature: float | None
    """Degrees Celsius; ``None`` on units that report a placeholder 0.0."""
    drying_remaining_minutes: int | None
    extruder_id: int | None
    """Extruder the unit feeds on dual-nozzle printers."""
    serial: str | None
    firmware_version: str | None
    trays: tuple[Tray, ...]

    @property
    def humidity_letter(self) -> str | None:
        """Bambu's droplet letter: A (driest, level 5) to E (wettest, level 1)."""
        return humidity_letter(self.humidity_level)

    @property
    def letter(self) -> str | None:
        """Unit letter as Bambu's apps show it: A for id 0 (and for AMS HT id 128), B for 1 ..."""
        index = self.id - _FIRST_HT_ID if self.id >= _FIRST_HT_ID else self.id
        return chr(ord("A") + index) if 0 <= index < _LETTERED_UNITS else None

    @property
    def display_name(self) -> str:
        """E.g. "AMS A", "AMS HT A", or "AMS lite 16" when no letter applies."""
        letter = self.letter
        return f"{self.kind.display_name} {letter if letter else self.id}"

    @property
    def is_drying(self) -> bool:
        """True while the unit's dryer is running."""
        return bool(self.drying_remaining_minutes)


def humidity_letter(level: int | None) -> str | None:
    """Map a humidity level 1-5 to Bambu's letter E-A."""
    if level is None or not 1 <= level <= 5:
        return None
    return chr(ord("A") + 5 - level)


def humidity_level_from_percent(percent: int) -> int:
    """Level 1-5 from relative humidity, using the bands Bambu Studio draws for AMS 2 Pro/HT."""
    if percent < 20:
        return 5
    if percent < 40:
        return 4
    if percent < 60:
        return 3
    if percent < 80:
        return 2
    return 1
