"""File and folder names built from printer serials and print names, safe on any disk.

Print names come from the printer (the user's file name) and can contain anything:
separators, ``..``, control characters, emoji. Only a conservative character set reaches
the file system, so a name can never leave the folder it is meant for.
"""

from __future__ import annotations

from datetime import UTC, datetime
import re
from typing import Final
import unicodedata

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES: Final = "._-"
MAX_PART_LENGTH: Final = 60


def safe_name_part(text: str, fallback: str = "unnamed", max_length: int = MAX_PART_LENGTH) -> str:
    """Reduce ``text`` to ``[A-Za-z0-9._-]``, no leading/trailing dots, at most ``max_length``.

    Pure. Accents are folded (``Bézier`` -> ``Bezier``); every other run of unsafe
    characters becomes one ``_``. Returns ``fallback`` when nothing usable is left.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("_", folded).strip(_EDGES)[:max_length].strip(_EDGES)
    return cleaned or fallback


def timestamp_part(moment: datetime) -> str:
    """UTC time as ``20250614T101530Z``; sorts chronologically as text."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def timestamp_part_ms(moment: datetime) -> str:
    """UTC time with milliseconds, ``20250614T101530_123Z``, for files made in bursts."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y%m%dT%H%M%S}_{utc.microsecond // 1000:03d}Z"
