"""What the rule engine knows about the print besides the photo.

Filament spec, printer, plate and current slicer settings come from the active AMS tray,
the printer state or the user; all of it is validated here so the engine can trust it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
import math
import re
from types import MappingProxyType
from typing import Final

from .errors import InvalidPrintContext

SettingValue = float | str | bool

_SETTING_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_MAX_NOTE_CHARS: Final = 500
_MATERIAL_FAMILIES: Final = (
    ("PETG", "PETG"),
    ("PCTG", "PETG"),
    ("PET", "PETG"),
    ("PLA", "PLA"),
    ("ABS", "ABS"),
    ("ASA", "ASA"),
    ("PC", "PC"),
    ("PA", "PA"),
    ("TPU", "TPU"),
)


class PlateType(StrEnum):
    """Build plates; the value is the prefix of the matching bed temperature keys."""

    COOL = "cool_plate"
    ENGINEERING = "eng_plate"
    HIGH_TEMP = "hot_plate"
    TEXTURED_PEI = "textured_plate"
    SUPERTACK = "supertack_plate"


class ExtruderKind(StrEnum):
    """Retraction limits differ by an order of magnitude between the two."""

    DIRECT_DRIVE = "direct_drive"
    BOWDEN = "bowden"


class Slicer(StrEnum):
    """Some options exist only in one slicer."""

    BAMBU_STUDIO = "bambu_studio"
    ORCA_SLICER = "orca_slicer"


class PrintPhase(StrEnum):
    """A finished part gets a full diagnosis; a running print a failure check."""

    FINISHED = "finished"
    IN_PROGRESS = "in_progress"


def material_family(material: str) -> str | None:
    """Map a filament type such as ``PETG-HF`` or ``PA6-CF`` to the family the rules use."""
    first_token = re.split(r"[^A-Z0-9]+", material.strip().upper(), maxsplit=1)[0]
    for prefix, family in _MATERIAL_FAMILIES:
        if first_token.startswith(prefix):
            return family
    return None


@dataclass(frozen=True, slots=True)
class FilamentSpec:
    """The loaded filament; the temperature range bounds every nozzle change."""

    material: str = ""
    name: str | None = None
    nozzle_temp_min: float | None = None
    nozzle_temp_max: float | None = None

    def __post_init__(self) -> None:
        for value in (self.nozzle_temp_min, self.nozzle_temp_max):
            if value is not None and not (math.isfinite(value) and 0 < value <= 500):
                raise InvalidPrintContext(f"nozzle temperature {value} is outside 0-500 °C")
        if (
            self.nozzle_temp_min is not None
            and self.nozzle_temp_max is not None
            and self.nozzle_temp_min > self.nozzle_temp_max
        ):
            raise InvalidPrintContext("filament nozzle_temp_min is above nozzle_temp_max")

    @property
    def family(self) -> str | None:
        """Material family (PLA, PETG, ABS, ASA, PC, PA, TPU) or None when unknown."""
        return material_family(self.material) if self.material else None


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """Printer facts the rules depend on. Defaults describe a stock Bambu printer."""

    is_bambu: bool = True
    model: str | None = None
    extruder: ExtruderKind = ExtruderKind.DIRECT_DRIVE
    nozzle_diameter_mm: float = 0.4
    plate: PlateType = PlateType.TEXTURED_PEI
    slicer: Slicer = Slicer.BAMBU_STUDIO

    def __post_init__(self) -> None:
        if not (math.isfinite(self.nozzle_diameter_mm) and 0.1 <= self.nozzle_diameter_mm <= 2):
            raise InvalidPrintContext(f"nozzle diameter {self.nozzle_diameter_mm} mm is invalid")


def _empty_settings() -> Mapping[str, SettingValue]:
    return MappingProxyType({})


def _empty_changes() -> Mapping[str, float]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PrintContext:
    """Everything about the print except the photo; immutable once built.

    ``settings`` holds current slicer values by Bambu Studio key. ``prior_changes`` holds
    the signed change already applied per key since tuning this filament began (for
    example ``{"nozzle_temperature": -5}``), so caps such as "at most 10 °C in total"
    hold across iterations. ``completed_calibrations`` lists calibration ids already run
    since the last filament or nozzle change; they are not suggested again.
    """

    filament: FilamentSpec = field(default_factory=FilamentSpec)
    printer: PrinterProfile = field(default_factory=PrinterProfile)
    settings: Mapping[str, SettingValue] = field(default_factory=_empty_settings)
    phase: PrintPhase = PrintPhase.FINISHED
    prior_changes: Mapping[str, float] = field(default_factory=_empty_changes)
    completed_calibrations: frozenset[str] = frozenset()
    user_note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(normalize_settings(self.settings)))
        changes: dict[str, float] = {}
        for key, delta in self.prior_changes.items():
            if not isinstance(delta, int | float) or not math.isfinite(delta):
                raise InvalidPrintContext(f"prior change for {key!r} is not a number")
            changes[_checked_key(key)] = float(delta)
        object.__setattr__(self, "prior_changes", MappingProxyType(changes))
        object.__setattr__(self, "user_note", _clean_note(self.user_note))

    def number(self, key: str) -> float | None:
        """A numeric setting, falling back to the filament spec for the temperature range."""
        value = self.settings.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if key == "nozzle_temperature_range_low":
            return self.filament.nozzle_temp_min
        if key == "nozzle_temperature_range_high":
            return self.filament.nozzle_temp_max
        return None


def normalize_settings(raw: Mapping[str, object]) -> dict[str, SettingValue]:
    """Accept values as slicer JSON writes them (``["220"]``, ``"0.98"``, ``"nil"``).

    Single-element lists are unwrapped, numeric strings become floats, ``nil`` (inherit
    from the printer) is dropped. Anything else raises ``InvalidPrintContext``.
    """
    result: dict[str, SettingValue] = {}
    for key, value in raw.items():
        checked = _checked_key(key)
        parsed = _parse_value(checked, value)
        if parsed is not None:
            result[checked] = parsed
    return result


def _checked_key(key: object) -> str:
    if not isinstance(key, str) or not _SETTING_KEY.match(key):
        raise InvalidPrintContext(f"{key!r} is not a slicer setting key")
    return key


def _parse_value(key: str, value: object) -> SettingValue | None:
    if isinstance(value, list | tuple):
        if len(value) != 1:
            raise InvalidPrintContext(f"setting {key} must hold one value, got {len(value)}")
        value = value[0]
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise InvalidPrintContext(f"setting {key} is not a finite number")
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == "nil" or not text:
            return None
        try:
            number = float(text.rstrip("%"))
        except ValueError:
            return text[:100]
        if not math.isfinite(number):
            raise InvalidPrintContext(f"setting {key} is not a finite number")
        return text if text.endswith("%") else number
    raise InvalidPrintContext(f"setting {key} has an unsupported value type")


def _clean_note(note: str) -> str:
    if not isinstance(note, str):
        raise InvalidPrintContext("the user note must be text")
    printable = "".join(ch if ch.isprintable() else " " for ch in note)
    return " ".join(printable.split())[:_MAX_NOTE_CHARS]
