"""Enumerations used in printer state snapshots.

String values are lowercase snake_case so they can serve directly as Home Assistant enum
sensor options and translation keys.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class GcodeState(StrEnum):
    """The job state reported in ``gcode_state``."""

    IDLE = "idle"
    PREPARE = "prepare"
    RUNNING = "running"
    PAUSE = "pause"
    FINISH = "finish"
    FAILED = "failed"
    INIT = "init"
    OFFLINE = "offline"
    SLICING = "slicing"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, raw: object) -> GcodeState:
        """Map the printer's upper-case text; anything unrecognised is ``UNKNOWN``."""
        if isinstance(raw, str):
            return _GCODE_STATES.get(raw.strip().lower(), cls.UNKNOWN)
        return cls.UNKNOWN


_GCODE_STATES = {state.value: state for state in GcodeState}

ACTIVE_GCODE_STATES = frozenset({GcodeState.PREPARE, GcodeState.RUNNING, GcodeState.PAUSE})


class SpeedLevel(IntEnum):
    """Print speed profile (``spd_lvl``); the value is what ``print_speed`` expects."""

    SILENT = 1
    STANDARD = 2
    SPORT = 3
    LUDICROUS = 4


class SdCardState(StrEnum):
    """Storage card state from ``sdcard`` and ``home_flag`` bits 8-9."""

    ABSENT = "absent"
    NORMAL = "normal"
    ABNORMAL = "abnormal"
    READ_ONLY = "read_only"


class AmsKind(StrEnum):
    """Filament unit families."""

    AMS = "ams"
    AMS_LITE = "ams_lite"
    AMS_2_PRO = "ams_2_pro"
    AMS_HT = "ams_ht"
    UNKNOWN = "unknown"

    @property
    def display_name(self) -> str:
        """Product name as Bambu writes it."""
        return _AMS_DISPLAY_NAMES[self]


_AMS_DISPLAY_NAMES = {
    AmsKind.AMS: "AMS",
    AmsKind.AMS_LITE: "AMS lite",
    AmsKind.AMS_2_PRO: "AMS 2 Pro",
    AmsKind.AMS_HT: "AMS HT",
    AmsKind.UNKNOWN: "AMS",
}


class TrayStatus(StrEnum):
    """What sits in a filament slot."""

    EMPTY = "empty"
    LOADED = "loaded"
    LOADED_NO_DATA = "loaded_no_data"
    """A spool is present but nothing is known about it."""
    READING = "reading"
    """The unit is reading the spool's RFID tag."""
    UNKNOWN = "unknown"


class HmsSeverity(StrEnum):
    """Severity encoded in the upper 16 bits of an HMS ``code``."""

    FATAL = "fatal"
    SERIOUS = "serious"
    COMMON = "common"
    INFO = "info"
    UNKNOWN = "unknown"


class HmsModule(StrEnum):
    """Subsystem encoded in the top byte of an HMS ``attr``."""

    MC = "mc"
    MAINBOARD = "mainboard"
    AMS = "ams"
    TOOLHEAD = "toolhead"
    XCAM = "xcam"
    AMS_LITE = "ams_lite"
    AMS_HT = "ams_ht"
    UNKNOWN = "unknown"
