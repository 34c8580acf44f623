"""The behaviour of one simulated printer, with no I/O.

`PrinterSim` advances the machine in fixed simulated steps and decides which reports a real
printer would publish: a full `push_status` (msg 0) on request or every five simulated
minutes, and in between deltas (msg 1, P1/A1) or full objects (X1/H2/P2S) whenever
something changed. Everything random comes from one seeded RNG and every step has the same
simulated length, so the same seed and the same requests give the same payloads; only the
injectable wall clock (`t_utc`, HMS timestamps) differs between runs.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import time
from typing import Any

from simulator import commands
from simulator.ams import find_tray, first_loaded_tray
from simulator.filaments import CATALOGUE
from simulator.hms import CANCELLED_ERROR, FAILURE_ERRORS, HMS_POOL, ActiveHms, HmsCode
from simulator.job import (
    PREHEAT_NOZZLE,
    SPEED_MAGNITUDES,
    GcodeState,
    JobSpec,
    PrintJob,
)
from simulator.payload_ops import status_delta
from simulator.state import FULL_PUSH_INTERVAL, PrinterSetup, PrinterState, initial_state
from simulator.status import build_status

JsonDict = dict[str, Any]

_DEMO_JOBS = (
    ("3DBenchy", 45, 240),
    ("Calibration_Cube", 20, 100),
    ("Cable_Clips_x12", 35, 40),
    ("Planter_Pot", 180, 600),
    ("Phone_Stand", 95, 350),
    ("Gear_Set", 70, 120),
    ("Headphone_Hook", 60, 300),
    ("Spool_Holder", 150, 450),
)
_HMS_MEAN_INTERVAL = 40 * 60.0  # simulated seconds between spontaneous HMS entries
_FAILURE_PROBABILITY = 0.15


class PrinterSim:
    """State machine and report scheduler of one printer."""

    def __init__(self, setup: PrinterSetup, clock: Callable[[], float] = time.time) -> None:
        self.setup = setup
        self.state: PrinterState = initial_state(setup)
        self._clock = clock
        self._sequence = self.state.rng.randint(100, 60000)
        self._baseline: JsonDict | None = None
        self._last_full_at = 0.0
        self.push_enabled = True

    # ----------------------------------------------------------------- reports
    def _envelope(self, status: JsonDict, msg: int) -> JsonDict:
        self._sequence += 1
        body = dict(status)
        if msg == 0 and not self.setup.spec.sends_deltas:  # newer firmware stamps full pushes
            body["t_utc"] = int(self._clock() * 1000)
        body.update(command="push_status", msg=msg, sequence_id=str(self._sequence))
        return {"print": body}

    def full_report(self) -> JsonDict:
        """A full snapshot (msg 0); also the new baseline for deltas."""
        status = build_status(self.state)
        self._baseline = status
        self._last_full_at = self.state.sim_time
        return self._envelope(status, 0)

    def change_report(self) -> JsonDict | None:
        """What changed since the last report, in the model's dialect; None if nothing."""
        status = build_status(self.state)
        if self._baseline is None:
            return self.full_report()
        if status == self._baseline:
            return None
        if not self.setup.spec.sends_deltas:
            return self.full_report()
        delta = status_delta(self._baseline, status)
        self._baseline = status
        return self._envelope(delta, 1)

    def snapshot(self) -> JsonDict:
        """Current full status without publishing anything or moving the baseline."""
        return build_status(self.state)

    # -------------------------------------------------------------------- time
    def tick(self) -> list[JsonDict]:
        """Advance one fixed step and return the reports to publish."""
        self.advance(self.setup.tick_sim_seconds)
        if not self.push_enabled:
            return []
        if self.state.sim_time - self._last_full_at >= FULL_PUSH_INTERVAL:
            return [self.full_report()]
        report = self.change_report()
        return [report] if report is not None else []

    def advance(self, dt: float) -> None:
        """Advance the machine by `dt` simulated seconds (no reports)."""
        state = self.state
        rng = state.rng
        self._advance_demo()  # before the job, so a finished job is reported at least once
        self._advance_job(dt)
        for nozzle in state.nozzles:
            nozzle.step(dt, rng)
        state.bed.step(dt, rng)
        if state.spec.has_chamber_sensor:
            state.chamber.step(dt, rng)
        self._advance_fans()
        if rng.random() < min(1.0, dt / 3.0) * 0.4:
            state.wifi_dbm = state.wifi_base + rng.randint(-3, 3)
        for unit in state.units:
            unit.drift(rng, dt, state.ambient)
        self._advance_hms(dt)
        state.sim_time += dt

    def _advance_job(self, dt: float) -> None:
        state = self.state
        job = state.job
        if job is None or state.gcode_state not in (GcodeState.PREPARE, GcodeState.RUNNING):
            return
        if job.state is GcodeState.PREPARE:
            job.advance_prepare(dt, state.bed.reached(2.0), state.nozzles[0].reached(3.0))
            state.nozzles[0].target = (
                job.nozzle_target if job.wants_print_temperature() else PREHEAT_NOZZLE
            )
        else:
            before = job.progress
            job.advance_printing(dt, SPEED_MAGNITUDES[state.speed_level])
            self._consume_filament(job.progress - before)
        state.gcode_state = job.state
        if job.state is GcodeState.FAILED:
            state.print_error = job.failure_error
            self._end_job()
        elif job.state is GcodeState.FINISH:
            self._end_job()

    def _consume_filament(self, progress_delta: float) -> None:
        tray = find_tray(self.state.units, self.state.tray_now)
        if tray is not None and tray.remain > 0:
            tray.remain = max(0.0, tray.remain - progress_delta * 12.0)

    def _advance_fans(self) -> None:
        """Firmware fan logic; while no job runs, fans keep what G-code set."""
        state = self.state
        fans = state.fans
        fans.heatbreak = 15 if state.nozzles[0].current > 50 else 0
        job = state.job
        if job is None or state.gcode_state is not GcodeState.RUNNING:
            return
        cooling = job.layer > 2
        fans.part = 15 if cooling else 0
        fans.aux = 10 if cooling else 0
        fans.chamber = 6 if state.spec.has_chamber_sensor else 0

    def _advance_hms(self, dt: float) -> None:
        state = self.state
        rng = state.rng
        now = state.sim_time
        state.hms = [e for e in state.hms if e.expires_at is None or e.expires_at > now]
        printing = state.gcode_state is GcodeState.RUNNING
        if printing and len(state.hms) < 2 and rng.random() < min(1.0, dt / _HMS_MEAN_INTERVAL):
            code = rng.choice(HMS_POOL[state.spec.family])
            lifetime = rng.uniform(180.0, 720.0)
            state.hms.append(ActiveHms(code, self._clock(), now + lifetime))

    def _advance_demo(self) -> None:
        state = self.state
        due = state.next_demo_job_at
        if due is None or state.sim_time < due or not self.is_idle:
            return
        name, minutes, layers = state.rng.choice(_DEMO_JOBS)
        job = JobSpec(name=name, duration_minutes=minutes, total_layers=layers, print_type="cloud")
        self.start_print(job, seeded_failure=True, seeded_ids=True)
        state.next_demo_job_at = None

    def _end_job(self) -> None:
        state = self.state
        for nozzle in state.nozzles:
            nozzle.target = 0.0
        state.bed.target = 0.0
        state.chamber.target = 0.0
        state.fans.part = state.fans.aux = state.fans.chamber = 0
        if state.setup.demo:
            state.next_demo_job_at = state.sim_time + state.rng.uniform(120.0, 480.0)

    # ---------------------------------------------------------------- controls
    @property
    def is_idle(self) -> bool:
        """True when a new job may start."""
        return self.state.gcode_state in (GcodeState.IDLE, GcodeState.FINISH, GcodeState.FAILED)

    def start_print(
        self, spec: JobSpec, *, seeded_failure: bool = False, seeded_ids: bool = False
    ) -> bool:
        """Begin a job if idle. `seeded_failure` lets the RNG decide whether it fails."""
        state = self.state
        if not self.is_idle:
            return False
        rng = state.rng
        fail_at = spec.fail_at
        if seeded_failure and fail_at is None and rng.random() < _FAILURE_PROBABILITY:
            fail_at = round(rng.uniform(0.1, 0.9), 3)
        if seeded_ids:
            task = rng.randint(100_000_000, 899_999_999)
            spec = dataclasses.replace(
                spec,
                task_id=str(task),
                subtask_id=str(task + 1400),
                project_id=str(rng.randint(100_000_000, 999_999_999)),
                profile_id=str(rng.randint(100_000_000, 999_999_999)),
            )
        if fail_at != spec.fail_at:
            spec = dataclasses.replace(spec, fail_at=fail_at)
        state.tray_prev = state.tray_now
        state.tray_now = first_loaded_tray(state.units, rng)
        tray = find_tray(state.units, state.tray_now)
        filament = tray.filament if tray is not None else CATALOGUE[0]
        job = PrintJob(
            spec=spec,
            nozzle_target=spec.nozzle_temp or float(filament.print_nozzle),
            bed_target=spec.bed_temp or float(filament.print_bed),
            failure_error=rng.choice(FAILURE_ERRORS[state.spec.family]),
        )
        state.job = job
        state.job_count += 1
        state.gcode_state = GcodeState.PREPARE
        state.print_error = 0
        state.bed.target = job.bed_target
        state.nozzles[0].target = PREHEAT_NOZZLE
        if state.spec.has_chamber_sensor and filament.tray_type in ("ABS", "PA-CF"):
            state.chamber.target = 40.0
        return True

    def pause(self) -> bool:
        """RUNNING/PREPARE -> PAUSE."""
        state = self.state
        if state.job is None or state.gcode_state not in (GcodeState.RUNNING, GcodeState.PREPARE):
            return False
        state.job.state_before_pause = state.gcode_state
        state.job.state = GcodeState.PAUSE
        state.gcode_state = GcodeState.PAUSE
        return True

    def resume(self) -> bool:
        """PAUSE -> the state before the pause."""
        state = self.state
        if state.job is None or state.gcode_state is not GcodeState.PAUSE:
            return False
        state.job.state = state.job.state_before_pause
        state.gcode_state = state.job.state
        return True

    def stop(self) -> bool:
        """Cancel the job: FAILED with the "task was canceled" error, like the printer."""
        state = self.state
        if state.job is None or self.is_idle:
            return False
        state.job.state = GcodeState.FAILED
        state.gcode_state = GcodeState.FAILED
        state.print_error = CANCELLED_ERROR
        self._end_job()
        return True

    def set_speed_level(self, level: int) -> None:
        """spd_lvl 1..4."""
        self.state.speed_level = level

    def inject_hms(self, attr: int, code: int, lifetime: float | None = None) -> None:
        """Raise an HMS entry; it stays until cleared unless `lifetime` (sim seconds) is given."""
        expires = None if lifetime is None else self.state.sim_time + lifetime
        self.state.hms.append(ActiveHms(HmsCode(attr, code), self._clock(), expires))

    def clear_hms(self) -> None:
        """Drop every HMS entry."""
        self.state.hms.clear()

    def handle_request(self, raw: bytes | str) -> list[JsonDict]:
        """React to one request payload; returns the replies and follow-up reports."""
        return commands.dispatch(self, raw)
