"""Record every print of one printer: observations in, persisted records and events out.

The tracker decides when a print starts and ends; this adapter feeds it from the coordinator
(only when job, AMS or HMS data changed, plus a periodic sample for temperatures), feeds it the
user's room sensors while a print runs, writes records in order through a single writer task,
and keeps a small summary for the history sensors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.const import ATTR_DEVICE_CLASS, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .coordinator import PrinterCoordinator
from .core.analysis import AnalysisResult
from .core.history import (
    AsyncHistoryStore,
    HistoryError,
    InvalidObservationError,
    LifecycleEvent,
    LifecycleEventKind,
    Outcome,
    PrintRecord,
    PrintTracker,
    RetentionPolicy,
    RoomQuantity,
    RoomSample,
)
from .core.history.alerts import Alert, AlertKind, AlertThresholds, PrinterAlertMonitor
from .core.history.insights.intervals import wilson_interval
from .drying import DryingTracker
from .history_observation import observation_from_state

_LOGGER = logging.getLogger(__name__)
WATCHED_FIELDS = frozenset({"job", "hms", "ams", "active_tray", "external_spools"})
SAMPLE_EVERY = timedelta(seconds=60)
EVENT_PRINT = f"{DOMAIN}_print"
_QUANTITIES = {"temperature": RoomQuantity.TEMPERATURE, "humidity": RoomQuantity.HUMIDITY}


@dataclass(frozen=True, slots=True)
class HistorySummary:
    """What the history sensors show for one printer."""

    total: int
    today: int
    decided: int
    successes: int
    filament_grams: float
    last_outcome: Outcome | None
    last_record_id: str | None

    @property
    def success_rate(self) -> float | None:
        """Percent of prints with a known outcome that succeeded."""
        return None if not self.decided else 100.0 * self.successes / self.decided

    def success_interval(self) -> tuple[float, float] | None:
        """95 % Wilson interval of the success rate, in percent."""
        if not self.decided:
            return None
        interval = wilson_interval(self.successes, self.decided)
        return (round(100 * interval.lower, 1), round(100 * interval.upper, 1))


def summarise(records: Sequence[PrintRecord], now: datetime) -> HistorySummary:
    """Counts over one printer's records (newest first)."""
    start_of_day = dt_util.start_of_local_day(now)
    decided = [r for r in records if r.outcome is not None and r.outcome.is_decided]
    finished = [r for r in records if not r.is_open]
    return HistorySummary(
        total=len(records),
        today=sum(1 for r in records if r.started_at >= start_of_day),
        decided=len(decided),
        successes=sum(1 for r in decided if r.outcome is Outcome.SUCCESS),
        filament_grams=round(sum(r.filament_grams or 0.0 for r in records), 1),
        last_outcome=finished[0].outcome if finished else None,
        last_record_id=records[0].record_id if records else None,
    )


class PrinterHistoryRecorder:
    """One per printer entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        coordinator: PrinterCoordinator,
        store: AsyncHistoryStore,
        room_sensors: Sequence[str] = (),
        thresholds: AlertThresholds | None = None,
        drying: DryingTracker | None = None,
        retention_days: int = 0,
    ) -> None:
        """Nothing runs until :meth:`async_start`."""
        self.hass = hass
        self.coordinator = coordinator
        self.store = store
        self.room_sensors = tuple(room_sensors)
        self.summary: HistorySummary | None = None
        self.open_record: PrintRecord | None = None
        self._tracker: PrintTracker | None = None
        self._last_sample: datetime | None = None
        self._queue: asyncio.Queue[PrintRecord | None] = asyncio.Queue()
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribers: list[Callable[[], None]] = []
        self._invalid_logged = False
        self._monitor = PrinterAlertMonitor(thresholds)
        self.drying = drying
        self.retention = RetentionPolicy(max_age_days=retention_days) if retention_days else None
        self.last_analysis: dict[str, Any] | None = None
        """Score, id and time of the latest photo analysis of this printer."""
        self.alerts: dict[AlertKind, tuple[Alert, ...]] = {}
        """Per kind, the alerts currently active (one per heater, unit ...)."""

    @property
    def printer_id(self) -> str:
        """Records are keyed by serial, so they survive IP or name changes."""
        return self.coordinator.serial

    async def async_start(self) -> None:
        """Resume an open record after a restart, then follow the printer."""
        if self.drying is not None:
            await self.hass.async_add_executor_job(self.drying.load)
        await self._async_apply_retention()
        open_record = await self.store.open_record(self.printer_id)
        self._tracker = PrintTracker(self.printer_id, open_record=open_record)
        self.open_record = open_record
        await self._async_refresh_summary()
        entry = self.coordinator.config_entry
        entry.async_create_background_task(
            self.hass, self._async_writer(), f"{DOMAIN} history writer {self.printer_id}"
        )
        self._unsubscribers.append(self.coordinator.async_add_listener(self._on_update))
        if self.room_sensors:
            self._unsubscribers.append(
                async_track_state_change_event(self.hass, self.room_sensors, self._on_room)
            )
        self._observe(force=True)

    async def async_stop(self) -> None:
        """Flush pending writes; the open record stays open for the next start."""
        for unsubscribe in self._unsubscribers:
            unsubscribe()
        self._unsubscribers.clear()
        await self._queue.put(None)
        await self._queue.join()
        await self._async_save_drying()

    async def _async_save_drying(self) -> None:
        if self.drying is None:
            return
        try:
            await self.hass.async_add_executor_job(self.drying.save)
        except OSError as err:
            _LOGGER.warning("Could not save drying counters: %s", err)

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Sensors subscribe to summary changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _on_update(self) -> None:
        changed = self.coordinator.last_changed_fields
        now = dt_util.utcnow()
        due = self._last_sample is None or now - self._last_sample >= SAMPLE_EVERY
        if changed is not None and changed.isdisjoint(WATCHED_FIELDS) and not due:
            return
        self._observe(now=now)

    @callback
    def _observe(self, *, force: bool = False, now: datetime | None = None) -> None:
        state = self.coordinator.data
        if self._tracker is None or state is None or not state.has_status:
            return
        now = now or dt_util.utcnow()
        try:
            observation = observation_from_state(self.printer_id, state, now)
        except InvalidObservationError as err:
            if not self._invalid_logged:
                _LOGGER.warning("Skipping a status the print history cannot use: %s", err)
                self._invalid_logged = True
            return
        self._last_sample = now
        for event in self._tracker.observe(observation):
            self._handle_event(event)
        self._update_alerts(self._monitor.evaluate(observation))
        if self.drying is not None and self.drying.update(state, now):
            self._notify()

    @callback
    def _update_alerts(self, evaluated: tuple[Alert, ...]) -> None:
        active: dict[AlertKind, tuple[Alert, ...]] = {}
        for alert in evaluated:
            if alert.active:
                active[alert.kind] = (*active.get(alert.kind, ()), alert)
        if active != self.alerts:
            self.alerts = active
            self._notify()

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @callback
    def _handle_event(self, event: LifecycleEvent) -> None:
        record = event.record
        self._queue.put_nowait(record)
        self.open_record = None if event.kind is LifecycleEventKind.ENDED else record
        if event.kind in (LifecycleEventKind.STARTED, LifecycleEventKind.RESUMED):
            self._sample_rooms()
        if event.kind in (LifecycleEventKind.STARTED, LifecycleEventKind.ENDED):
            self.hass.bus.async_fire(
                EVENT_PRINT,
                {
                    "device_serial_suffix": self.printer_id[-4:],
                    "entry_id": self.coordinator.config_entry.entry_id,
                    "type": "started" if event.kind is LifecycleEventKind.STARTED else "ended",
                    "record_id": record.record_id,
                    "file": record.file_name,
                    "outcome": record.outcome.value if record.outcome else None,
                },
            )

    @callback
    def _on_room(self, event: Event[EventStateChangedData]) -> None:
        self._feed_room(event.data["new_state"])

    @callback
    def _sample_rooms(self) -> None:
        """Feed every room sensor's current value (at print start nothing has changed yet)."""
        now = dt_util.utcnow()
        for entity_id in self.room_sensors:
            self._feed_room(self.hass.states.get(entity_id), at=now)

    @callback
    def _feed_room(self, state: State | None, at: datetime | None = None) -> None:
        """One reading; ``at`` defaults to when the sensor last reported."""
        if self._tracker is None or state is None:
            return
        if state.state in (STATE_UNKNOWN, STATE_UNAVAILABLE):
            return
        quantity = _QUANTITIES.get(str(state.attributes.get(ATTR_DEVICE_CLASS)))
        try:
            value = float(state.state)
        except ValueError:
            return
        if quantity is not None:
            sample = RoomSample(state.entity_id, quantity, value, at or state.last_updated)
            self._tracker.observe_room(sample)

    async def _async_writer(self) -> None:
        """Write records strictly in the order they were produced."""
        while True:
            record = await self._queue.get()
            try:
                if record is None:
                    return
                await self.store.save(record)
                if not record.is_open:
                    await self._async_apply_retention()
                    await self._async_refresh_summary()
                    await self._async_save_drying()
            except Exception:
                _LOGGER.exception(
                    "Could not save print record %s", getattr(record, "record_id", "")
                )
            finally:
                self._queue.task_done()

    async def _async_apply_retention(self) -> None:
        """Drop this printer's finished prints older than the retention the user chose."""
        if self.retention is not None:
            await self.store.apply_retention(
                self.retention, dt_util.utcnow(), printer_id=self.printer_id
            )

    async def _async_refresh_summary(self) -> None:
        records = await self.store.list_records(printer_id=self.printer_id)
        self.summary = summarise(records, dt_util.now())
        self._notify()

    def current_or_last_record_id(self) -> str | None:
        """The print an analysis right now belongs to: the running one, else the last one."""
        if self.open_record is not None:
            return self.open_record.record_id
        return self.summary.last_record_id if self.summary else None

    async def async_attach_analysis(self, record_id: str | None, result: AnalysisResult) -> None:
        """Remember the analysis for the sensor and link it to the print record."""
        self.last_analysis = {
            "id": result.analysis_id,
            "score": result.overall_score,
            "created_at": result.created_at.isoformat(),
            "record_id": record_id,
        }
        if record_id is not None:
            try:
                await self.store.add_media_id(record_id, analysis_id=result.analysis_id)
            except HistoryError as err:
                _LOGGER.debug("Analysis not linked to print %s: %s", record_id, err)
        self._notify()

    def as_attributes(self) -> dict[str, Any]:
        """Details for the success-rate sensor."""
        summary = self.summary
        if summary is None:
            return {}
        return {
            "prints_with_outcome": summary.decided,
            "successes": summary.successes,
            "interval_95": summary.success_interval(),
        }
