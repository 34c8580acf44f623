"""Small blocking file helpers. Call them through ``asyncio.to_thread``."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .errors import CameraStorageError

_MAX_NAME_ATTEMPTS = 100


def write_new_file(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Create ``directory/stem suffix`` (adding ``-2``, ``-3``... on a clash) and write ``data``.

    Blocking. Never overwrites: the file is opened with exclusive creation, and a partly
    written file is removed if writing fails. ``stem`` must already be a safe name.
    Raises :class:`CameraStorageError`.
    """
    if not stem or "/" in stem or "\\" in stem or stem.startswith("."):
        raise CameraStorageError("unsafe file name")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CameraStorageError(f"cannot create {directory}: {err.strerror or err}") from err
    for attempt in range(1, _MAX_NAME_ATTEMPTS + 1):
        name = f"{stem}{suffix}" if attempt == 1 else f"{stem}-{attempt}{suffix}"
        path = directory / name
        try:
            handle = path.open("xb")
        except FileExistsError:
            continue
        except OSError as err:
            raise CameraStorageError(f"cannot create {path}: {err.strerror or err}") from err
        try:
            with handle:
                handle.write(data)
        except OSError as err:
            with contextlib.suppress(OSError):
                path.unlink()
            raise CameraStorageError(f"cannot write {path}: {err.strerror or err}") from err
        return path
    raise CameraStorageError(f"no free file name for {stem}{suffix} in {directory}")


def tree_size(path: Path) -> int:
    """Bytes used by the regular files under ``path`` (symlinks are not followed). Blocking."""
    total = 0
    for entry in path.rglob("*"):
        with contextlib.suppress(OSError):
            if entry.is_file() and not entry.is_symlink():
                total += entry.stat().st_size
    return total
