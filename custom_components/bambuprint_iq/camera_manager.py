"""One camera owner per printer entry, shared by the camera and image entities and the actions.

It holds the printer's single upstream (the shared port-6000 stream on P1/A1, ffmpeg stills
on RTSPS printers), turns a refused access code into an unavailable entity with one log
line instead of a retry storm, raises the "LAN Only Liveview is off" repair, keeps the
newest saved picture for the image entity and runs the timelapse when the option is on.

It is created by the first platform or action that needs it and closed with the entry, so
the integration's setup does not need to know about it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
import contextlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
import logging
from pathlib import Path
from typing import Any, Final, Self

from homeassistant.const import CONF_HOST, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util.hass_dict import HassKey

from .camera_rtsp import LIVEVIEW_DISABLED, LiveviewDisabled, RtspStillSource, rtsps_url
from .camera_timelapse import (
    TimelapseController,
    TimelapseSummary,
    async_last_timelapse,
    async_recover_interrupted,
    timelapse_dir,
)
from .const import CONF_ACCESS_CODE, CONF_CAMERA_PORT, CONF_TIMELAPSE, DEFAULT_CAMERA_PORT, DOMAIN
from .coordinator import BambuConfigEntry, BambuRuntimeData, PrinterCoordinator, tls_policy_for
from .core.camera import (
    CameraAccessDenied,
    CameraEndpoint,
    CameraFrame,
    CameraTimings,
    CameraUnavailable,
    FrameSource,
    FrameViewer,
    SharedCameraStream,
    Snapshot,
    StreamOptions,
    TimelapseOptions,
    async_save_snapshot,
)
from .core.camera.file_names import safe_name_part
from .core.camera.protocol import MAX_FRAME_BYTES
from .core.printer.capabilities import Capability
from .core.printer.errors import CertificateMismatch, SerialMismatch
from .core.printer.models import CameraKind, spec_for
from .history_store import storage_dir

_LOGGER = logging.getLogger(__name__)

"""Options key: record a timelapse of every print (off unless the user turns it on)."""
MJPEG_MAX_FPS: Final = 2.0
"""Printers send a frame every 1-2 s, so this cap never drops a real frame; it only bounds
what a misbehaving source could push to every browser."""
STREAM_OPTIONS = StreamOptions(idle_timeout=30.0, max_fps=MJPEG_MAX_FPS)
"""How the shared port-6000 link serves viewers; replaced as a whole (tests shorten the idle
timeout), never mutated."""
CAMERA_TIMINGS = CameraTimings()
TIMELAPSE_OPTIONS = TimelapseOptions()
"""One frame per layer; MP4 when ffmpeg exists, else animated WebP; 2 GiB per printer."""
STILL_MAX_AGE: Final = 2.0
STILL_TIMEOUT: Final = 8.0
"""Below Home Assistant's 10 s still deadline, so a slow camera gets a clean ``None``."""
SNAPSHOT_TIMEOUT: Final = 15.0
SNAPSHOTS_FOLDER: Final = "snapshots"
ISSUE_LIVEVIEW_DISABLED: Final = "lan_liveview_disabled"

DATA_CAMERA_MANAGERS: HassKey[dict[str, CameraManager]] = HassKey(f"{DOMAIN}_camera_managers")


class CameraFault(StrEnum):
    """Why a camera that exists cannot be used until the user acts (or a retry succeeds)."""

    ACCESS_DENIED = "access_denied"
    CERTIFICATE = "certificate"


class PictureSource(StrEnum):
    """Where the newest saved picture came from."""

    SNAPSHOT = "snapshot"
    TIMELAPSE = "timelapse"


@dataclass(frozen=True, slots=True)
class SavedPicture:
    """The newest picture the integration kept for a printer, for the image entity."""

    jpeg: bytes = field(repr=False)
    captured_at: datetime
    source: PictureSource
    path: Path | None
    """The file, for snapshots; timelapse frames end up inside the video."""


def camera_endpoint(data: Mapping[str, Any]) -> CameraEndpoint:
    """Port-6000 endpoint from the entry data; the TLS pin is the one made at setup.

    Raises ``ValueError`` for values the auth packet cannot carry.
    """
    return CameraEndpoint(
        host=data[CONF_HOST],
        access_code=data[CONF_ACCESS_CODE],
        tls=tls_policy_for(dict(data)),
        port=int(data.get(CONF_CAMERA_PORT) or DEFAULT_CAMERA_PORT),
    )


def snapshot_dir(hass: HomeAssistant) -> Path:
    """``<config>/bambuprint_iq/snapshots``: every printer's snapshots, named by serial."""
    return storage_dir(hass) / SNAPSHOTS_FOLDER


def _newest_snapshot(directory: Path, prefix: str) -> SavedPicture | None:
    """Blocking: the newest snapshot file of one printer (names sort by time)."""
    try:
        candidates = sorted(directory.glob(f"{prefix}_*.jpg"), reverse=True)
        for path in candidates:
            stat = path.stat()
            if path.is_symlink() or stat.st_size > MAX_FRAME_BYTES:
                continue
            return SavedPicture(
                jpeg=path.read_bytes(),
                captured_at=datetime.fromtimestamp(stat.st_mtime, UTC),
                source=PictureSource.SNAPSHOT,
                path=path,
            )
    except OSError as err:
        _LOGGER.debug("Could not read the last snapshot: %s", err)
    return None


class _WatchedFrames:
    """A viewer's frames; each one that arrives proves the camera works again."""

    def __init__(self, frames: FrameViewer, on_frame: Callable[[], None]) -> None:
        self._frames = frames
        self._on_frame = on_frame

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> CameraFrame:
        frame = await anext(self._frames)
        self._on_frame()
        return frame


class CameraManager:
    """See the module docstring. Build through :func:`async_get_camera_manager`."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BambuConfigEntry,
        kind: CameraKind,
        stream: SharedCameraStream | None,
    ) -> None:
        """``stream`` is the shared port-6000 link of a P1/A1; RTSPS printers use ffmpeg stills."""
        self.hass = hass
        self.entry = entry
        self.coordinator: PrinterCoordinator = entry.runtime_data.coordinator
        self.kind = kind
        self._stream = stream
        self._source: FrameSource = (
            stream if stream is not None else RtspStillSource(self._required_stream_source)
        )
        self.last_picture: SavedPicture | None = None
        self.last_timelapse: TimelapseSummary | None = None
        self._timelapse: TimelapseController | None = None
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._unsubscribe_stop: CALLBACK_TYPE | None = None
        self._fault: CameraFault | None = None
        self._fault_logged = False
        self._fault_timer: asyncio.TimerHandle | None = None
        self._issue_raised: bool | None = None
        self._closed = False

    # ---------------------------------------------------------------- state
    @property
    def serial(self) -> str:
        """The printer's serial (file names, unique ids)."""
        return self.coordinator.serial

    @property
    def closed(self) -> bool:
        """The entry unloaded; a new manager is made on the next load."""
        return self._closed

    @property
    def fault(self) -> CameraFault | None:
        """Set after the camera refused the access code or certificate, until a retry works."""
        return self._fault

    @property
    def liveview_disabled(self) -> bool:
        """An RTSPS printer reports ``rtsp_url: "disable"`` (LAN Only Liveview off)."""
        state = self.coordinator.data
        return (
            self.kind is CameraKind.RTSPS
            and state is not None
            and state.camera.rtsp_url == LIVEVIEW_DISABLED
        )

    @property
    def available(self) -> bool:
        """The camera can be asked for pictures right now."""
        return self._fault is None and not self.liveview_disabled

    @property
    def problem(self) -> tuple[CameraFault | None, bool]:
        """Everything that decides availability, for change detection."""
        return (self._fault, self.liveview_disabled)

    @property
    def timelapse_recording(self) -> bool:
        """A print's timelapse is being recorded."""
        return self._timelapse is not None and self._timelapse.recording

    def stream_source(self) -> str | None:
        """The RTSPS URL with the access code, for Home Assistant's stream. Never log it."""
        if self.kind is not CameraKind.RTSPS or self.liveview_disabled:
            return None
        data = self.entry.data
        state = self.coordinator.data
        reported = state.camera.rtsp_url if state is not None else None
        return rtsps_url(data[CONF_HOST], data[CONF_ACCESS_CODE], reported)

    def _required_stream_source(self) -> str:
        if (source := self.stream_source()) is None:
            raise LiveviewDisabled("LAN Only Liveview is switched off on the printer")
        return source

    # ------------------------------------------------------------- pictures
    async def get_frame(
        self,
        max_age: float = STILL_MAX_AGE,
        timeout: float = STILL_TIMEOUT,  # noqa: ASYNC109 - the caller's deadline, passed on
    ) -> CameraFrame:
        """A recent frame; raises the camera errors (and :class:`LiveviewDisabled`).

        A refused access code or certificate marks the camera unavailable (logged once);
        the next frame that arrives clears it.
        """
        if self.liveview_disabled:
            raise LiveviewDisabled("LAN Only Liveview is switched off on the printer")
        try:
            frame = await self._source.get_frame(max_age=max_age, timeout=timeout)
        except (CameraAccessDenied, CertificateMismatch, SerialMismatch) as err:
            self._set_fault(err)
            raise
        self._clear_fault()
        return frame

    @contextlib.asynccontextmanager
    async def watch(self, max_fps: float = MJPEG_MAX_FPS) -> AsyncIterator[_WatchedFrames]:
        """Live frames from the shared port-6000 link, paced at ``max_fps``.

        ``async with manager.watch() as frames: async for frame in frames: ...``
        """
        if self._stream is None:
            raise CameraUnavailable("this printer's camera has no JPEG stream")
        try:
            async with self._stream.watch(max_fps) as viewer:
                yield _WatchedFrames(viewer, self._clear_fault)
        except (CameraAccessDenied, CertificateMismatch, SerialMismatch) as err:
            self._set_fault(err)
            raise

    async def async_take_snapshot(self) -> Snapshot:
        """Save a fresh frame under ``<config>/bambuprint_iq/snapshots/``.

        Raises the camera errors of :meth:`get_frame` and :class:`CameraStorageError`.
        """
        frame = await self.get_frame(max_age=STILL_MAX_AGE, timeout=SNAPSHOT_TIMEOUT)
        path = await async_save_snapshot(frame, snapshot_dir(self.hass), name=self.serial)
        self._set_picture(SavedPicture(frame.jpeg, frame.captured_at, PictureSource.SNAPSHOT, path))
        return Snapshot(frame=frame, path=path)

    def diagnostics(self) -> dict[str, Any]:
        """Counters and state without addresses or codes."""
        return {
            "kind": self.kind.value,
            "available": self.available,
            "fault": self._fault,
            "liveview_disabled": self.liveview_disabled,
            "stream": asdict(self._stream.stats) if self._stream is not None else None,
            "timelapse_enabled": self._timelapse is not None,
            "timelapse_recording": self.timelapse_recording,
            "timelapse_frames": self._timelapse.frame_count if self._timelapse else None,
        }

    # ------------------------------------------------------------ listeners
    @callback
    def async_add_listener(self, listener: Callable[[], None]) -> CALLBACK_TYPE:
        """Entities subscribe to availability and picture changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    @callback
    def _set_picture(self, picture: SavedPicture) -> None:
        self.last_picture = picture
        self._notify()

    @callback
    def _on_timelapse_frame(self, frame: CameraFrame) -> None:
        self._set_picture(
            SavedPicture(frame.jpeg, frame.captured_at, PictureSource.TIMELAPSE, None)
        )

    @callback
    def _on_timelapse_video(self, summary: TimelapseSummary) -> None:
        self.last_timelapse = summary
        self._notify()

    # ---------------------------------------------------------------- faults
    @callback
    def _set_fault(self, error: Exception) -> None:
        fault = (
            CameraFault.CERTIFICATE
            if isinstance(error, CertificateMismatch | SerialMismatch)
            else CameraFault.ACCESS_DENIED
        )
        if self._fault is fault:
            return
        self._fault = fault
        retry_after = STREAM_OPTIONS.fatal_retry_after
        if not self._fault_logged:
            self._fault_logged = True
            _LOGGER.error(
                "The camera of %s refused %s; the camera entity is unavailable and is "
                "retried every %d s. %s",
                self.entry.title,
                "the access code" if fault is CameraFault.ACCESS_DENIED else "the connection",
                retry_after,
                "Check the access code shown on the printer's screen."
                if fault is CameraFault.ACCESS_DENIED
                else "The printer's certificate is not the one trusted at setup.",
            )
        if self._fault_timer is not None:
            self._fault_timer.cancel()
        self._fault_timer = self.hass.loop.call_later(retry_after, self._retry_after_fault)
        self._notify()

    @callback
    def _retry_after_fault(self) -> None:
        """Show the entity again so the next picture request asks the printer once more."""
        self._fault_timer = None
        self._fault = None
        self._notify()

    @callback
    def _clear_fault(self) -> None:
        if self._fault_logged:
            _LOGGER.info("The camera of %s works again", self.entry.title)
            self._fault_logged = False
        if self._fault is None:
            return
        if self._fault_timer is not None:
            self._fault_timer.cancel()
            self._fault_timer = None
        self._fault = None
        self._notify()

    # ------------------------------------------------------ liveview repair
    @property
    def _issue_id(self) -> str:
        return f"{ISSUE_LIVEVIEW_DISABLED}_{self.entry.entry_id}"

    @callback
    def _sync_liveview_issue(self) -> None:
        """Raise the repair while liveview is off, remove it once the printer enables it."""
        state = self.coordinator.data
        if self.kind is not CameraKind.RTSPS or state is None:
            return
        if state.camera.rtsp_url == LIVEVIEW_DISABLED:
            if self._issue_raised is not True:
                _LOGGER.warning(
                    "%s reports LAN Only Liveview as off; its camera is unavailable",
                    self.entry.title,
                )
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    self._issue_id,
                    is_fixable=False,
                    severity=ir.IssueSeverity.WARNING,
                    translation_key=ISSUE_LIVEVIEW_DISABLED,
                    translation_placeholders={"title": self.entry.title},
                )
                self._issue_raised = True
        elif state.camera.rtsp_enabled and self._issue_raised is not False:
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
            self._issue_raised = False

    # ------------------------------------------------------------- lifecycle
    @callback
    def async_start(self) -> None:
        """Subscribe and check liveview now; history and the timelapse start in the background."""
        self._unsubscribe.append(self.coordinator.async_add_listener(self._sync_liveview_issue))
        self._unsubscribe_stop = self.hass.bus.async_listen_once(
            EVENT_HOMEASSISTANT_STOP, self._async_on_stop
        )
        self._sync_liveview_issue()
        if self.entry.options.get(CONF_TIMELAPSE, False):
            self._timelapse = TimelapseController(
                self.hass,
                self.entry,
                self,
                timelapse_dir(self.hass, self.serial),
                on_frame=self._on_timelapse_frame,
                on_video=self._on_timelapse_video,
                options=TIMELAPSE_OPTIONS,
            )
        self.entry.async_create_background_task(
            self.hass, self._async_load(), f"{DOMAIN} camera start {self.serial}"
        )

    async def _async_load(self) -> None:
        directory = timelapse_dir(self.hass, self.serial)
        await async_recover_interrupted(directory, TIMELAPSE_OPTIONS)
        if self.last_timelapse is None:
            self.last_timelapse = await async_last_timelapse(directory)
        if self.last_picture is None:
            picture = await self.hass.async_add_executor_job(
                _newest_snapshot, snapshot_dir(self.hass), safe_name_part(self.serial)
            )
            if picture is not None and self.last_picture is None:
                self.last_picture = picture
        self._notify()
        if self._timelapse is not None and not self._closed:
            self._timelapse.async_start()

    async def _async_on_stop(self, _event: Event) -> None:
        """Home Assistant stops without unloading entries: at least free the printer's camera."""
        self._unsubscribe_stop = None  # a listener that fired must not be removed again
        if self._stream is not None:
            await self._stream.async_close()

    async def async_close(self) -> None:
        """Release everything the manager holds; a running timelapse is assembled first."""
        if self._closed:
            return
        self._closed = True
        managers = self.hass.data.get(DATA_CAMERA_MANAGERS)
        if managers is not None and managers.get(self.entry.entry_id) is self:
            del managers[self.entry.entry_id]
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        if self._unsubscribe_stop is not None:
            self._unsubscribe_stop()
            self._unsubscribe_stop = None
        self._listeners.clear()
        if self._fault_timer is not None:
            self._fault_timer.cancel()
            self._fault_timer = None
        ir.async_delete_issue(self.hass, DOMAIN, self._issue_id)
        if self._timelapse is not None:
            await self._timelapse.async_close()
        if self._stream is not None:
            await self._stream.async_close()


def _build_manager(hass: HomeAssistant, entry: BambuConfigEntry) -> CameraManager | None:
    coordinator = entry.runtime_data.coordinator
    model = coordinator.model
    if model is None or Capability.CAMERA not in coordinator.capabilities:
        return None
    kind = spec_for(model).camera
    if kind is CameraKind.RTSPS:
        return CameraManager(hass, entry, kind, None)
    try:
        endpoint = camera_endpoint(entry.data)
    except ValueError as err:
        _LOGGER.error("The camera of %s cannot be used: %s", entry.title, err)
        return None
    stream = SharedCameraStream(endpoint, timings=CAMERA_TIMINGS, options=STREAM_OPTIONS)
    return CameraManager(hass, entry, kind, stream)


@callback
def async_get_camera_manager(hass: HomeAssistant, entry: BambuConfigEntry) -> CameraManager | None:
    """The entry's camera manager, made on first use; None when the printer has no usable camera.

    Only for loaded printer entries. The manager closes when the entry unloads.
    """
    if not isinstance(getattr(entry, "runtime_data", None), BambuRuntimeData):
        return None
    managers = hass.data.setdefault(DATA_CAMERA_MANAGERS, {})
    manager = managers.get(entry.entry_id)
    if manager is not None and not manager.closed:
        return manager
    manager = _build_manager(hass, entry)
    if manager is None:
        return None
    managers[entry.entry_id] = manager
    manager.async_start()
    entry.async_on_unload(manager.async_close)
    return manager
