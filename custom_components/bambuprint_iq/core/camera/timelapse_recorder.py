"""Recording one print's timelapse: a frame per layer (or every N s), a video at the end.

The recorder only asks its frame source for a frame when it needs one, so with one frame
per layer the shared camera link opens for a moment per layer and is otherwise free for
Bambu Studio. Capture problems are counted and logged, never raised: a missing camera
must not disturb the print monitoring that drives the recorder.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
import logging
from pathlib import Path
import shutil

from ..printer.errors import PrinterConnectionError
from .errors import CameraStorageError
from .file_names import safe_name_part, timestamp_part
from .frame import FrameSource
from .timelapse_library import async_prune_timelapses
from .timelapse_manifest import TimelapseManifest, TimelapseStatus, write_manifest
from .timelapse_options import TimelapseOptions
from .timelapse_video import TimelapseVideo, async_assemble_video, frame_file_name

_LOGGER = logging.getLogger(__name__)
FRAMES_FOLDER = "frames"


@dataclass(frozen=True, slots=True)
class TimelapseResult:
    """Outcome of one print's timelapse."""

    folder: Path | None
    """None when nothing was captured (the folder is then removed)."""
    manifest: TimelapseManifest
    video: TimelapseVideo | None
    pruned: tuple[Path, ...] = ()


def _create_folder(folder: Path, manifest: TimelapseManifest) -> None:
    try:
        (folder / FRAMES_FOLDER).mkdir(parents=True, exist_ok=False)
    except OSError as err:
        raise CameraStorageError(f"cannot create {folder}: {err.strerror or err}") from err
    write_manifest(folder, manifest)


def _write_frame(path: Path, jpeg: bytes) -> None:
    try:
        path.write_bytes(jpeg)
    except OSError as err:
        raise CameraStorageError(f"cannot write {path}: {err.strerror or err}") from err


class TimelapseRecorder:
    """Records at most one print at a time for one printer into ``directory``."""

    def __init__(
        self, source: FrameSource, directory: Path, *, options: TimelapseOptions | None = None
    ) -> None:
        """``directory`` holds one sub-folder per print (e.g. ``.../timelapses/<serial>``)."""
        self._source = source
        self._directory = directory
        self._options = options or TimelapseOptions()
        self._folder: Path | None = None
        self._manifest: TimelapseManifest | None = None
        self._frames = 0
        self._missed = 0
        self._last_layer: int | None = None
        self._last_sequence: int | None = None
        self._capture_lock = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None

    @property
    def recording(self) -> bool:
        """A print is being recorded."""
        return self._folder is not None

    @property
    def folder(self) -> Path | None:
        """Folder of the current recording."""
        return self._folder

    @property
    def frame_count(self) -> int:
        """Frames saved for the current recording."""
        return self._frames

    async def async_start(self, print_name: str, *, started_at: datetime | None = None) -> Path:
        """Begin a recording in a new folder ``<UTC start>_<safe print name>``.

        Raises ``RuntimeError`` if a recording is already running (finish or cancel it)
        and :class:`CameraStorageError` if the folder cannot be created.
        """
        if self._folder is not None:
            raise RuntimeError("a timelapse is already being recorded")
        started = started_at or datetime.now(UTC)
        folder = self._directory / f"{timestamp_part(started)}_{safe_name_part(print_name)}"
        manifest = TimelapseManifest(
            print_name=print_name, started_at=started, status=TimelapseStatus.RECORDING
        )
        await asyncio.to_thread(_create_folder, folder, manifest)
        self._folder, self._manifest = folder, manifest
        self._frames = self._missed = 0
        self._last_layer = self._last_sequence = None
        if self._options.interval is not None:
            self._ticker = asyncio.create_task(
                self._capture_every(self._options.interval), name=f"timelapse-{folder.name}"
            )
        return folder

    async def async_layer_changed(self, layer: int) -> bool:
        """Capture a frame if ``layer`` is a new layer (per-layer mode); True if saved."""
        if self._options.interval is not None or self._folder is None:
            return False
        if layer <= 0 or layer == self._last_layer:
            return False
        self._last_layer = layer
        return await self.async_capture()

    async def async_capture(self) -> bool:
        """Save the current frame now; False if not recording, busy, full or no frame."""
        folder = self._folder
        if folder is None or self._capture_lock.locked():
            return False
        if self._frames >= self._options.max_frames:
            return False
        async with self._capture_lock:
            try:
                frame = await self._source.get_frame(
                    max_age=self._options.max_frame_age, timeout=self._options.frame_timeout
                )
            except PrinterConnectionError as err:
                self._missed += 1
                _LOGGER.debug("timelapse %s: no frame: %s", folder.name, err)
                return False
            if frame.sequence == self._last_sequence:
                return False  # layers changed faster than the camera sends frames
            path = folder / FRAMES_FOLDER / frame_file_name(self._frames + 1)
            try:
                await asyncio.to_thread(_write_frame, path, frame.jpeg)
            except CameraStorageError as err:
                self._missed += 1
                _LOGGER.warning("timelapse %s: %s", folder.name, err)
                return False
            self._frames += 1
            self._last_sequence = frame.sequence
            return True

    async def async_finish(self, *, finished_at: datetime | None = None) -> TimelapseResult:
        """Stop capturing, assemble the video, record it in the manifest and prune.

        Never raises for disk or encoding problems: they end up in the manifest as
        ``failed`` with the frames kept. Raises ``RuntimeError`` when not recording.
        """
        folder, manifest = await self._stop()
        finished = manifest.finished(
            finished_at=finished_at or datetime.now(UTC),
            frames=self._frames,
            missed_frames=self._missed,
        )
        if self._frames == 0:
            await asyncio.to_thread(shutil.rmtree, folder, True)
            return TimelapseResult(folder=None, manifest=finished, video=None)
        video: TimelapseVideo | None = None
        try:
            video = await async_assemble_video(folder / FRAMES_FOLDER, folder, self._options)
        except CameraStorageError as err:
            finished = finished.finished(status=TimelapseStatus.FAILED, error=str(err))
        else:
            finished = finished.finished(status=TimelapseStatus.DONE, video_file=video.path.name)
            if not self._options.keep_frames:
                await asyncio.to_thread(shutil.rmtree, folder / FRAMES_FOLDER, True)
        with contextlib.suppress(CameraStorageError):
            await asyncio.to_thread(write_manifest, folder, finished)
        pruned: tuple[Path, ...] = ()
        if self._options.budget_bytes is not None:
            result = await async_prune_timelapses(
                self._directory, self._options.budget_bytes, keep=(folder,)
            )
            pruned = result.removed
        return TimelapseResult(folder=folder, manifest=finished, video=video, pruned=pruned)

    async def async_cancel(self) -> None:
        """Stop and delete the current recording (for example a print cancelled at once)."""
        if self._folder is None:
            return
        folder, _ = await self._stop()
        await asyncio.to_thread(shutil.rmtree, folder, True)

    async def _stop(self) -> tuple[Path, TimelapseManifest]:
        folder, manifest = self._folder, self._manifest
        if folder is None or manifest is None:
            raise RuntimeError("no timelapse is being recorded")
        self._folder = self._manifest = None
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            ticker.cancel()
            await asyncio.wait({ticker})
        async with self._capture_lock:  # let a capture in progress finish its file
            pass
        return folder, manifest

    async def _capture_every(self, interval: float) -> None:
        while True:
            await self.async_capture()
            await asyncio.sleep(interval)
