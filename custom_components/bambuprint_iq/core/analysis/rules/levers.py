"""Setting changes used by several defects, written once.

Steps and bounds are the project's own table, compiled from slicer documentation and
troubleshooting guides (Bambu Studio / OrcaSlicer option definitions and profiles, Prusa
knowledge base, Simplify3D guide). Keys are real Bambu Studio option names, because the
profile generator writes them into presets unchanged.
"""

from __future__ import annotations

from typing import Final

from ..context import Slicer
from .model import Adjustment, Direction, Evidence, Limits, Scope

RANGE_LOW: Final = "nozzle_temperature_range_low"
RANGE_HIGH: Final = "nozzle_temperature_range_high"
PLATE_TEMP: Final = "{plate}_temp"
PLATE_TEMP_FIRST_LAYER: Final = "{plate}_temp_initial_layer"
ORCA_ONLY: Final = frozenset({Slicer.ORCA_SLICER})


def nozzle_cooler(reason: str, *, max_total_change: float | None = None) -> Adjustment:
    """5 °C down, never below the filament's rated minimum."""
    return Adjustment(
        setting="nozzle_temperature",
        direction=Direction.DECREASE,
        scope=Scope.FILAMENT,
        reason=reason,
        step=5,
        unit="°C",
        limits=Limits(minimum_setting=RANGE_LOW),
        max_total_change=max_total_change,
    )


def nozzle_hotter(reason: str, *, max_total_change: float | None = None) -> Adjustment:
    """5 °C up, never above the filament's rated maximum."""
    return Adjustment(
        setting="nozzle_temperature",
        direction=Direction.INCREASE,
        scope=Scope.FILAMENT,
        reason=reason,
        step=5,
        unit="°C",
        limits=Limits(maximum_setting=RANGE_HIGH),
        max_total_change=max_total_change,
    )


def flow_ratio(direction: Direction, reason: str) -> Adjustment:
    """0.02 per step inside the 0.95-1.05 band Bambu Studio recommends."""
    return Adjustment(
        setting="filament_flow_ratio",
        direction=direction,
        scope=Scope.FILAMENT,
        reason=reason,
        step=0.02,
        unit="",
        decimals=2,
        limits=Limits(minimum=0.95, maximum=1.05),
    )


def volumetric_speed_lower(reason: str, evidence: Evidence = Evidence.DOCUMENTED) -> Adjustment:
    """10 % below the current flow limit (stay clear of what the hotend can melt)."""
    return Adjustment(
        setting="filament_max_volumetric_speed",
        direction=Direction.DECREASE,
        scope=Scope.FILAMENT,
        reason=reason,
        step_percent=10,
        unit="mm³/s",
        decimals=1,
        limits=Limits(minimum=2),
        evidence=evidence,
    )


def overhang_fan_more(reason: str) -> Adjustment:
    """Overhang fan up to full power."""
    return Adjustment(
        setting="overhang_fan_speed",
        direction=Direction.INCREASE,
        scope=Scope.FILAMENT,
        reason=reason,
        step=10,
        unit="%",
        limits=Limits(maximum=100),
    )


def brim_outer(reason: str) -> Adjustment:
    """An outer brim holds edges and small footprints down."""
    return Adjustment(
        setting="brim_type",
        direction=Direction.SET,
        scope=Scope.PROCESS,
        reason=reason,
        value="outer_only",
    )


def z_hop_higher(reason: str) -> Adjustment:
    """Lift further on travel so the nozzle clears curled edges."""
    return Adjustment(
        setting="filament_z_hop",
        direction=Direction.INCREASE,
        scope=Scope.FILAMENT,
        reason=reason,
        step=0.2,
        unit="mm",
        decimals=1,
        limits=Limits(maximum=1.0),
        inherits_from="z_hop",
    )


def first_layer_slower(reason: str) -> Adjustment:
    """5 mm/s slower first layer, not below 15 mm/s."""
    return Adjustment(
        setting="initial_layer_speed",
        direction=Direction.DECREASE,
        scope=Scope.PROCESS,
        reason=reason,
        step=5,
        unit="mm/s",
        limits=Limits(minimum=15),
    )


def fan_off_longer(reason: str) -> Adjustment:
    """Keep the part fan off for one more layer at the start."""
    return Adjustment(
        setting="close_fan_the_first_x_layers",
        direction=Direction.INCREASE,
        scope=Scope.FILAMENT,
        reason=reason,
        step=1,
        unit="layers",
        limits=Limits(maximum=5),
    )


def supports_on(reason: str) -> Adjustment:
    """Beyond the printable angle, support beats tuning."""
    return Adjustment(
        setting="enable_support",
        direction=Direction.ENABLE,
        scope=Scope.PROCESS,
        reason=reason,
    )


def outer_wall_slower(reason: str) -> Adjustment:
    """20 % slower outer walls, not below 30 mm/s."""
    return Adjustment(
        setting="outer_wall_speed",
        direction=Direction.DECREASE,
        scope=Scope.PROCESS,
        reason=reason,
        step_percent=20,
        unit="mm/s",
        limits=Limits(minimum=30),
    )


def overhang_reverse_on(reason: str) -> Adjustment:
    """OrcaSlicer's alternating overhang direction."""
    return Adjustment(
        setting="overhang_reverse",
        direction=Direction.ENABLE,
        scope=Scope.PROCESS,
        reason=reason,
        slicers=ORCA_ONLY,
    )


def thinner_layers(reason: str) -> Adjustment:
    """0.04 mm thinner layers, not below 0.08 mm."""
    return Adjustment(
        setting="layer_height",
        direction=Direction.DECREASE,
        scope=Scope.PROCESS,
        reason=reason,
        step=0.04,
        unit="mm",
        decimals=2,
        limits=Limits(minimum=0.08),
    )
