"""Plain typed inputs: what the integration tells the history library about a printer.

The printer state model lives elsewhere; the integration converts its state into these
frozen values so this library never depends on MQTT payload shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
import re

from . import _validate as v
from .errors import InvalidObservationError

_HMS_CODE = re.compile(r"^[0-9A-F]{4}_[0-9A-F]{4}_[0-9A-F]{4}_[0-9A-F]{4}$")


class GcodeState(StrEnum):
    """Job state reported by the printer (`gcode_state`); anything unrecognised is UNKNOWN."""

    IDLE = "IDLE"
    PREPARE = "PREPARE"
    RUNNING = "RUNNING"
    PAUSE = "PAUSE"
    FINISH = "FINISH"
    FAILED = "FAILED"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def parse(cls, raw: str | None) -> GcodeState:
        """Map a raw string (any case) to a state; INIT, OFFLINE, SLICING etc. become UNKNOWN."""
        if not raw:
            return cls.UNKNOWN
        try:
            return cls(raw.strip().upper())
        except ValueError:
            return cls.UNKNOWN

    @property
    def is_active(self) -> bool:
        """A print job exists and has not ended."""
        return self in (GcodeState.PREPARE, GcodeState.RUNNING, GcodeState.PAUSE)

    @property
    def is_terminal(self) -> bool:
        """The printer reports how the last job ended."""
        return self in (GcodeState.FINISH, GcodeState.FAILED)


class HmsSeverity(IntEnum):
    """HMS severity (`code >> 16`); lower is worse."""

    FATAL = 1
    SERIOUS = 2
    COMMON = 3
    INFO = 4
    UNKNOWN = 0

    @property
    def is_severe(self) -> bool:
        """Fatal and serious entries usually stop or endanger the print."""
        return self in (HmsSeverity.FATAL, HmsSeverity.SERIOUS)


@dataclass(frozen=True, slots=True)
class HmsEntry:
    """One health-management message, e.g. code `0300_0100_0001_0007`."""

    code: str
    severity: HmsSeverity

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _HMS_CODE.match(self.code):
            raise InvalidObservationError(
                f"HMS code must look like 0300_0100_0001_0007: {self.code!r}"
            )
        if not isinstance(self.severity, HmsSeverity):
            raise InvalidObservationError("HMS severity must be an HmsSeverity")

    @classmethod
    def from_raw(cls, attr: int, code: int) -> HmsEntry:
        """Decode the printer's `attr`/`code` pair (two unsigned 32-bit ints)."""
        for name, value in (("attr", attr), ("code", code)):
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
                raise InvalidObservationError(f"HMS {name} must be a uint32, got {value!r}")
        text = f"{attr >> 16:04X}_{attr & 0xFFFF:04X}_{code >> 16:04X}_{code & 0xFFFF:04X}"
        severity_raw = code >> 16
        severity = (
            HmsSeverity(severity_raw) if severity_raw in (1, 2, 3, 4) else HmsSeverity.UNKNOWN
        )
        return cls(code=text, severity=severity)

    @property
    def module(self) -> int:
        """Module byte (`attr >> 24`): 0x03 motion, 0x07 AMS, 0x12 AMS lite, 0x18 AMS HT..."""
        return int(self.code[:2], 16)

    @property
    def low_code(self) -> int:
        """The low 32 bits (`code`) as an int, used to recognise message families."""
        return int(self.code[10:14] + self.code[15:19], 16)


def humidity_letter(level: int) -> str:
    """Bambu's droplet letter for a humidity level: 5 (driest) is A, 1 (wettest) is E."""
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise InvalidObservationError(f"humidity level must be 1..5, got {level!r}")
    return chr(ord("A") + 5 - level)


def level_from_percent(percent: float) -> int:
    """Level the slicer shows for a relative humidity (<20 % -> 5 ... >=80 % -> 1)."""
    for level, upper in ((5, 20.0), (4, 40.0), (3, 60.0), (2, 80.0)):
        if percent < upper:
            return level
    return 1


@dataclass(frozen=True, slots=True)
class TrayObservation:
    """One filament slot as seen now. `tray_id` is any stable label the integration picks."""

    tray_id: str
    material: str | None = None
    brand: str | None = None
    colour: str | None = None
    spec_ref: str | None = None
    ams_unit_id: str | None = None
    remain_percent: float | None = None
    spool_weight_g: float | None = None
    k: float | None = None
    n: float | None = None
    nozzle_temp_min_c: float | None = None
    nozzle_temp_max_c: float | None = None
    empty: bool = False

    def __post_init__(self) -> None:
        v.text(self.tray_id, "tray_id")
        for name in ("material", "brand", "colour", "spec_ref", "ams_unit_id"):
            object.__setattr__(self, name, v.optional_text(getattr(self, name), name))
        v.number(self.remain_percent, "remain_percent", 0, 100)
        v.number(self.spool_weight_g, "spool_weight_g", 0, 100_000)
        v.number(self.k, "k", 0, 10)
        v.number(self.n, "n", 0, 10)
        v.number(self.nozzle_temp_min_c, "nozzle_temp_min_c", 0, 600)
        v.number(self.nozzle_temp_max_c, "nozzle_temp_max_c", 0, 600)


@dataclass(frozen=True, slots=True)
class AmsUnitObservation:
    """Humidity and temperature of one AMS unit; level 5 = driest, as the printer sends it."""

    unit_id: str
    humidity_level: int | None = None
    humidity_percent: float | None = None
    temperature_c: float | None = None

    def __post_init__(self) -> None:
        v.text(self.unit_id, "unit_id")
        v.integer(self.humidity_level, "humidity_level", 1, 5)
        v.number(self.humidity_percent, "humidity_percent", 0, 100)
        v.number(self.temperature_c, "temperature_c", -40, 150)

    @property
    def effective_level(self) -> int | None:
        """The reported level, or the level derived from percent when only that is known."""
        if self.humidity_level is not None:
            return self.humidity_level
        if self.humidity_percent is not None:
            return level_from_percent(self.humidity_percent)
        return None

    @property
    def letter(self) -> str | None:
        """A (dry) ... E (wet), or None when the unit reports no humidity."""
        level = self.effective_level
        return None if level is None else humidity_letter(level)


@dataclass(frozen=True, slots=True)
class PrintObservation:
    """Everything the history needs from one printer status update."""

    printer_id: str
    at: datetime
    gcode_state: GcodeState
    task_id: str | None = None
    subtask_id: str | None = None
    model_name: str | None = None
    file_name: str | None = None
    plate: int | None = None
    progress_percent: float | None = None
    remaining_minutes: float | None = None
    layer: int | None = None
    total_layers: int | None = None
    nozzle_temp_c: float | None = None
    nozzle_target_c: float | None = None
    bed_temp_c: float | None = None
    bed_target_c: float | None = None
    speed_level: int | None = None
    trays: tuple[TrayObservation, ...] = ()
    active_tray_id: str | None = None
    ams_units: tuple[AmsUnitObservation, ...] = ()
    hms: tuple[HmsEntry, ...] = ()
    print_error: int | None = None
    skipped_objects: int = 0

    def __post_init__(self) -> None:
        v.text(self.printer_id, "printer_id")
        v.aware(self.at, "at")
        if not isinstance(self.gcode_state, GcodeState):
            raise InvalidObservationError("gcode_state must be a GcodeState (use GcodeState.parse)")
        for name in ("task_id", "subtask_id", "model_name", "file_name", "active_tray_id"):
            object.__setattr__(self, name, v.optional_text(getattr(self, name), name))
        v.integer(self.plate, "plate", 0, 1000)
        v.number(self.progress_percent, "progress_percent", 0, 100)
        v.number(self.remaining_minutes, "remaining_minutes", 0, 60 * 24 * 60)
        v.integer(self.layer, "layer", 0, 1_000_000)
        v.integer(self.total_layers, "total_layers", 0, 1_000_000)
        for name in ("nozzle_temp_c", "nozzle_target_c", "bed_temp_c", "bed_target_c"):
            v.number(getattr(self, name), name, -40, 600)
        v.integer(self.speed_level, "speed_level", 0, 255)
        v.integer(self.print_error, "print_error", 0, 2**32 - 1)
        v.integer(self.skipped_objects, "skipped_objects", 0, 100_000)
        for name, kind in (("trays", TrayObservation), ("ams_units", AmsUnitObservation)):
            items = getattr(self, name)
            if not isinstance(items, tuple) or not all(isinstance(i, kind) for i in items):
                raise InvalidObservationError(f"{name} must be a tuple of {kind.__name__}")
        if not isinstance(self.hms, tuple) or not all(isinstance(h, HmsEntry) for h in self.hms):
            raise InvalidObservationError("hms must be a tuple of HmsEntry")

    def tray(self, tray_id: str | None) -> TrayObservation | None:
        """The tray with this id, if present."""
        if tray_id is None:
            return None
        return next((t for t in self.trays if t.tray_id == tray_id), None)


class RoomQuantity(StrEnum):
    """What an external room sensor measures."""

    TEMPERATURE = "temperature"
    HUMIDITY = "humidity"


@dataclass(frozen=True, slots=True)
class RoomSample:
    """One reading of a user-picked room sensor (°C or % RH), fed by the integration."""

    sensor_id: str
    quantity: RoomQuantity
    value: float
    at: datetime

    def __post_init__(self) -> None:
        v.text(self.sensor_id, "sensor_id")
        if not isinstance(self.quantity, RoomQuantity):
            raise InvalidObservationError("quantity must be a RoomQuantity")
        low, high = (-60.0, 80.0) if self.quantity is RoomQuantity.TEMPERATURE else (0.0, 100.0)
        v.number(self.value, "value", low, high)
        v.aware(self.at, "at")
