"""A crude but believable heater model.

Heaters climb at a limited rate that slows near the target and cool exponentially towards
the ambient temperature, with sensor noise quantised to 1/32 degree like the printer's
reports (21.25, 19.84375). Good enough for "heating up realistically" in dashboards and for
the PREPARE phase to wait on.
"""

from __future__ import annotations

from dataclasses import dataclass
import math
import random

_QUANTUM = 32.0


@dataclass(slots=True)
class Heater:
    """One heated element (nozzle, bed, chamber)."""

    current: float
    ambient: float
    heat_rate: float  # degrees per second at full power
    cool_tau: float  # seconds for the excess heat to fall to 1/e
    target: float = 0.0

    def step(self, dt: float, rng: random.Random) -> None:
        """Advance by `dt` simulated seconds."""
        if self.target > self.current + 0.5:
            gap = self.target - self.current
            self.current += min(gap, self.heat_rate * dt * max(0.2, min(1.0, gap / 15.0)))
        else:
            floor = max(self.target, self.ambient)
            self.current = floor + (self.current - floor) * math.exp(-dt / self.cool_tau)
        jitter = rng.uniform(-0.35, 0.35) if self.target > 0 else rng.uniform(-0.1, 0.1)
        self.current = round((self.current + jitter) * _QUANTUM) / _QUANTUM

    def reached(self, tolerance: float = 3.0) -> bool:
        """True once the element is within `tolerance` degrees of its target."""
        return abs(self.current - self.target) <= tolerance

    def packed(self) -> int:
        """New-protocol encoding: (target << 16) | current."""
        return (int(self.target) << 16) | max(0, round(self.current))
