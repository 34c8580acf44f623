"""Heater temperature drifting from its target after it had reached it.

While a heater warms up it is far from target by design, so the alert arms only once the
reading has come within `settle_band_c` of the current target; a new target disarms it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Alert, AlertKind, alert


@dataclass(frozen=True, slots=True)
class HeaterWatch:
    """Per-heater memory: the target being held and whether it was reached."""

    heater: str
    target_c: float | None = None
    settled: bool = False

    def step(
        self,
        current_c: float | None,
        target_c: float | None,
        *,
        deviation_c: float,
        settle_band_c: float,
    ) -> tuple[HeaterWatch, Alert]:
        """Feed the latest reading; returns the new watch and the alert state."""
        if not target_c or current_c is None:
            idle = HeaterWatch(self.heater)
            return idle, alert(
                AlertKind.TEMPERATURE_DEVIATION,
                self.heater,
                False,
                f"{self.heater} heater off or unknown",
            )
        settled = self.settled and self.target_c == target_c
        settled = settled or abs(current_c - target_c) <= settle_band_c
        watch = HeaterWatch(self.heater, target_c, settled)
        gap = current_c - target_c
        active = settled and abs(gap) > deviation_c
        message = (
            f"{self.heater} is {abs(gap):.0f} °C {'above' if gap > 0 else 'below'} its target"
            if active
            else f"{self.heater} {'holding' if settled else 'heating towards'} {target_c:g} °C"
        )
        return watch, alert(
            AlertKind.TEMPERATURE_DEVIATION,
            self.heater,
            active,
            message,
            current_c=current_c,
            target_c=target_c,
            deviation_c=round(gap, 2),
            settled=settled,
        )
