"""The resolved identity of one simulated printer and its mutable machine state.

`PrinterSetup` is immutable and fully resolved (serial, access code, ports chosen);
`PrinterState` is what the simulation changes tick by tick. Payload building reads the
state; only `PrinterSim` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random
from typing import Any

from simulator.ams import NOTHING_LOADED, AmsUnitState, build_units
from simulator.hms import ActiveHms
from simulator.job import GcodeState, PrintJob
from simulator.models import ModelSpec
from simulator.thermal import Heater

MIN_TICK_SECONDS = 0.2
BASE_TICK_SECONDS = 1.5
FULL_PUSH_INTERVAL = 300.0  # simulated seconds between unsolicited full pushes


@dataclass(frozen=True, slots=True)
class PrinterSetup:
    """Everything fixed for the lifetime of one simulated printer."""

    spec: ModelSpec
    serial: str
    access_code: str = field(repr=False)
    host: str
    seed: int
    speed: float
    secured: bool
    ams_units: int
    ams_ht_units: int
    demo: bool

    def __post_init__(self) -> None:
        if not 0.01 <= self.speed <= 100_000:
            raise ValueError("speed must be between 0.01 and 100000")
        if not 0 <= self.ams_units <= self.spec.max_ams_units:
            raise ValueError(f"{self.spec.key} supports 0..{self.spec.max_ams_units} AMS units")
        if self.ams_ht_units and not self.spec.supports_ams_ht:
            raise ValueError(f"{self.spec.key} does not take an AMS HT")
        if not 0 <= self.ams_ht_units <= 4:
            raise ValueError("at most 4 AMS HT units")

    @property
    def tick_seconds(self) -> float:
        """Real seconds between simulation steps: ~1.5 s, faster with speed, never below 0.2 s."""
        return max(MIN_TICK_SECONDS, min(BASE_TICK_SECONDS, BASE_TICK_SECONDS / self.speed))

    @property
    def tick_sim_seconds(self) -> float:
        """Simulated seconds per step; fixed, so content never depends on wall-clock jitter."""
        return self.tick_seconds * self.speed


@dataclass(slots=True)
class Fans:
    """Fan speeds as the 0..15 steps the printer reports."""

    part: int = 0
    aux: int = 0
    chamber: int = 0
    heatbreak: int = 0


@dataclass(slots=True)
class PrinterState:
    """Mutable machine state of one printer."""

    setup: PrinterSetup
    rng: random.Random
    ambient: float
    nozzles: list[Heater]
    bed: Heater
    chamber: Heater
    units: list[AmsUnitState]
    wifi_base: int
    wifi_dbm: int
    lights: dict[str, str]
    ams_version: int
    secured: bool
    fans: Fans = field(default_factory=Fans)
    speed_level: int = 2
    door_open: bool = False
    gcode_state: GcodeState = GcodeState.IDLE
    job: PrintJob | None = None
    job_count: int = 0
    print_error: int = 0
    hms: list[ActiveHms] = field(default_factory=list)
    tray_now: int = NOTHING_LOADED
    tray_prev: int = NOTHING_LOADED
    overrides: dict[str, Any] = field(default_factory=dict)
    rtsp_port: int | None = None
    """Where this printer's RTSPS server listens; reported in ``ipcam.rtsp_url`` unless 322."""
    sim_time: float = 0.0
    next_demo_job_at: float | None = None

    @property
    def spec(self) -> ModelSpec:
        """Shortcut to the model facts."""
        return self.setup.spec


def initial_state(setup: PrinterSetup) -> PrinterState:
    """Seeded start state: room temperature, idle, AMS stocked."""
    rng = random.Random(f"{setup.seed}:{setup.serial}")
    ambient = round(rng.uniform(21.0, 25.0), 2)
    spec = setup.spec
    nozzles = [Heater(ambient, ambient, 3.5, 90.0) for _ in range(spec.extruders)]
    chamber_ambient = ambient if spec.has_chamber_sensor else 5.0
    wifi = rng.randint(-66, -42)
    lights = {node: "off" for node in spec.light_nodes}
    if "work_light" in lights:
        lights["work_light"] = "flashing"
    if spec.has_chamber_sensor:
        lights["chamber_light"] = "on"
    return PrinterState(
        setup=setup,
        rng=rng,
        ambient=ambient,
        nozzles=nozzles,
        bed=Heater(ambient, ambient, 1.0, 420.0),
        chamber=Heater(chamber_ambient, chamber_ambient, 0.03, 1200.0),
        units=build_units(spec, rng, setup.ams_units, setup.ams_ht_units, ambient),
        wifi_base=wifi,
        wifi_dbm=wifi,
        lights=lights,
        ams_version=rng.randint(2, 30000),
        secured=setup.secured,
        next_demo_job_at=30.0 if setup.demo else None,
    )
