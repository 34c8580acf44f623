"""Playbooks for defects seen on a finished part's walls and surfaces."""

from __future__ import annotations

from typing import Final

from ..taxonomy import DefectType
from .calibrations import PRESSURE_CALIBRATION
from .levers import (
    flow_ratio,
    nozzle_cooler,
    nozzle_hotter,
    outer_wall_slower,
    overhang_fan_more,
    overhang_reverse_on,
    supports_on,
    thinner_layers,
    volumetric_speed_lower,
)
from .model import Adjustment, DefectPlaybook, Direction, Evidence, Limits, Scope

STRINGING: Final = DefectPlaybook(
    defect=DefectType.STRINGING,
    adjustments=(
        nozzle_cooler(
            "Cooler plastic is thicker and oozes less from the nozzle while it travels.",
            max_total_change=10,
        ),
        Adjustment(
            setting="filament_retraction_length",
            direction=Direction.INCREASE,
            scope=Scope.FILAMENT,
            reason="A longer retraction takes the pressure off the melt before each travel.",
            step=0.2,
            unit="mm",
            decimals=1,
            limits=Limits(maximum=2.0, bowden_maximum=6.0),
            inherits_from="retraction_length",
        ),
        Adjustment(
            setting="filament_retraction_speed",
            direction=Direction.INCREASE,
            scope=Scope.FILAMENT,
            reason="Retracting faster stops the flow sooner; the extruder caps it near 30 mm/s.",
            step=5,
            unit="mm/s",
            limits=Limits(minimum=20, maximum=30),
            inherits_from="retraction_speed",
        ),
        Adjustment(
            setting="filament_wipe",
            direction=Direction.ENABLE,
            scope=Scope.FILAMENT,
            reason="Wiping while retracting leaves the ooze on the part instead of in the air.",
        ),
        Adjustment(
            setting="filament_retraction_minimum_travel",
            direction=Direction.DECREASE,
            scope=Scope.FILAMENT,
            reason="A lower travel threshold retracts on more of the short hops.",
            step=0.5,
            unit="mm",
            decimals=1,
            limits=Limits(minimum=0.5),
            inherits_from="retraction_minimum_travel",
        ),
        Adjustment(
            setting="travel_speed",
            direction=Direction.INCREASE,
            scope=Scope.PROCESS,
            reason="Faster travel gives the nozzle less time to ooze over gaps.",
            step=50,
            unit="mm/s",
            limits=Limits(maximum=500),
        ),
    ),
    calibrations=("temperature_tower", "retraction_test", PRESSURE_CALIBRATION),
    checks=(
        "Dry the filament first; damp filament strings whatever the settings.",
        "Clean old residue off the nozzle tip.",
        "Check the hotend and nozzle for leaks.",
    ),
)

LAYER_ADHESION: Final = DefectPlaybook(
    defect=DefectType.LAYER_ADHESION,
    adjustments=(
        nozzle_hotter("Hotter plastic fuses better with the layer below.", max_total_change=15),
        Adjustment(
            setting="fan_max_speed",
            direction=Direction.DECREASE,
            scope=Scope.FILAMENT,
            reason="Less part cooling keeps the previous layer warm enough to bond.",
            step=10,
            unit="%",
            limits=Limits(minimum=0),
        ),
        Adjustment(
            setting="fan_min_speed",
            direction=Direction.DECREASE,
            scope=Scope.FILAMENT,
            reason="Lower the baseline fan along with the maximum.",
            step=10,
            unit="%",
            limits=Limits(minimum=0),
            evidence=Evidence.PRACTICE,
        ),
        Adjustment(
            setting="layer_height",
            direction=Direction.DECREASE,
            scope=Scope.PROCESS,
            reason="Layers thicker than 80 % of the nozzle are not pressed into each other.",
            step=0.04,
            unit="mm",
            decimals=2,
            limits=Limits(minimum=0.08, maximum_nozzle_ratio=0.8),
            only_above_nozzle_ratio=0.8,
        ),
        flow_ratio(Direction.INCREASE, "A little more plastic per line strengthens the bond."),
        volumetric_speed_lower("Starved layers at speed bond poorly; cap the flow."),
    ),
    calibrations=("temperature_tower", "max_volumetric_speed", "flow_rate"),
    checks=(
        "For ABS and ASA close the enclosure and keep drafts away.",
        "Dry the filament and check for a partial clog.",
    ),
)

OVERHANG_DROOP: Final = DefectPlaybook(
    defect=DefectType.OVERHANG_DROOP,
    adjustments=(
        overhang_fan_more("Strong cooling freezes overhanging lines before they sag."),
        Adjustment(
            setting="overhang_fan_threshold",
            direction=Direction.LOWER_CHOICE,
            scope=Scope.FILAMENT,
            reason="A lower threshold turns the overhang fan on for milder overhangs too.",
            choices=("0%", "10%", "25%", "50%", "75%", "95%"),
        ),
        Adjustment(
            setting="overhang_4_4_speed",
            direction=Direction.DECREASE,
            scope=Scope.PROCESS,
            reason="Slower steep overhangs have time to cool.",
            step=5,
            unit="mm/s",
            limits=Limits(minimum=5),
            evidence=Evidence.PRACTICE,
        ),
        nozzle_cooler("Cooler extrusion sets faster."),
        Adjustment(
            setting="wall_sequence",
            direction=Direction.SET,
            scope=Scope.PROCESS,
            reason="Printing the inner wall first gives the outer wall something to lean on.",
            value="inner wall/outer wall",
        ),
        thinner_layers("Thinner layers step out less per layer, so steeper overhangs hold."),
        overhang_reverse_on("Alternating the wall direction helps steep overhangs."),
        supports_on("Past the printable angle, add support instead of tuning further."),
    ),
    calibrations=("temperature_tower",),
    checks=(
        "Check that the part-cooling fan and duct work.",
        "Reorient the model, or use chamfers instead of flat overhangs.",
    ),
)

SURFACE_ROUGHNESS: Final = DefectPlaybook(
    defect=DefectType.SURFACE_ROUGHNESS,
    adjustments=(
        flow_ratio(Direction.DECREASE, "Bulging, lumpy walls usually mean too much plastic."),
        nozzle_cooler("Overheated walls come out soft and poorly defined."),
        Adjustment(
            setting="slow_down_layer_time",
            direction=Direction.INCREASE,
            scope=Scope.FILAMENT,
            reason="Small layers get more time to cool before the next one.",
            step=2,
            unit="s",
            limits=Limits(maximum=15),
        ),
        outer_wall_slower("Slower outer walls reduce ringing and flow-limited roughness."),
        Adjustment(
            setting="default_acceleration",
            direction=Direction.DECREASE,
            scope=Scope.PROCESS,
            reason="Lower acceleration reduces ringing after corners.",
            step_percent=20,
            unit="mm/s²",
            limits=Limits(minimum=1000),
        ),
        volumetric_speed_lower("Printing above the melt limit leaves matte, rough walls."),
        Adjustment(
            setting="wall_sequence",
            direction=Direction.SET,
            scope=Scope.PROCESS,
            reason="Inner-outer-inner gives the best outer finish with three or more walls.",
            value="inner-outer-inner wall",
            requires_at_least=("wall_loops", 3),
        ),
        Adjustment(
            setting="ironing_type",
            direction=Direction.SET,
            scope=Scope.PROCESS,
            reason="Ironing smooths rough top surfaces.",
            value="top",
            evidence=Evidence.PRACTICE,
        ),
        Adjustment(
            setting="pressure_advance",
            direction=Direction.CALIBRATE,
            scope=Scope.FILAMENT,
            reason="Blobs and gaps at corners and seams point to a wrong pressure advance.",
            bambu_only=False,
        ),
    ),
    calibrations=("flow_rate", PRESSURE_CALIBRATION, "max_volumetric_speed", "input_shaping"),
    checks=(
        "Dry the filament; bubbly, crackled walls are a moisture sign.",
        "Check belts and screws if ripples follow corners.",
    ),
)

Z_BANDING: Final = DefectPlaybook(
    defect=DefectType.Z_BANDING,
    adjustments=(
        Adjustment(
            setting="slow_down_layer_time",
            direction=Direction.REVIEW,
            scope=Scope.FILAMENT,
            reason="If the bands line up with small cross-sections, the cooling slowdown is "
            "changing speed layer by layer: lower this value or print several parts at once.",
            evidence=Evidence.INFERENCE,
        ),
        volumetric_speed_lower(
            "Staying well below the melt limit keeps extrusion even when speed varies.",
            evidence=Evidence.INFERENCE,
        ),
        Adjustment(
            setting="layer_height",
            direction=Direction.REVIEW,
            scope=Scope.PROCESS,
            reason="Use one of the standard layer heights (0.08-0.28 mm in 0.04 mm steps) "
            "so every layer maps to whole Z motor steps.",
            evidence=Evidence.INFERENCE,
        ),
    ),
    calibrations=("temperature_tower",),
    checks=(
        "Banding is mostly mechanical: clean and lubricate the Z lead screws, check couplers "
        "and bed wobble.",
        "Check that the nozzle temperature holds within 2 °C during the print.",
        "Try a spool with a tighter diameter tolerance.",
    ),
)

UNDER_EXTRUSION: Final = DefectPlaybook(
    defect=DefectType.UNDER_EXTRUSION,
    adjustments=(
        flow_ratio(Direction.INCREASE, "Gaps between lines mean too little plastic."),
        volumetric_speed_lower("Cap the flow at what the hotend can actually melt."),
        nozzle_hotter("A hotter nozzle melts more plastic per second."),
    ),
    calibrations=("flow_rate", "max_volumetric_speed"),
    checks=(
        "Do a cold pull or clean the nozzle.",
        "Dry the filament and check the extruder tension.",
    ),
)
