"""Print job lifecycle: PREPARE stages, progress while RUNNING, FINISH or FAILED.

Kept free of payload details so the rules (when a stage ends, how speed affects progress,
when a seeded failure strikes) can be read and tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
import math


class GcodeState(StrEnum):
    """Values of `print.gcode_state` the simulator produces."""

    IDLE = "IDLE"
    PREPARE = "PREPARE"
    RUNNING = "RUNNING"
    PAUSE = "PAUSE"
    FINISH = "FINISH"
    FAILED = "FAILED"


class Waits(StrEnum):
    """What a PREPARE stage waits for besides its minimum duration."""

    NOTHING = "nothing"
    BED = "bed"
    NOZZLE = "nozzle"


@dataclass(frozen=True, slots=True)
class PrepareStage:
    """One stg id of the PREPARE sequence."""

    stage_id: int
    min_seconds: float
    waits: Waits = Waits.NOTHING


# Stage ids from the printer's stage table: 2 heatbed preheating, 13 homing toolhead,
# 14 cleaning nozzle tip, 1 auto bed levelling, 7 heating hotend, 8 calibrating extrusion.
PREPARE_STAGES: tuple[PrepareStage, ...] = (
    PrepareStage(2, 10, Waits.BED),
    PrepareStage(13, 25),
    PrepareStage(14, 30),
    PrepareStage(1, 120),
    PrepareStage(7, 5, Waits.NOZZLE),
    PrepareStage(8, 45),
)
_HOTEND_STAGE_INDEX = 4
STAGE_PRINTING = 0
STAGE_PAUSED_BY_USER = 16
PREHEAT_NOZZLE = 140.0  # nozzle temperature held while levelling, before the print temperature

# spd_lvl -> spd_mag percent (silent, standard, sport, ludicrous)
SPEED_MAGNITUDES: dict[int, int] = {1: 50, 2: 100, 3: 124, 4: 166}


@dataclass(frozen=True, slots=True)
class JobSpec:
    """What to print. Temperatures default to the loaded filament's values."""

    name: str
    duration_minutes: float = 30.0
    total_layers: int = 100
    nozzle_temp: float | None = None
    bed_temp: float | None = None
    fail_at: float | None = None  # fraction of progress at which the job fails; None = never
    task_id: str = "0"
    subtask_id: str = "0"
    project_id: str = "0"
    profile_id: str = "0"
    print_type: str = "local"

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("a job needs a name")
        if not 0 < self.duration_minutes <= 10_000:
            raise ValueError("duration_minutes must be in (0, 10000]")
        if not 1 <= self.total_layers <= 100_000:
            raise ValueError("total_layers must be in [1, 100000]")
        if self.fail_at is not None and not 0 < self.fail_at < 1:
            raise ValueError("fail_at must be a fraction in (0, 1)")


@dataclass(slots=True)
class PrintJob:
    """A job in progress (or just ended)."""

    spec: JobSpec
    nozzle_target: float
    bed_target: float
    failure_error: int
    state: GcodeState = GcodeState.PREPARE
    stage_index: int = 0
    stage_elapsed: float = 0.0
    printed_seconds: float = 0.0  # progress measured at standard speed
    prepare_percent: int = 0
    state_before_pause: GcodeState = GcodeState.RUNNING
    stages: tuple[int, ...] = field(default=tuple(stage.stage_id for stage in PREPARE_STAGES))

    @property
    def duration_seconds(self) -> float:
        """Printing time at standard speed."""
        return self.spec.duration_minutes * 60.0

    @property
    def progress(self) -> float:
        """0..1 fraction of the printing phase done."""
        return min(1.0, self.printed_seconds / self.duration_seconds)

    @property
    def percent(self) -> int:
        """mc_percent."""
        return 100 if self.state is GcodeState.FINISH else math.floor(self.progress * 100)

    @property
    def layer(self) -> int:
        """layer_num: 0 while preparing, then 1..total."""
        if self.state is GcodeState.PREPARE:
            return 0
        total = self.spec.total_layers
        return max(1, min(total, math.ceil(self.progress * total)))

    def remaining_minutes(self, speed_magnitude: int) -> int:
        """mc_remaining_time in minutes at the current speed."""
        if self.state in (GcodeState.FINISH, GcodeState.FAILED):
            return 0
        left = (self.duration_seconds - self.printed_seconds) * 100.0 / speed_magnitude
        return math.ceil(left / 60.0)

    @property
    def current_stage(self) -> int:
        """stg_cur."""
        if self.state is GcodeState.PREPARE:
            return PREPARE_STAGES[self.stage_index].stage_id
        if self.state is GcodeState.PAUSE:
            return STAGE_PAUSED_BY_USER
        return STAGE_PRINTING

    def advance_prepare(self, dt: float, bed_ready: bool, nozzle_ready: bool) -> None:
        """Walk through the PREPARE stages; switch to RUNNING after the last one."""
        self.prepare_percent = min(100, self.prepare_percent + max(1, round(dt * 10)))
        self.stage_elapsed += dt
        stage = PREPARE_STAGES[self.stage_index]
        ready = {Waits.NOTHING: True, Waits.BED: bed_ready, Waits.NOZZLE: nozzle_ready}[stage.waits]
        if self.stage_elapsed < stage.min_seconds or not ready:
            return
        self.stage_index += 1
        self.stage_elapsed = 0.0
        if self.stage_index >= len(PREPARE_STAGES):
            self.stage_index = len(PREPARE_STAGES) - 1
            self.state = GcodeState.RUNNING

    def wants_print_temperature(self) -> bool:
        """The nozzle goes to print temperature from the "heating hotend" stage on."""
        return self.state is not GcodeState.PREPARE or self.stage_index >= _HOTEND_STAGE_INDEX

    def advance_printing(self, dt: float, speed_magnitude: int) -> None:
        """Progress while RUNNING; ends in FINISH, or FAILED at the seeded point."""
        self.printed_seconds += dt * speed_magnitude / 100.0
        fail_at = self.spec.fail_at
        if fail_at is not None and self.progress >= fail_at:
            self.printed_seconds = fail_at * self.duration_seconds
            self.state = GcodeState.FAILED
        elif self.printed_seconds >= self.duration_seconds:
            self.printed_seconds = self.duration_seconds
            self.state = GcodeState.FINISH
