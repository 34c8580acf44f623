"""Detect print start, progress and end from a stream of observations of one printer.

The tracker is a small state machine. Each observation may yield lifecycle events whose
records the integration persists; persisting STARTED/UPDATED/RESUMED keeps an open record
on disk, so after a restart the integration passes it back in and the tracker resumes it
(same job id / file and no progress regression) instead of creating a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import uuid4

from .errors import InvalidObservationError
from .observation import GcodeState, PrintObservation, RoomSample
from .record import PrintRecord
from .recording import close_record, fold_observation, fold_room_sample, start_record

PROGRESS_REGRESSION_PERCENT = 5.0
_PLACEHOLDER_IDS = frozenset({"", "0"})


class LifecycleEventKind(StrEnum):
    """What happened to the print record."""

    STARTED = "started"
    RESUMED = "resumed"
    UPDATED = "updated"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    """A change the integration should persist (and may announce)."""

    kind: LifecycleEventKind
    record: PrintRecord

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind.value, "record": self.record.as_dict()}


def same_job(record: PrintRecord, obs: PrintObservation) -> bool:
    """Whether `obs` still shows the job of `record`.

    A real task id settles it. LAN prints report task id "0", so then the file/model names
    decide, and a progress drop of more than 5 points while printing means the same file was
    started again.
    """
    for old, new in ((record.task_id, obs.task_id), (record.subtask_id, obs.subtask_id)):
        if old not in _PLACEHOLDER_IDS and new not in _PLACEHOLDER_IDS and old and new:
            return old == new
    for old, new in ((record.file_name, obs.file_name), (record.model_name, obs.model_name)):
        if old and new and old != new:
            return False
    before, now = record.progress_percent, obs.progress_percent
    if not obs.gcode_state.is_active or before is None or now is None:
        return True  # an end state may reset progress; it cannot be a restart
    return now >= before - PROGRESS_REGRESSION_PERCENT


class PrintTracker:
    """Turns one printer's observations into print records. Not thread-safe; call from one task."""

    def __init__(
        self,
        printer_id: str,
        *,
        open_record: PrintRecord | None = None,
        checkpoint_interval: timedelta = timedelta(minutes=1),
        new_record_id: Callable[[], str] | None = None,
    ) -> None:
        if open_record is not None and (
            open_record.printer_id != printer_id or not open_record.is_open
        ):
            raise InvalidObservationError("open_record must be an open record of this printer")
        if checkpoint_interval <= timedelta(0):
            raise InvalidObservationError("checkpoint_interval must be positive")
        self._printer_id = printer_id
        self._record = open_record
        self._unconfirmed = open_record is not None
        self._interval = checkpoint_interval
        self._new_id = new_record_id or (lambda: uuid4().hex)
        self._last_state: GcodeState | None = None
        self._last_saved: datetime | None = None

    @property
    def printer_id(self) -> str:
        """The printer this tracker follows."""
        return self._printer_id

    @property
    def record(self) -> PrintRecord | None:
        """The open record, if a print is in progress (or awaiting confirmation)."""
        return self._record

    def observe(self, obs: PrintObservation) -> tuple[LifecycleEvent, ...]:
        """Feed one status observation; returns the events to persist, in order."""
        if obs.printer_id != self._printer_id:
            raise InvalidObservationError(
                f"observation of {obs.printer_id!r} fed to tracker of {self._printer_id!r}"
            )
        events: list[LifecycleEvent] = []
        if self._record is not None and self._unconfirmed:
            self._reconcile(obs, events)
        elif self._record is not None:
            self._continue(obs, events)
        if self._record is None and obs.gcode_state.is_active:
            seen_before = self._last_state is not None and self._last_state in (
                GcodeState.IDLE,
                GcodeState.FINISH,
                GcodeState.FAILED,
            )
            observed = seen_before or obs.gcode_state is GcodeState.PREPARE
            self._record = start_record(obs, self._new_id(), start_observed=observed)
            self._emit(events, LifecycleEventKind.STARTED, obs.at)
        self._last_state = obs.gcode_state
        return tuple(events)

    def observe_room(self, sample: RoomSample) -> bool:
        """Add a room-sensor reading to the running print; False when no print is running."""
        record = self._record
        if record is None or self._unconfirmed or sample.at < record.started_at:
            return False
        self._record = fold_room_sample(record, sample)
        return True

    def _reconcile(self, obs: PrintObservation, events: list[LifecycleEvent]) -> None:
        """First observation after a restart: resume, finish or abandon the stored record."""
        record = self._record
        assert record is not None
        state = obs.gcode_state
        if state is GcodeState.UNKNOWN:
            return
        self._unconfirmed = False
        if state.is_active and same_job(record, obs):
            self._record = fold_observation(record, obs)
            self._emit(events, LifecycleEventKind.RESUMED, obs.at)
        elif state.is_terminal and same_job(record, obs):
            folded = fold_observation(record, obs)
            self._end(events, folded, record.last_seen_at, state, end_observed=False)
        else:
            self._end(events, record, record.last_seen_at, None, end_observed=False)

    def _continue(self, obs: PrintObservation, events: list[LifecycleEvent]) -> None:
        record = self._record
        assert record is not None
        state = obs.gcode_state
        if state is GcodeState.UNKNOWN:
            return
        if not same_job(record, obs):
            self._end(events, record, record.last_seen_at, None, end_observed=False)
        elif state.is_terminal:
            self._end(events, fold_observation(record, obs), obs.at, state, end_observed=True)
        elif state is GcodeState.IDLE:
            self._end(events, record, record.last_seen_at, None, end_observed=False)
        else:
            self._record = fold_observation(record, obs)
            new_hms = len(self._record.hms) != len(record.hms)
            due = self._last_saved is None or obs.at - self._last_saved >= self._interval
            if due or new_hms or state != self._last_state:
                self._emit(events, LifecycleEventKind.UPDATED, obs.at)

    def _end(
        self,
        events: list[LifecycleEvent],
        record: PrintRecord,
        at: datetime,
        final_state: GcodeState | None,
        *,
        end_observed: bool,
    ) -> None:
        closed = close_record(record, at=at, final_state=final_state, end_observed=end_observed)
        events.append(LifecycleEvent(LifecycleEventKind.ENDED, closed))
        self._record = None
        self._last_saved = None

    def _emit(self, events: list[LifecycleEvent], kind: LifecycleEventKind, at: datetime) -> None:
        assert self._record is not None
        events.append(LifecycleEvent(kind, self._record))
        self._last_saved = at
