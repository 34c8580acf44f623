"""The ``timelapse.json`` kept in every timelapse folder: what print, how far, which video.

It marks a folder as ours (pruning deletes nothing without one) and lets the integration
list timelapses and link them to the print history without decoding any video.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
import json
import os
from pathlib import Path
from typing import Any, Final, Self

from .errors import CameraStorageError

MANIFEST_NAME: Final = "timelapse.json"
_VERSION: Final = 1


class TimelapseStatus(StrEnum):
    """Where a timelapse stands."""

    RECORDING = "recording"
    DONE = "done"
    FAILED = "failed"  # frames kept, no video


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelapseManifest:
    """Facts about one print's timelapse."""

    print_name: str
    started_at: datetime
    status: TimelapseStatus
    frames: int = 0
    missed_frames: int = 0
    finished_at: datetime | None = None
    video_file: str | None = None
    """File name inside the folder, never a path."""
    error: str | None = None

    def finished(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (kept immutable, see ``dataclasses.replace``)."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "version": _VERSION,
            "print_name": self.print_name,
            "started_at": self.started_at.isoformat(),
            "status": self.status.value,
            "frames": self.frames,
            "missed_frames": self.missed_frames,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "video_file": self.video_file,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: object) -> Self:
        """Parse and validate; raises ``ValueError`` on anything unexpected."""
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            raise ValueError("not a version 1 timelapse manifest")
        print_name, started, status = (
            data.get("print_name"),
            data.get("started_at"),
            data.get("status"),
        )
        frames, missed = data.get("frames"), data.get("missed_frames")
        finished, video, error = data.get("finished_at"), data.get("video_file"), data.get("error")
        if not all(isinstance(value, str) for value in (print_name, started, status)):
            raise ValueError("print_name, started_at and status must be strings")
        if not isinstance(frames, int) or not isinstance(missed, int) or min(frames, missed) < 0:
            raise ValueError("frame counts must be non-negative integers")
        if finished is not None and not isinstance(finished, str):
            raise ValueError("finished_at must be a string or null")
        if video is not None and (not isinstance(video, str) or Path(video).name != video):
            raise ValueError("video_file must be a bare file name or null")
        if error is not None and not isinstance(error, str):
            raise ValueError("error must be a string or null")
        started_at = datetime.fromisoformat(str(started))
        if started_at.tzinfo is None:
            raise ValueError("started_at must carry a time zone")
        return cls(
            print_name=str(print_name),
            started_at=started_at,
            status=TimelapseStatus(str(status)),
            frames=frames,
            missed_frames=missed,
            finished_at=datetime.fromisoformat(finished) if finished else None,
            video_file=video,
            error=error,
        )


def write_manifest(folder: Path, manifest: TimelapseManifest) -> None:
    """Replace the folder's manifest atomically. Blocking; raises :class:`CameraStorageError`."""
    target = folder / MANIFEST_NAME
    temporary = folder / f".{MANIFEST_NAME}.tmp"
    try:
        temporary.write_text(json.dumps(manifest.to_json(), indent=2), encoding="utf-8")
        os.replace(temporary, target)
    except OSError as err:
        raise CameraStorageError(f"cannot write {target}: {err.strerror or err}") from err


def read_manifest(folder: Path) -> TimelapseManifest | None:
    """The folder's manifest, or None when it is missing or unreadable. Blocking."""
    try:
        return TimelapseManifest.from_json(
            json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        )
    except (OSError, ValueError, TypeError):
        return None
