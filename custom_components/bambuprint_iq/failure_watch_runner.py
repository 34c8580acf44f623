"""In-print failure watch for one printer entry.

While a print runs, a camera frame is taken every few minutes (within an hourly cost cap),
passed through the quality gate and scored by the assistant's vision model for spaghetti and
detachment. Scores are smoothed by :class:`FailureWatch`, so one odd frame never triggers
anything; level changes update the "Failure suspected" binary sensor and fire an event, and
at the PAUSE level the print is paused once, if the user allowed it and the connection can.

Watch frames do not count against the assistant's daily ``analyze_print`` cap: that cap
counts stored diagnoses of finished prints, which the watch never creates, and a long print
would otherwise use up the analyses the user keeps for photos. The watch's own frames-per-hour
cap bounds its cost instead.

Nothing here may break the printer entry: camera and model failures skip the frame and are
logged once per kind and print.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
import logging
import time
from typing import Any, Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .assistant import AssistantConfigEntry, async_api_key_rejected, loaded_assistant
from .camera_manager import CameraManager, async_get_camera_manager
from .const import DOMAIN
from .coordinator import BambuConfigEntry
from .core.analysis import (
    ApiKeyRejected,
    FailureWatch,
    FilamentSpec,
    FrameCheck,
    ImageRejected,
    InvalidPrintContext,
    PrintContext,
    PrinterProfile,
    ProviderError,
    WatchLevel,
)
from .core.analysis.frame_budget import FrameBudget
from .core.analysis.image_prepare import PreparedImage
from .core.printer import commands
from .core.printer.capabilities import Capability
from .core.printer.enums import ACTIVE_GCODE_STATES, GcodeState
from .core.printer.errors import PrinterConnectionError
from .failure_watch_options import InvalidWatchOptions, WatchSettings, watch_settings
from .failure_watch_report import (
    EVENT_FAILURE_WATCH,
    PauseAction,
    WatchReport,
    WatchStatus,
    frame_reason,
)

_LOGGER = logging.getLogger(__name__)

FRAME_MAX_AGE: Final = 0.0
"""Always a frame taken after the tick, so the frozen-camera check compares new pictures."""
FRAME_TIMEOUT: Final = 15.0
_ENDED_STATES: Final = frozenset({GcodeState.IDLE, GcodeState.FINISH, GcodeState.FAILED})

type Clock = Callable[[], float]


class FailureWatchRunner:
    """See the module docstring. Build and start with :func:`async_start_failure_watch`."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BambuConfigEntry,
        settings: WatchSettings,
        *,
        clock: Clock = time.monotonic,
    ) -> None:
        """Nothing runs until :meth:`async_start`; ``clock`` drives the hourly frame cap."""
        self.hass = hass
        self.entry = entry
        self.settings = settings
        self._coordinator = entry.runtime_data.coordinator
        self._clock = clock
        self._watch = FailureWatch(settings.thresholds)
        self._budget = FrameBudget(settings.max_frames_per_hour)
        self._previous: PreparedImage | None = None
        self._in_print = False
        self._print_number = 0
        self._pause_attempted = False
        self._logged: set[str] = set()
        self._report = WatchReport(WatchStatus.IDLE if settings.enabled else WatchStatus.DISABLED)
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe: CALLBACK_TYPE | None = None
        self._cancel_timer: CALLBACK_TYPE | None = None
        self._check: asyncio.Task[None] | None = None

    # ---------------------------------------------------------------- state
    @property
    def report(self) -> WatchReport:
        """The latest published state."""
        return self._report

    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """The binary sensor subscribes to report changes."""
        self._listeners.append(listener)

        @callback
        def remove() -> None:
            if listener in self._listeners:  # already gone when the watch stopped first
                self._listeners.remove(listener)

        return remove

    @callback
    def _publish(self, report: WatchReport) -> None:
        if report == self._report:
            return
        self._report = report
        for listener in list(self._listeners):
            listener()

    # ------------------------------------------------------------- lifecycle
    @callback
    def async_start(self) -> None:
        """Follow the printer's job state; a print already running is watched from now."""
        if not self.settings.enabled:
            return
        self._unsubscribe = self._coordinator.async_add_listener(self._async_on_printer_update)
        self._sync_with_printer()

    @callback
    def async_stop(self) -> None:
        """Entry unload: stop the timer, the listener and any check in flight."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._stop_timer()
        self._cancel_check()
        self._listeners.clear()

    @callback
    def _async_on_printer_update(self) -> None:
        changed = self._coordinator.last_changed_fields
        if changed is not None and "job" not in changed:
            return
        self._sync_with_printer()

    @callback
    def _sync_with_printer(self) -> None:
        gcode_state = self._coordinator.data.gcode_state
        if not self._in_print and gcode_state in ACTIVE_GCODE_STATES:
            self._begin_print()
        elif self._in_print and gcode_state in _ENDED_STATES:
            self._end_print()
        running = (
            self._in_print
            and gcode_state is GcodeState.RUNNING
            and self._coordinator.last_update_success
        )
        if (
            running
            and self._cancel_timer is None
            and self._report.status is not WatchStatus.NO_CAMERA
        ):
            self._start_timer()
        elif not running and self._cancel_timer is not None:
            self._stop_timer()
            if self._in_print:
                self._publish(replace(self._report, status=WatchStatus.WAITING))

    @callback
    def _begin_print(self) -> None:
        """A fresh watch per print: scores of the last print say nothing about this one."""
        self._in_print = True
        self._print_number += 1
        self._watch = self._watch.reset()
        self._previous = None
        self._pause_attempted = False
        self._logged.clear()
        self._publish(WatchReport(WatchStatus.WAITING))

    @callback
    def _end_print(self) -> None:
        self._in_print = False
        self._stop_timer()
        self._cancel_check()
        self._watch = self._watch.reset()
        self._previous = None
        self._publish(WatchReport(WatchStatus.IDLE))

    @callback
    def _start_timer(self) -> None:
        if self._camera() is None:
            self._publish(replace(self._report, status=WatchStatus.NO_CAMERA))
            return
        self._cancel_timer = async_track_time_interval(
            self.hass,
            self._async_on_tick,
            self.settings.interval,
            name=f"{DOMAIN} failure watch {self._coordinator.serial}",
            cancel_on_shutdown=True,
        )
        self._publish(replace(self._report, status=WatchStatus.WATCHING))

    @callback
    def _stop_timer(self) -> None:
        if self._cancel_timer is not None:
            self._cancel_timer()
            self._cancel_timer = None

    @callback
    def _cancel_check(self) -> None:
        if self._check is not None and not self._check.done():
            self._check.cancel()
        self._check = None

    @callback
    def _async_on_tick(self, _now: datetime) -> None:
        """Never stack checks: a slow model call makes the next tick a no-op."""
        if self._check is not None and not self._check.done():
            _LOGGER.debug("%s: the previous frame check is still running", self.entry.title)
            return
        self._check = self.entry.async_create_background_task(
            self.hass,
            self._async_check(self._print_number),
            f"{DOMAIN} failure watch check {self._coordinator.serial}",
        )

    def _camera(self) -> CameraManager | None:
        return async_get_camera_manager(self.hass, self.entry)

    # ----------------------------------------------------------------- checks
    async def _async_check(self, print_number: int) -> None:
        """Take, gate and score one frame, then act on the smoothed level."""
        assistant = loaded_assistant(self.hass)
        if assistant is None or not assistant.runtime_data.has_model:
            self._log_once(
                "no_assistant",
                logging.INFO,
                "%s: the failure watch needs the BambuPrint IQ assistant with an AI provider; "
                "no frame taken",
            )
            self._publish(replace(self._report, status=WatchStatus.NO_ASSISTANT))
            return
        camera = self._camera()
        if camera is None:
            self._publish(replace(self._report, status=WatchStatus.NO_CAMERA))
            return
        now = self._clock()
        if not self._budget.allows(now):
            self._log_once(
                "frame_cap",
                logging.INFO,
                "%s: the failure watch used its %d frames for this hour and waits",
                self.settings.max_frames_per_hour,
            )
            reason = f"hourly cap of {self.settings.max_frames_per_hour} frames reached"
            self._publish(replace(self._report, status=WatchStatus.WATCHING, last_reason=reason))
            return
        check = await self._async_score_frame(assistant, camera, now)
        if print_number != self._print_number:
            return  # the print ended while the model was thinking
        if isinstance(check, FrameCheck):
            self._previous = check.frame
            self._watch = (
                self._watch.skip() if check.score is None else self._watch.observe(check.score)
            )
            reason = frame_reason(check)
        else:
            self._watch = self._watch.skip()
            reason = check
        await self._async_apply(reason)

    async def _async_score_frame(
        self, assistant: AssistantConfigEntry, camera: CameraManager, now: float
    ) -> FrameCheck | str:
        """The model's verdict, or why there is none (as a short text)."""
        try:
            frame = await camera.get_frame(max_age=FRAME_MAX_AGE, timeout=FRAME_TIMEOUT)
        except PrinterConnectionError as err:
            self._log_once(
                f"camera:{type(err).__name__}",
                logging.WARNING,
                "%s: the failure watch got no camera frame: %s",
                err,
            )
            return "no camera frame"
        context = self._print_context()
        try:
            check = await assistant.runtime_data.analyzer.check_frame(
                frame.jpeg, context, previous=self._previous
            )
        except ImageRejected as err:
            self._log_once("image_rejected", logging.WARNING, "%s: unusable camera frame: %s", err)
            return "unusable camera frame"
        except ProviderError as err:
            self._budget = self._budget.spend(now)  # the request was made; count it
            if isinstance(err, ApiKeyRejected):
                async_api_key_rejected(self.hass, assistant)
            self._log_once(
                f"provider:{type(err).__name__}",
                logging.WARNING,
                "%s: the failure watch skipped a frame because the vision model failed: %s",
                err,
            )
            return f"vision model unavailable ({type(err).__name__})"
        if check.score is not None:
            self._budget = self._budget.spend(now)
        return check

    async def _async_apply(self, reason: str) -> None:
        """Publish the new counts; on a level change act (maybe pause) and fire the event."""
        previous = self._report
        watch = self._watch
        level = watch.level
        action = previous.action
        if level is not previous.level and level is WatchLevel.PAUSE:
            action = await self._async_maybe_pause() or action
        report = WatchReport(
            status=WatchStatus.WATCHING if self._cancel_timer else WatchStatus.WAITING,
            level=level,
            smoothed=watch.smoothed,
            frames=watch.frames,
            skipped=watch.skipped,
            last_reason=reason,
            last_check=dt_util.utcnow(),
            action=action,
        )
        self._publish(report)
        if level is not previous.level:
            self.hass.bus.async_fire(
                EVENT_FAILURE_WATCH,
                report.event_data(device_id=self._device_id(), serial=self._coordinator.serial),
            )

    async def _async_maybe_pause(self) -> PauseAction | None:
        """Pause once per print, only with the option on and a connection that may."""
        if not self.settings.auto_pause or self._pause_attempted:
            return None
        self._pause_attempted = True
        capabilities = self._coordinator.capabilities
        if Capability.CONTROL not in capabilities:
            self._log_once(
                "pause_unavailable",
                logging.INFO,
                "%s: a print failure is likely, but this connection cannot pause the print (%s)",
                capabilities.missing.get(Capability.CONTROL, "no control"),
            )
            return PauseAction.PAUSE_UNAVAILABLE
        try:
            await self._coordinator.async_send_command(commands.pause)
        except HomeAssistantError as err:
            _LOGGER.warning(
                "%s: a print failure is likely, but pausing failed: %s", self.entry.title, err
            )
            return PauseAction.PAUSE_FAILED
        _LOGGER.warning("%s: a print failure is likely; the print was paused", self.entry.title)
        return PauseAction.PAUSED

    # ---------------------------------------------------------------- helpers
    def _print_context(self) -> PrintContext:
        """Filament and model help the model judge the frame; optional."""
        state = self._coordinator.data
        tray = state.active_tray
        model = self._coordinator.model
        try:
            return PrintContext(
                filament=FilamentSpec((tray.tray_type or "") if tray else ""),
                printer=PrinterProfile(
                    model=model.value if model else None,
                    nozzle_diameter_mm=state.nozzle_diameter or 0.4,
                ),
            )
        except InvalidPrintContext:
            return PrintContext()

    def _device_id(self) -> str | None:
        device = dr.async_get(self.hass).async_get_device(
            identifiers={(DOMAIN, self._coordinator.serial)}
        )
        return device.id if device is not None else None

    def _log_once(self, kind: str, level: int, message: str, *args: Any) -> None:
        """One line per kind of trouble and print; the title comes first in every message."""
        if kind in self._logged:
            return
        self._logged.add(kind)
        _LOGGER.log(level, message, self.entry.title, *args)


@callback
def async_start_failure_watch(hass: HomeAssistant, entry: BambuConfigEntry) -> FailureWatchRunner:
    """Build the entry's watch from its options, start it and stop it with the entry.

    Options the form could not have saved turn the watch off with one error line instead
    of failing the printer entry.
    """
    try:
        settings = watch_settings(entry.options)
    except InvalidWatchOptions as err:
        _LOGGER.error("%s: the failure watch is off: %s", entry.title, err)
        settings = WatchSettings(enabled=False)
    runner = FailureWatchRunner(hass, entry, settings)
    runner.async_start()
    entry.async_on_unload(runner.async_stop)
    return runner
