"""Turning a folder of timelapse frames into one video file: MP4 if possible, else WebP."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import StrEnum
import logging
import os
from pathlib import Path
import re
from typing import Final

from .errors import CameraStorageError
from .timelapse_ffmpeg import async_encode_mp4, find_ffmpeg
from .timelapse_options import TimelapseOptions
from .timelapse_webp import encode_webp

_LOGGER = logging.getLogger(__name__)
_FRAME_NAME: Final = re.compile(r"\d{6}\.jpg")
VIDEO_STEM: Final = "timelapse"


class VideoFormat(StrEnum):
    """Container of an assembled timelapse."""

    MP4 = "mp4"
    WEBP = "webp"


@dataclass(frozen=True, slots=True)
class TimelapseVideo:
    """An assembled timelapse file."""

    path: Path
    format: VideoFormat
    frames: int
    size_bytes: int


def frame_file_name(index: int) -> str:
    """``000001.jpg`` for index 1: the numbering ffmpeg's image-sequence input expects."""
    return f"{index:06d}.jpg"


def list_frame_files(frames_dir: Path) -> list[Path]:
    """Frame files in capture order. Blocking."""
    try:
        names = sorted(p.name for p in frames_dir.iterdir() if _FRAME_NAME.fullmatch(p.name))
    except OSError as err:
        raise CameraStorageError(f"cannot list {frames_dir}: {err.strerror or err}") from err
    return [frames_dir / name for name in names]


def _is_contiguous(frames: list[Path]) -> bool:
    return all(path.name == frame_file_name(i) for i, path in enumerate(frames, start=1))


def _finish(partial: Path, final: Path, video_format: VideoFormat, frames: int) -> TimelapseVideo:
    try:
        os.replace(partial, final)
        size = final.stat().st_size
    except OSError as err:
        raise CameraStorageError(f"cannot store {final}: {err.strerror or err}") from err
    return TimelapseVideo(path=final, format=video_format, frames=frames, size_bytes=size)


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


async def async_assemble_video(
    frames_dir: Path, folder: Path, options: TimelapseOptions
) -> TimelapseVideo:
    """Encode every frame in ``frames_dir`` into ``folder/timelapse.mp4`` or ``.webp``.

    ffmpeg runs as a subprocess, Pillow in a worker thread, so the event loop never
    blocks. The video appears under its final name only when complete. Raises
    :class:`CameraStorageError` when no video could be made.
    """
    frames = await asyncio.to_thread(list_frame_files, frames_dir)
    if not frames:
        raise CameraStorageError("no frames were captured")
    count = len(frames)
    binary = await asyncio.to_thread(find_ffmpeg, options.ffmpeg_binary)
    if options.prefer_mp4 and binary is not None and _is_contiguous(frames):
        partial = folder / f".{VIDEO_STEM}.mp4.part"
        try:
            await async_encode_mp4(
                binary,
                frames_dir,
                partial,
                fps=options.playback_fps,
                max_width=options.max_width,
                timeout=options.ffmpeg_timeout,
            )
            final = folder / f"{VIDEO_STEM}.mp4"
            return await asyncio.to_thread(_finish, partial, final, VideoFormat.MP4, count)
        except CameraStorageError as err:
            _LOGGER.warning("timelapse MP4 failed, writing animated WebP instead: %s", err)
            await asyncio.to_thread(_discard, partial)
    partial = folder / f".{VIDEO_STEM}.webp.part"
    try:
        await asyncio.to_thread(
            encode_webp,
            frames,
            partial,
            fps=options.playback_fps,
            max_width=options.max_width,
            quality=options.quality,
        )
    except CameraStorageError:
        await asyncio.to_thread(_discard, partial)
        raise
    final = folder / f"{VIDEO_STEM}.webp"
    return await asyncio.to_thread(_finish, partial, final, VideoFormat.WEBP, count)
