"""The small immutable groups a :class:`~.state.PrinterState` is made of."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import GcodeState, SdCardState, SpeedLevel
from .hms_texts import print_error_message
from .stages import UNKNOWN_STAGE_KEY


@dataclass(frozen=True, slots=True)
class JobState:
    """The current (or last) print job and its settings."""

    gcode_state: GcodeState = GcodeState.UNKNOWN
    stage_id: int | None = None
    """Raw ``stg_cur``."""
    stage_key: str = UNKNOWN_STAGE_KEY
    """Stable name of the stage, see :mod:`.stages`."""
    progress: int | None = None
    """Percent complete."""
    layer: int | None = None
    total_layers: int | None = None
    remaining_minutes: int | None = None
    gcode_file: str | None = None
    subtask_name: str | None = None
    task_id: str | None = None
    subtask_id: str | None = None
    print_type: str | None = None
    """"idle", "local", "cloud" or "system"."""
    print_error: int | None = None
    """Raw ``print_error``; 0 means no error."""
    print_error_code: str | None = None
    """``print_error`` as "XXXX_XXXX"; ``None`` when there is no error."""
    start_time: int | None = None
    """Unix seconds when the job started, when reported."""
    speed_level: SpeedLevel | None = None
    speed_magnitude: int | None = None
    """Speed in percent of standard."""

    @property
    def print_error_message(self) -> str | None:
        """Short explanation of :attr:`print_error_code` when this project knows it."""
        return print_error_message(self.print_error_code)


@dataclass(frozen=True, slots=True)
class Temperatures:
    """Degrees Celsius; targets are 0 when heating is off."""

    nozzle: float | None = None
    nozzle_target: float | None = None
    bed: float | None = None
    bed_target: float | None = None
    chamber: float | None = None
    """``None`` on models without a chamber sensor."""
    chamber_target: float | None = None


@dataclass(frozen=True, slots=True)
class Fans:
    """Fan speeds in percent, in steps of ten."""

    part: int | None = None
    aux: int | None = None
    chamber: int | None = None
    heatbreak: int | None = None


@dataclass(frozen=True, slots=True)
class Network:
    """Link quality and address as the printer reports them."""

    wifi_signal_dbm: int | None = None
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class Hardware:
    """Nozzle, door and storage."""

    nozzle_diameter: float | None = None
    nozzle_type: str | None = None
    door_open: bool | None = None
    """``None`` on models (or firmware) without a door sensor."""
    sdcard: SdCardState | None = None


@dataclass(frozen=True, slots=True)
class Extruder:
    """One extruder of the hardware tree newer firmware reports under ``device``."""

    id: int
    """0 is the main (right) extruder, 1 the deputy (left) on dual-nozzle printers."""
    temp: float | None
    target_temp: float | None
    nozzle_diameter: float | None
    nozzle_type: str | None
    loaded_ams_id: int | None
    """Unit feeding this extruder; 254/255 for an external spool; ``None`` when unloaded."""
    loaded_slot: int | None


@dataclass(frozen=True, slots=True)
class Light:
    """One entry of ``lights_report``."""

    node: str
    """E.g. "chamber_light", "chamber_light2", "work_light"."""
    mode: str
    """"on", "off" or "flashing"."""


@dataclass(frozen=True, slots=True)
class CameraState:
    """Camera settings from ``ipcam``."""

    rtsp_url: str | None = None
    """As reported: an ``rtsps://`` URL, "disable", or ``None`` when never sent."""
    recording: bool | None = None
    timelapse: bool | None = None
    resolution: str | None = None

    @property
    def rtsp_enabled(self) -> bool:
        """True when the printer advertises a LAN RTSP stream."""
        return bool(self.rtsp_url) and self.rtsp_url != "disable"
