"""Alert values and thresholds shared by the evaluators."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from ..errors import InvalidObservationError

type DetailValue = str | int | float | bool | None | tuple[str, ...]


class AlertKind(StrEnum):
    """What an alert is about; one binary sensor or event type each."""

    TEMPERATURE_DEVIATION = "temperature_deviation"
    AMS_HUMIDITY = "ams_humidity"
    PRINT_STALLED = "print_stalled"
    FILAMENT_RUNOUT = "filament_runout"
    HMS_SEVERE = "hms_severe"


@dataclass(frozen=True, slots=True)
class Alert:
    """The current state of one alert for one subject (a heater, an AMS unit, the printer)."""

    kind: AlertKind
    subject: str
    active: bool
    message: str
    details: Mapping[str, DetailValue] = field(default_factory=lambda: MappingProxyType({}))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind.value,
            "subject": self.subject,
            "active": self.active,
            "message": self.message,
            "details": {k: list(v) if isinstance(v, tuple) else v for k, v in self.details.items()},
        }


def alert(
    kind: AlertKind, subject: str, active: bool, message: str, **details: DetailValue
) -> Alert:
    """Build an alert with read-only details."""
    return Alert(kind, subject, active, message, MappingProxyType(dict(details)))


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    """User-tunable limits (the integration fills these from its options)."""

    nozzle_deviation_c: float = 15.0
    bed_deviation_c: float = 5.0
    settle_band_c: float = 3.0
    stall_after: timedelta = timedelta(minutes=15)
    humidity_alert_letters: frozenset[str] = frozenset({"D", "E"})

    def __post_init__(self) -> None:
        for name in ("nozzle_deviation_c", "bed_deviation_c", "settle_band_c"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 < value <= 100
            ):
                raise InvalidObservationError(f"{name} must be in (0, 100]")
        if self.settle_band_c >= min(self.nozzle_deviation_c, self.bed_deviation_c):
            raise InvalidObservationError("settle_band_c must be below the deviation thresholds")
        if not timedelta(minutes=1) <= self.stall_after <= timedelta(hours=24):
            raise InvalidObservationError("stall_after must be between 1 minute and 24 hours")
        if not self.humidity_alert_letters <= frozenset("ABCDE"):
            raise InvalidObservationError("humidity_alert_letters must be letters A-E")
