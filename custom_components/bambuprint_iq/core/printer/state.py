"""Immutable printer state snapshots.

A :class:`PrinterState` is replaced, never modified. It is composed of small groups so a
status delta that only touches temperatures rebuilds one group and reuses every other
one by identity; consumers can compare groups with ``is`` to skip work. Flat read-only
properties (``state.nozzle_temp``, ``state.gcode_state`` ...) exist for entity code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .enums import GcodeState, SdCardState, SpeedLevel
from .filament import AmsUnit, Tray
from .groups import CameraState, Extruder, Fans, Hardware, JobState, Light, Network, Temperatures
from .hms import HmsError
from .models import PrinterModel
from .versions import VersionInfo

__all__ = [
    "AmsUnit",
    "CameraState",
    "Extruder",
    "Fans",
    "Hardware",
    "HmsError",
    "JobState",
    "Light",
    "Network",
    "PrinterState",
    "Temperatures",
    "Tray",
]


@dataclass(frozen=True, slots=True)
class PrinterState:
    """Everything known about one printer at one moment."""

    model: PrinterModel | None = None
    serial: str | None = None
    has_status: bool = False
    """True once any status report has been applied."""
    job: JobState = field(default_factory=JobState)
    temperatures: Temperatures = field(default_factory=Temperatures)
    fans: Fans = field(default_factory=Fans)
    network: Network = field(default_factory=Network)
    hardware: Hardware = field(default_factory=Hardware)
    camera: CameraState = field(default_factory=CameraState)
    lights: tuple[Light, ...] = ()
    extruders: tuple[Extruder, ...] = ()
    active_extruder: int | None = None
    hms: tuple[HmsError, ...] = ()
    ams: tuple[AmsUnit, ...] = ()
    external_spools: tuple[Tray, ...] = ()
    active_tray: Tray | None = None
    """The slot currently feeding filament, if any."""
    signed_commands_required: bool | None = None
    """``fun`` bit 29: True when print commands need Bambu's signature (Developer Mode off)."""
    firmware_update_available: bool | None = None
    version: VersionInfo | None = None
    cloud_connected: bool | None = None
    """From cloud broker connect/disconnect events; ``None`` on LAN connections."""
    reported_at_ms: int | None = None
    """Printer clock (``t_utc``, Unix milliseconds) of the last status that carried it."""

    # Flat accessors for entity descriptions.

    @property
    def gcode_state(self) -> GcodeState:
        """Job state."""
        return self.job.gcode_state

    @property
    def stage_id(self) -> int | None:
        """Raw current stage id."""
        return self.job.stage_id

    @property
    def stage_key(self) -> str:
        """Stable current stage name."""
        return self.job.stage_key

    @property
    def progress(self) -> int | None:
        """Percent complete."""
        return self.job.progress

    @property
    def layer(self) -> int | None:
        """Current layer."""
        return self.job.layer

    @property
    def total_layers(self) -> int | None:
        """Layer count of the job."""
        return self.job.total_layers

    @property
    def remaining_minutes(self) -> int | None:
        """Estimated minutes left."""
        return self.job.remaining_minutes

    @property
    def gcode_file(self) -> str | None:
        """File being printed."""
        return self.job.gcode_file

    @property
    def subtask_name(self) -> str | None:
        """Job name."""
        return self.job.subtask_name

    @property
    def print_type(self) -> str | None:
        """Job origin."""
        return self.job.print_type

    @property
    def print_error(self) -> int | None:
        """Raw print error."""
        return self.job.print_error

    @property
    def print_error_code(self) -> str | None:
        """Print error as "XXXX_XXXX"."""
        return self.job.print_error_code

    @property
    def speed_level(self) -> SpeedLevel | None:
        """Speed profile."""
        return self.job.speed_level

    @property
    def speed_magnitude(self) -> int | None:
        """Speed percent."""
        return self.job.speed_magnitude

    @property
    def nozzle_temp(self) -> float | None:
        """Nozzle temperature."""
        return self.temperatures.nozzle

    @property
    def nozzle_target_temp(self) -> float | None:
        """Nozzle target."""
        return self.temperatures.nozzle_target

    @property
    def bed_temp(self) -> float | None:
        """Bed temperature."""
        return self.temperatures.bed

    @property
    def bed_target_temp(self) -> float | None:
        """Bed target."""
        return self.temperatures.bed_target

    @property
    def chamber_temp(self) -> float | None:
        """Chamber temperature (``None`` without a sensor)."""
        return self.temperatures.chamber

    @property
    def chamber_target_temp(self) -> float | None:
        """Chamber target."""
        return self.temperatures.chamber_target

    @property
    def part_fan(self) -> int | None:
        """Part cooling fan percent."""
        return self.fans.part

    @property
    def aux_fan(self) -> int | None:
        """Auxiliary fan percent."""
        return self.fans.aux

    @property
    def chamber_fan(self) -> int | None:
        """Chamber fan percent."""
        return self.fans.chamber

    @property
    def heatbreak_fan(self) -> int | None:
        """Heatbreak fan percent."""
        return self.fans.heatbreak

    @property
    def wifi_signal_dbm(self) -> int | None:
        """Wi-Fi signal in dBm."""
        return self.network.wifi_signal_dbm

    @property
    def nozzle_diameter(self) -> float | None:
        """Nozzle diameter in mm."""
        return self.hardware.nozzle_diameter

    @property
    def nozzle_type(self) -> str | None:
        """Nozzle material/type code."""
        return self.hardware.nozzle_type

    @property
    def door_open(self) -> bool | None:
        """Door state where a sensor exists."""
        return self.hardware.door_open

    @property
    def sdcard(self) -> SdCardState | None:
        """Storage card state."""
        return self.hardware.sdcard

    @property
    def rtsp_url(self) -> str | None:
        """Reported RTSP URL or "disable"."""
        return self.camera.rtsp_url

    @property
    def firmware_version(self) -> str | None:
        """Overall firmware version from ``get_version``."""
        return self.version.firmware_version if self.version else None

    @property
    def chamber_light(self) -> str | None:
        """Mode of the chamber light ("on"/"off"/"flashing"), if reported."""
        return self.light_mode("chamber_light")

    @property
    def chamber_light_on(self) -> bool | None:
        """True when the chamber light is lit."""
        mode = self.chamber_light
        return None if mode is None else mode != "off"

    def light_mode(self, node: str) -> str | None:
        """Mode of the light ``node``, if reported."""
        return next((light.mode for light in self.lights if light.node == node), None)

    def ams_unit(self, ams_id: int) -> AmsUnit | None:
        """The unit with id ``ams_id``, if present."""
        return next((unit for unit in self.ams if unit.id == ams_id), None)

    @property
    def is_printing(self) -> bool:
        """True while a job is being prepared, printed or paused."""
        return self.job.gcode_state in (GcodeState.PREPARE, GcodeState.RUNNING, GcodeState.PAUSE)
