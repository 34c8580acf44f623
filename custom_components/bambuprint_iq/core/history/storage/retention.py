"""How long finished prints are kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..errors import InvalidObservationError


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """Keep at most `max_records` finished prints and none older than `max_age_days`.

    None means no limit. Open (running) prints are never removed.
    """

    max_age_days: int | None = None
    max_records: int | None = None

    def __post_init__(self) -> None:
        for name in ("max_age_days", "max_records"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or value < 1
            ):
                raise InvalidObservationError(f"{name} must be a positive integer or None")

    def cutoff(self, now: datetime) -> datetime | None:
        """Prints that ended before this moment are expired."""
        return None if self.max_age_days is None else now - timedelta(days=self.max_age_days)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"max_age_days": self.max_age_days, "max_records": self.max_records}
