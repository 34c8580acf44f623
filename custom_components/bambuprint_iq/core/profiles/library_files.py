"""Blocking file helpers of the profile library: atomic writes, safe ids, JSON reads."""

from __future__ import annotations

import json
import os
from pathlib import Path
import re
import tempfile
import unicodedata

from .errors import ProfileNotFoundError, ProfileStoreError

_PROFILE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_META_BYTES = 4_000_000


def slugify(text: str) -> str:
    """Directory-safe id from a filament name: "Acme PLA Matte" -> "acme-pla-matte"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:56].strip("-")
    return slug or "filament"


def check_profile_id(profile_id: str) -> str:
    """Reject ids that could escape the library folder."""
    if not _PROFILE_ID.match(profile_id):
        raise ProfileNotFoundError(f"invalid profile id {profile_id!r}")
    return profile_id


def write_atomic(path: Path, payload: bytes) -> None:
    """Write via a temporary file and rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: object) -> None:
    """Pretty JSON, atomically."""
    write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())


def read_json(path: Path) -> object:
    """Parse a library JSON file; ProfileStoreError when unreadable or malformed."""
    try:
        if path.stat().st_size > MAX_META_BYTES:
            raise ProfileStoreError(f"{path.name}: too large")
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as err:
        raise ProfileStoreError(f"{path}: unreadable: {err}") from err
