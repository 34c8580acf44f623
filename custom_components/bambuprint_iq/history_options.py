"""Alert thresholds from the entry options, with the defaults the options form shows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

from .const import CONF_BED_DEVIATION, CONF_NOZZLE_DEVIATION, CONF_STALL_MINUTES
from .core.history.alerts import AlertThresholds

DEFAULT_NOZZLE_DEVIATION: Final = 15
DEFAULT_BED_DEVIATION: Final = 5
DEFAULT_STALL_MINUTES: Final = 15


def alert_thresholds(options: Mapping[str, Any]) -> AlertThresholds:
    """Thresholds the alert binary sensors use."""
    return AlertThresholds(
        nozzle_deviation_c=float(options.get(CONF_NOZZLE_DEVIATION, DEFAULT_NOZZLE_DEVIATION)),
        bed_deviation_c=float(options.get(CONF_BED_DEVIATION, DEFAULT_BED_DEVIATION)),
        stall_after=timedelta(minutes=int(options.get(CONF_STALL_MINUTES, DEFAULT_STALL_MINUTES))),
    )
