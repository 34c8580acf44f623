"""Saving single camera frames as JPEG files for automations and the analysis service."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from .disk import write_new_file
from .file_names import safe_name_part, timestamp_part_ms
from .frame import CameraFrame, FrameSource


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A frame and the file it was saved to."""

    frame: CameraFrame
    path: Path


def snapshot_stem(name: str, frame: CameraFrame) -> str:
    """``<safe name>_<UTC time with ms>``, e.g. ``01P00A123456789_20250614T101530_123Z``."""
    return f"{safe_name_part(name)}_{timestamp_part_ms(frame.captured_at)}"


async def async_save_snapshot(frame: CameraFrame, directory: Path, *, name: str) -> Path:
    """Write ``frame`` to ``directory`` (created if missing) without overwriting anything.

    ``name`` (usually the printer serial or device name) is reduced to a safe file name.
    The write runs in a worker thread. Raises :class:`CameraStorageError`.
    """
    stem = snapshot_stem(name, frame)
    return await asyncio.to_thread(write_new_file, directory, stem, ".jpg", frame.jpeg)


async def async_take_snapshot(
    source: FrameSource,
    directory: Path,
    *,
    name: str,
    max_age: float = 2.0,
    timeout: float = 15.0,  # noqa: ASYNC109 - deadline for the frame, passed on
) -> Snapshot:
    """Get a frame at most ``max_age`` seconds old from ``source`` and save it.

    Raises what ``source.get_frame`` raises (:class:`CameraUnavailable`, ...) and
    :class:`CameraStorageError`.
    """
    frame = await source.get_frame(max_age=max_age, timeout=timeout)
    path = await async_save_snapshot(frame, directory, name=name)
    return Snapshot(frame=frame, path=path)
