"""JSON files under one directory, written atomically, read defensively.

All blocking file work runs in a worker thread (``asyncio.to_thread``) so the event loop
never waits on the disk. A file that cannot be parsed is moved aside as ``*.corrupt`` and
reported as missing: a cache rebuilds itself, corrections are never silently overwritten
because the damaged copy is kept for the user.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path, PurePosixPath
import tempfile
from typing import Any

from .errors import StorageError

_LOGGER = logging.getLogger(__name__)
MAX_FILE_BYTES = 64 * 1024 * 1024


class JsonDirectory:
    """A directory of JSON documents addressed by relative names ("databases/ofd.json")."""

    def __init__(self, root: Path) -> None:
        """Nothing touches the disk until the first read or write."""
        self._root = root

    @property
    def root(self) -> Path:
        """The directory itself."""
        return self._root

    def path_of(self, name: str) -> Path:
        """Absolute path of a document; names may not escape the directory."""
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"invalid storage name {name!r}")
        return self._root.joinpath(*relative.parts)

    async def read(self, name: str) -> Any | None:
        """The parsed document, or None when it is missing or was corrupt (and moved aside)."""
        return await asyncio.to_thread(self.read_sync, name)

    async def write(self, name: str, data: Any) -> None:
        """Replace a document atomically."""
        await asyncio.to_thread(self.write_sync, name, data)

    async def delete(self, name: str) -> None:
        """Remove a document if present."""
        await asyncio.to_thread(self.path_of(name).unlink, True)

    def read_sync(self, name: str) -> Any | None:
        """Blocking read; only call from a worker thread."""
        path = self.path_of(name)
        try:
            with path.open("rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as err:
            _LOGGER.warning("cannot read %s: %s", path, err.strerror)
            return None
        try:
            if len(raw) > MAX_FILE_BYTES:
                raise ValueError("file too large")
            return json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            self._quarantine(path)
            return None

    def write_sync(self, name: str, data: Any) -> None:
        """Blocking atomic write (temp file, fsync, rename); only call from a worker thread."""
        path = self.path_of(name)
        encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(encoded)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as err:
            raise StorageError(f"cannot write {path}: {err.strerror}") from err

    def quarantine_sync(self, name: str) -> None:
        """Move a document that failed validation aside (blocking)."""
        path = self.path_of(name)
        if path.exists():
            self._quarantine(path)

    async def quarantine(self, name: str) -> None:
        """Move a document that failed validation aside."""
        await asyncio.to_thread(self.quarantine_sync, name)

    @staticmethod
    def _quarantine(path: Path) -> None:
        target = path.with_name(path.name + ".corrupt")
        _LOGGER.warning("%s is damaged; moved to %s and rebuilt", path.name, target.name)
        try:
            os.replace(path, target)
        except OSError:
            path.unlink(missing_ok=True)
