"""Limits a generated value must respect: the option schema, sanity limits, and the
filament's own consistency (nozzle temperature inside its range, fan min below max)."""

from __future__ import annotations

import math

from .draft import PresetDraft
from .schema import option_schema

_TEMPERATURE_KEYS = ("nozzle_temperature", "nozzle_temperature_initial_layer")

PLATE_KEYS = frozenset(
    f"{plate}_plate_temp{suffix}"
    for plate in ("cool", "eng", "hot", "textured", "supertack")
    for suffix in ("", "_initial_layer")
)

_SANITY: dict[str, tuple[float, float]] = {
    "nozzle_temperature": (100, 500),
    "nozzle_temperature_initial_layer": (100, 500),
    "nozzle_temperature_range_low": (100, 500),
    "nozzle_temperature_range_high": (100, 500),
    "filament_max_volumetric_speed": (0.5, 200),
    "filament_flow_ratio": (0.5, 1.5),
    "filament_retraction_length": (0, 10),
    "filament_retraction_speed": (1, 200),
    "filament_deretraction_speed": (0, 200),
    "filament_retraction_minimum_travel": (0, 50),
    "filament_retract_restart_extra": (-5, 5),
    "filament_wipe_distance": (0, 10),
    "pressure_advance": (0, 2),
    "filament_density": (0.5, 5),
    "filament_diameter": (1, 3.5),
    "filament_shrink": (50, 150),
    "slow_down_min_speed": (0, 500),
    "temperature_vitrification": (0, 400),
}
"""Own limits for options the slicer leaves open (a negative retraction imports fine but
prints badly); always inside the schema limits."""


def static_bounds(key: str) -> tuple[float, float]:
    """Schema limits intersected with the sanity table (infinite when unbounded)."""
    spec = option_schema()[key]
    low = -math.inf if spec.minimum is None else spec.minimum
    high = math.inf if spec.maximum is None else spec.maximum
    sane_low, sane_high = _SANITY.get(key, (-math.inf, math.inf))
    return max(low, sane_low), min(high, sane_high)


def _first(draft: PresetDraft, key: str, default: float) -> float:
    number = draft.first_number(key)
    return default if number is None else number


def bounds(key: str, draft: PresetDraft) -> tuple[float, float]:
    """Limits for a new value of ``key`` given the rest of the draft."""
    low, high = static_bounds(key)
    if key in _TEMPERATURE_KEYS:
        low = max(low, _first(draft, "nozzle_temperature_range_low", low))
        high = min(high, _first(draft, "nozzle_temperature_range_high", high))
    elif key == "nozzle_temperature_range_low":
        high = min(high, *(min(draft.numbers(k), default=high) for k in _TEMPERATURE_KEYS))
    elif key == "nozzle_temperature_range_high":
        low = max(low, *(max(draft.numbers(k), default=low) for k in _TEMPERATURE_KEYS))
    elif key == "fan_min_speed":
        high = min(high, _first(draft, "fan_max_speed", high))
    elif key == "fan_max_speed":
        low = max(low, _first(draft, "fan_min_speed", low))
    return low, high


def clamp(value: float, limits: tuple[float, float]) -> tuple[float, bool]:
    """Value limited to ``limits`` and whether limiting was needed."""
    low, high = limits
    limited = min(max(value, low), high)
    return limited, limited != value
