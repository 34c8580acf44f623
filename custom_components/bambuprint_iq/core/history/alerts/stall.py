"""A RUNNING print whose layer number has not moved for too long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..observation import GcodeState
from .model import Alert, AlertKind, alert


@dataclass(frozen=True, slots=True)
class StallWatch:
    """The last layer seen and since when.

    Time outside RUNNING never counts, nor does layer 0: the start-up routine (bed levelling,
    nozzle cleaning) runs in RUNNING for several minutes before the first layer.
    """

    layer: int | None = None
    since: datetime | None = None

    def step(
        self, state: GcodeState, layer: int | None, at: datetime, *, stall_after: timedelta
    ) -> tuple[StallWatch, Alert]:
        """Feed the latest state and layer; returns the new watch and the alert state."""
        if state is not GcodeState.RUNNING or not layer:
            return StallWatch(), alert(AlertKind.PRINT_STALLED, "print", False, "not printing")
        if self.since is None or layer != self.layer:
            return StallWatch(layer, at), alert(
                AlertKind.PRINT_STALLED,
                "print",
                False,
                f"layer {layer}",
                layer=layer,
                stalled_minutes=0.0,
            )
        stalled = at - self.since
        active = stalled >= stall_after
        minutes = round(stalled.total_seconds() / 60.0, 1)
        message = f"no layer progress for {minutes:g} min" if active else f"layer {layer}"
        return self, alert(
            AlertKind.PRINT_STALLED, "print", active, message, layer=layer, stalled_minutes=minutes
        )
