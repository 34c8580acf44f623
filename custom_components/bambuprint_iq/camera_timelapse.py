"""Timelapse per print: begun and ended by the print history, one frame per layer change.

The print history already decides reliably when a print starts and ends (and fires
``bambuprint_iq_print``), so the timelapse follows those events instead of guessing from
raw status. Layer changes come from the coordinator. A print still running when the entry
loads (Home Assistant restarted, options changed) gets a recording for its remaining
layers; frames left by a recording that was cut off are assembled into a video at start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import logging
from pathlib import Path
import shutil
from typing import Any, Final, Self

from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback

from .coordinator import BambuConfigEntry
from .core.camera import (
    CameraFrame,
    CameraStorageError,
    FrameSource,
    TimelapseEntry,
    TimelapseOptions,
    TimelapseRecorder,
    TimelapseStatus,
    VideoFormat,
)
from .core.camera.file_names import safe_name_part
from .core.camera.timelapse_library import list_timelapses
from .core.camera.timelapse_manifest import write_manifest
from .core.camera.timelapse_recorder import FRAMES_FOLDER
from .core.camera.timelapse_video import async_assemble_video, list_frame_files
from .core.history import HistoryError
from .history_recorder import EVENT_PRINT
from .history_store import storage_dir

_LOGGER = logging.getLogger(__name__)

TIMELAPSES_FOLDER: Final = "timelapses"


def timelapse_dir(hass: HomeAssistant, serial: str) -> Path:
    """``<config>/bambuprint_iq/timelapses/<serial>``: one budget per printer."""
    return storage_dir(hass) / TIMELAPSES_FOLDER / safe_name_part(serial)


@dataclass(frozen=True, slots=True)
class TimelapseSummary:
    """A finished timelapse video, as the image entity reports it."""

    path: Path
    format: VideoFormat
    frames: int
    print_name: str
    finished_at: datetime | None

    @classmethod
    def from_entry(cls, entry: TimelapseEntry) -> Self | None:
        """None unless the entry is finished and has a video."""
        path = entry.video_path
        if entry.manifest.status is not TimelapseStatus.DONE or path is None:
            return None
        try:
            video_format = VideoFormat(path.suffix.removeprefix("."))
        except ValueError:
            return None
        return cls(
            path=path,
            format=video_format,
            frames=entry.manifest.frames,
            print_name=entry.manifest.print_name,
            finished_at=entry.manifest.finished_at,
        )


def _newest_video(directory: Path) -> TimelapseSummary | None:
    """Blocking: the newest finished timelapse in ``directory``."""
    for entry in list_timelapses(directory):
        if (summary := TimelapseSummary.from_entry(entry)) is not None:
            return summary
    return None


async def async_last_timelapse(directory: Path) -> TimelapseSummary | None:
    """The newest finished timelapse, read in a worker thread."""
    return await asyncio.to_thread(_newest_video, directory)


def _interrupted(directory: Path) -> list[tuple[TimelapseEntry, int]]:
    """Blocking: recordings never finished (Home Assistant stopped mid-print), with frame counts."""
    found = []
    for entry in list_timelapses(directory):
        if entry.manifest.status is not TimelapseStatus.RECORDING:
            continue
        try:
            frames = len(list_frame_files(entry.folder / FRAMES_FOLDER))
        except CameraStorageError:
            frames = 0
        found.append((entry, frames))
    return found


async def async_recover_interrupted(directory: Path, options: TimelapseOptions) -> None:
    """Turn recordings cut off by a stop into videos, so they are kept and can be pruned.

    Must run before a new recording starts in ``directory``: it treats every folder still
    marked "recording" as abandoned.
    """
    for entry, frames in await asyncio.to_thread(_interrupted, directory):
        folder = entry.folder
        if frames == 0:
            await asyncio.to_thread(shutil.rmtree, folder, True)
            continue
        finished = entry.manifest.finished(finished_at=datetime.now(UTC), frames=frames)
        try:
            video = await async_assemble_video(folder / FRAMES_FOLDER, folder, options)
        except CameraStorageError as err:
            finished = finished.finished(status=TimelapseStatus.FAILED, error=str(err))
        else:
            finished = finished.finished(status=TimelapseStatus.DONE, video_file=video.path.name)
            if not options.keep_frames:
                await asyncio.to_thread(shutil.rmtree, folder / FRAMES_FOLDER, True)
        try:
            await asyncio.to_thread(write_manifest, folder, finished)
        except CameraStorageError as err:
            _LOGGER.warning("Could not finish the interrupted timelapse %s: %s", folder.name, err)
        else:
            _LOGGER.info("Assembled the interrupted timelapse %s (%d frames)", folder.name, frames)


class _RememberingSource:
    """Hands frames through and keeps the last one, so a saved layer frame can be shown."""

    def __init__(self, source: FrameSource) -> None:
        self._source = source
        self.last: CameraFrame | None = None

    async def get_frame(
        self,
        max_age: float = 5.0,
        timeout: float = 15.0,  # noqa: ASYNC109 - passed on
    ) -> CameraFrame:
        frame = await self._source.get_frame(max_age=max_age, timeout=timeout)
        self.last = frame
        return frame


class TimelapseController:
    """Records the prints of one printer entry while the timelapse option is on."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: BambuConfigEntry,
        source: FrameSource,
        directory: Path,
        *,
        on_frame: Callable[[CameraFrame], None],
        on_video: Callable[[TimelapseSummary], None],
        options: TimelapseOptions | None = None,
    ) -> None:
        """Nothing is subscribed until :meth:`async_start`."""
        self._hass = hass
        self._entry = entry
        self._coordinator = entry.runtime_data.coordinator
        self._source = _RememberingSource(source)
        self._recorder = TimelapseRecorder(self._source, directory, options=options)
        self._on_frame = on_frame
        self._on_video = on_video
        self._lock = asyncio.Lock()
        self._record_id: str | None = None
        self._last_layer: int | None = None
        self._unsubscribe: list[CALLBACK_TYPE] = []

    @property
    def recording(self) -> bool:
        """A print is being recorded."""
        return self._recorder.recording

    @property
    def frame_count(self) -> int:
        """Frames saved for the current print."""
        return self._recorder.frame_count

    @callback
    def async_start(self) -> None:
        """Follow print events and layer changes; pick up a print already running."""
        self._unsubscribe.append(
            self._hass.bus.async_listen(
                EVENT_PRINT, self._on_print_event, event_filter=self._is_this_printer
            )
        )
        self._unsubscribe.append(self._coordinator.async_add_listener(self._on_update))
        open_record = self._entry.runtime_data.recorder.open_record
        if open_record is not None:
            self._schedule(
                self._async_begin(open_record.record_id, open_record.file_name), "resume"
            )

    async def async_close(self) -> None:
        """Stop following the printer; a recording in progress is assembled from what it has."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        await self._async_end()

    def _schedule(self, job: Coroutine[Any, Any, None], what: str) -> None:
        # Not a background task: unloading waits for it instead of cancelling a video mid-way.
        self._entry.async_create_task(
            self._hass, job, f"bambuprint_iq timelapse {what} {self._coordinator.serial}"
        )

    @callback
    def _is_this_printer(self, data: Mapping[str, Any]) -> bool:
        return bool(data.get("entry_id") == self._entry.entry_id)

    @callback
    def _on_print_event(self, event: Event[dict[str, Any]]) -> None:
        kind = event.data.get("type")
        if kind == "started":
            record_id = event.data.get("record_id")
            file_name = event.data.get("file")
            self._schedule(
                self._async_begin(
                    record_id if isinstance(record_id, str) else None,
                    file_name if isinstance(file_name, str) else None,
                ),
                "start",
            )
        elif kind == "ended":
            self._schedule(self._async_end(), "finish")

    async def _async_begin(self, record_id: str | None, file_name: str | None) -> None:
        async with self._lock:
            if self._recorder.recording:
                if record_id is not None and record_id == self._record_id:
                    return  # the same print, seen both at load and through its event
                await self._async_finish_locked()
            try:
                folder = await self._recorder.async_start(file_name or "print")
            except CameraStorageError as err:
                _LOGGER.warning("No timelapse for this print: %s", err)
                return
            self._record_id = record_id
            self._last_layer = None
            _LOGGER.debug("Timelapse recording into %s", folder)

    async def _async_end(self) -> None:
        async with self._lock:
            if self._recorder.recording:
                await self._async_finish_locked()

    async def _async_finish_locked(self) -> None:
        record_id, self._record_id = self._record_id, None
        result = await self._recorder.async_finish()
        if result.video is None or result.folder is None:
            _LOGGER.info(
                "Timelapse of %s not saved: %s",
                result.manifest.print_name,
                result.manifest.error or "no frame could be captured",
            )
            return
        _LOGGER.info(
            "Timelapse of %s saved as %s (%d frames)",
            result.manifest.print_name,
            result.video.path,
            result.video.frames,
        )
        if record_id is not None:
            await self._async_link(record_id, result.video.path)
        self._on_video(
            TimelapseSummary(
                path=result.video.path,
                format=result.video.format,
                frames=result.video.frames,
                print_name=result.manifest.print_name,
                finished_at=result.manifest.finished_at,
            )
        )

    async def _async_link(self, record_id: str, video: Path) -> None:
        """Store the video with the print it shows (as one of the print's camera media)."""
        try:
            await self._entry.runtime_data.recorder.store.add_media_id(
                record_id, snapshot_id=str(video)
            )
        except HistoryError as err:
            _LOGGER.debug("Timelapse not linked to print %s: %s", record_id, err)

    @callback
    def _on_update(self) -> None:
        if not self._recorder.recording:
            return
        changed = self._coordinator.last_changed_fields
        if changed is not None and "job" not in changed:
            return
        state = self._coordinator.data
        layer = state.layer if state is not None else None
        if layer is None or layer <= 0 or layer == self._last_layer:
            return
        self._last_layer = layer
        self._entry.async_create_background_task(
            self._hass, self._async_capture(layer), f"bambuprint_iq timelapse layer {layer}"
        )

    async def _async_capture(self, layer: int) -> None:
        if await self._recorder.async_layer_changed(layer) and self._source.last is not None:
            self._on_frame(self._source.last)
