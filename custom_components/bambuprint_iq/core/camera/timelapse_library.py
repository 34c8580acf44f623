"""Finding and pruning finished timelapses in a folder.

Each timelapse lives in its own sub-folder with a ``timelapse.json``. Only such folders
are ever listed or deleted, so a misconfigured path cannot cost the user other files.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
import logging
from pathlib import Path
import shutil

from .disk import tree_size
from .timelapse_manifest import TimelapseManifest, TimelapseStatus, read_manifest

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TimelapseEntry:
    """One timelapse folder on disk."""

    folder: Path
    manifest: TimelapseManifest
    size_bytes: int

    @property
    def video_path(self) -> Path | None:
        """The finished video, if there is one."""
        name = self.manifest.video_file
        return self.folder / name if name else None


@dataclass(frozen=True, slots=True)
class PruneResult:
    """What pruning removed and what is left."""

    removed: tuple[Path, ...]
    freed_bytes: int
    remaining_bytes: int


def list_timelapses(directory: Path) -> list[TimelapseEntry]:
    """Every timelapse folder directly under ``directory``, newest first. Blocking."""
    if not directory.is_dir():
        return []
    entries = []
    for folder in directory.iterdir():
        if folder.is_symlink() or not folder.is_dir():
            continue
        manifest = read_manifest(folder)
        if manifest is not None:
            entries.append(TimelapseEntry(folder, manifest, tree_size(folder)))
    entries.sort(key=lambda entry: entry.manifest.started_at, reverse=True)
    return entries


def prune_timelapses(
    directory: Path, budget_bytes: int, keep: Collection[Path] = ()
) -> PruneResult:
    """Delete the oldest timelapses until the rest fit in ``budget_bytes``. Blocking.

    Folders still recording and those in ``keep`` are never deleted (they still count
    towards the total, so the result may stay above the budget).
    """
    entries = list_timelapses(directory)
    total = sum(entry.size_bytes for entry in entries)
    protected = {path.resolve() for path in keep}
    removed: list[Path] = []
    freed = 0
    for entry in reversed(entries):  # oldest first
        if total <= budget_bytes:
            break
        if entry.manifest.status is TimelapseStatus.RECORDING:
            continue
        if entry.folder.resolve() in protected:
            continue
        try:
            shutil.rmtree(entry.folder)
        except OSError as err:
            _LOGGER.warning("cannot remove old timelapse %s: %s", entry.folder, err)
            continue
        removed.append(entry.folder)
        freed += entry.size_bytes
        total -= entry.size_bytes
    return PruneResult(removed=tuple(removed), freed_bytes=freed, remaining_bytes=total)


async def async_list_timelapses(directory: Path) -> list[TimelapseEntry]:
    """:func:`list_timelapses` in a worker thread."""
    return await asyncio.to_thread(list_timelapses, directory)


async def async_prune_timelapses(
    directory: Path, budget_bytes: int, keep: Collection[Path] = ()
) -> PruneResult:
    """:func:`prune_timelapses` in a worker thread."""
    return await asyncio.to_thread(prune_timelapses, directory, budget_bytes, tuple(keep))
