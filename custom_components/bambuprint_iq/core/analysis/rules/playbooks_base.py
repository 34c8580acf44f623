"""Playbooks for defects at the base of a part and for failed prints."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from ..taxonomy import DefectType
from .levers import (
    PLATE_TEMP,
    PLATE_TEMP_FIRST_LAYER,
    brim_outer,
    fan_off_longer,
    first_layer_slower,
    outer_wall_slower,
    overhang_fan_more,
    overhang_reverse_on,
    supports_on,
    z_hop_higher,
)
from .model import Adjustment, DefectPlaybook, Direction, Evidence, Limits, Scope

_HOT_BED_LIMITS: Final = MappingProxyType(
    {"PLA": 65.0, "PETG": 85.0, "ABS": 110.0, "ASA": 110.0, "TPU": 50.0}
)
_COOL_BED_LIMITS: Final = MappingProxyType({"PLA": 35.0, "PETG": 60.0, "ABS": 80.0, "ASA": 80.0})
_PLATE_CHECKS: Final = (
    "Wash the plate with warm water and dish soap, then keep fingers off it.",
    "Use glue where the plate and filament combination calls for it.",
)

ELEPHANTS_FOOT: Final = DefectPlaybook(
    defect=DefectType.ELEPHANTS_FOOT,
    adjustments=(
        Adjustment(
            setting="elefant_foot_compensation",
            direction=Direction.INCREASE,
            scope=Scope.PROCESS,
            reason="Shrinks the first layer to cancel the squish; if the brim stops touching "
            "the part, it went too far.",
            step=0.05,
            unit="mm",
            decimals=2,
            limits=Limits(minimum=0, maximum=0.3),
        ),
        Adjustment(
            setting="elefant_foot_compensation_layers",
            direction=Direction.INCREASE,
            scope=Scope.PROCESS,
            reason="Spread the compensation when the bulge covers more than one layer.",
            step=1,
            unit="layers",
            limits=Limits(minimum=1, maximum=3),
        ),
        Adjustment(
            setting=PLATE_TEMP_FIRST_LAYER,
            direction=Direction.DECREASE,
            scope=Scope.FILAMENT,
            reason="A cooler bed stops the bottom layers from staying soft under the load.",
            step=5,
            unit="°C",
            limits=Limits(minimum_by_material=_COOL_BED_LIMITS),
        ),
        Adjustment(
            setting="close_fan_the_first_x_layers",
            direction=Direction.DECREASE,
            scope=Scope.FILAMENT,
            reason="Some early cooling helps the base keep its shape (watch for warping).",
            step=1,
            unit="layers",
            limits=Limits(minimum=1),
        ),
    ),
    calibrations=("tolerance_test", "first_layer"),
    checks=("Clean the plate so adhesion does not depend on an over-squished first layer.",),
)

WARPING: Final = DefectPlaybook(
    defect=DefectType.WARPING,
    adjustments=(
        brim_outer("A brim holds corners down while the part shrinks."),
        Adjustment(
            setting="brim_width",
            direction=Direction.INCREASE,
            scope=Scope.PROCESS,
            reason="A wider brim holds the edges with more area.",
            step=3,
            unit="mm",
            limits=Limits(maximum=15),
            evidence=Evidence.PRACTICE,
        ),
        Adjustment(
            setting=PLATE_TEMP,
            direction=Direction.INCREASE,
            scope=Scope.FILAMENT,
            reason="A warmer bed lowers the shrinkage of the bottom layers.",
            step=5,
            unit="°C",
            limits=Limits(maximum_by_material=_HOT_BED_LIMITS),
        ),
        fan_off_longer("No fan on the first layers, so they do not shrink away from the bed."),
        Adjustment(
            setting="fan_max_speed",
            direction=Direction.DECREASE,
            scope=Scope.FILAMENT,
            reason="High-shrink materials warp under strong cooling.",
            step=10,
            unit="%",
            limits=Limits(minimum=0),
            materials=frozenset({"ABS", "ASA", "PC", "PA"}),
        ),
        Adjustment(
            setting="draft_shield",
            direction=Direction.SET,
            scope=Scope.PROCESS,
            reason="A draft shield keeps warm air around the part.",
            value="enabled",
        ),
        overhang_reverse_on("Alternating wall direction reduces warping stress."),
        outer_wall_slower("Slower printing lets high-shrink materials settle."),
    ),
    checks=(
        *_PLATE_CHECKS,
        "Close the enclosure and keep air conditioning and open windows away.",
        "Round sharp corners or add mouse ears to large flat parts.",
    ),
)

SPAGHETTI: Final = DefectPlaybook(
    defect=DefectType.SPAGHETTI,
    adjustments=(
        brim_outer("Most spaghetti starts with the part coming loose; hold it down."),
        z_hop_higher("Lift higher on travel so the nozzle does not knock the part over."),
        supports_on("Give islands and overhangs a foundation."),
        overhang_fan_more("Stop overhangs from curling up into the nozzle's path."),
        first_layer_slower("A slower first layer sticks better."),
    ),
    calibrations=("first_layer",),
    checks=(*_PLATE_CHECKS, "Check the nozzle for a blob or clog before the next print."),
)

DETACHMENT: Final = DefectPlaybook(
    defect=DefectType.DETACHMENT,
    adjustments=(
        first_layer_slower("Give the first layer time to bond to the plate."),
        brim_outer("A brim adds contact area for small footprints."),
        Adjustment(
            setting=PLATE_TEMP_FIRST_LAYER,
            direction=Direction.INCREASE,
            scope=Scope.FILAMENT,
            reason="A warmer first layer resists shrinking away from the plate.",
            step=5,
            unit="°C",
            limits=Limits(maximum_by_material=_HOT_BED_LIMITS),
        ),
        fan_off_longer("No fan on the first layers."),
        Adjustment(
            setting="initial_layer_line_width",
            direction=Direction.INCREASE,
            scope=Scope.PROCESS,
            reason="Wider first-layer lines touch more of the plate.",
            step=0.05,
            unit="mm",
            decimals=2,
            limits=Limits(maximum_nozzle_ratio=1.5),
            evidence=Evidence.PRACTICE,
        ),
        z_hop_higher("Fewer nozzle strikes that knock parts loose."),
    ),
    calibrations=("first_layer",),
    checks=(*_PLATE_CHECKS, "Check that the plate type in the slicer matches the plate used."),
)
