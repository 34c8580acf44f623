"""Analysis ids: time-ordered, unique, and safe to use as file names."""

from __future__ import annotations

from datetime import UTC, datetime
import re
import secrets

from .errors import InvalidAnalysisId

_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")


def new_analysis_id(now: datetime) -> str:
    """``20261124T101500Z-1a2b3c4d``: sorts by creation time, random suffix for uniqueness."""
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def check_analysis_id(value: object) -> str:
    """Return the id unchanged, or raise ``InvalidAnalysisId`` (no paths, no surprises)."""
    if not isinstance(value, str) or not _ID.match(value):
        raise InvalidAnalysisId("not an analysis id")
    return value
