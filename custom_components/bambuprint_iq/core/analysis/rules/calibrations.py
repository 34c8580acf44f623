"""Calibration prints, in the order a round of tuning should run them.

The order follows the usual slicer calibration sequence: temperature, flow, pressure
(Flow Dynamics on Bambu printers), retraction, tolerance, volumetric speed, then motion.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from .model import Calibration

# The pressure calibration id used in playbooks; resolved per printer family.
PRESSURE_CALIBRATION: Final = "flow_dynamics"

_ALL: Final = (
    Calibration(
        id="temperature_tower",
        name="Temperature tower",
        order=1,
        sets=("nozzle_temperature",),
        how="Print a tower stepping through the filament's temperature range and keep the "
        "block with the cleanest bridges, overhangs and least stringing.",
    ),
    Calibration(
        id="flow_rate",
        name="Flow rate calibration",
        order=2,
        sets=("filament_flow_ratio",),
        how="Print the flow-rate patches and pick the smoothest top surface; new flow ratio "
        "= old x (100 + modifier) / 100.",
    ),
    Calibration(
        id="flow_dynamics",
        name="Flow Dynamics calibration",
        order=3,
        sets=(),
        how="Run Calibration > Flow Dynamics in Bambu Studio (automatic on X1, A1 and H2, "
        "manual on P1). The K value is stored on the printer for this filament and nozzle; "
        "the slicer's pressure advance field is not used by Bambu printers.",
    ),
    Calibration(
        id="pressure_advance",
        name="Pressure advance test",
        order=3,
        sets=("pressure_advance",),
        how="Print the pressure-advance line or tower test and read the value where corners "
        "are sharp and lines even.",
    ),
    Calibration(
        id="retraction_test",
        name="Retraction test",
        order=4,
        sets=("filament_retraction_length",),
        how="Print the retraction tower (direct drive 0-2 mm in 0.1 mm steps) and keep the "
        "shortest length that prints clean; persistent strings point to wet filament.",
    ),
    Calibration(
        id="tolerance_test",
        name="Tolerance test",
        order=5,
        sets=("elefant_foot_compensation",),
        how="Print the tolerance test and compare the base with the layers above it.",
    ),
    Calibration(
        id="max_volumetric_speed",
        name="Max volumetric speed test",
        order=6,
        sets=("filament_max_volumetric_speed",),
        how="Print the volumetric speed test, note where the surface turns rough or matte and "
        "set the limit 5-10 % below it.",
    ),
    Calibration(
        id="first_layer",
        name="Bed levelling and first-layer check",
        order=7,
        sets=(),
        how="Run the printer's bed levelling, then print a single-layer square and check that "
        "lines are evenly squished and stick everywhere.",
    ),
    Calibration(
        id="input_shaping",
        name="Vibration compensation / VFA test",
        order=8,
        sets=(),
        how="Run the printer's vibration calibration, then a VFA speed test to pick an outer "
        "wall speed without ripples.",
    ),
)

CALIBRATIONS: Final[Mapping[str, Calibration]] = MappingProxyType({item.id: item for item in _ALL})


def resolve_calibration(calibration_id: str, *, is_bambu: bool) -> Calibration:
    """The calibration to suggest on this printer: Flow Dynamics on Bambu, PA elsewhere."""
    if calibration_id == PRESSURE_CALIBRATION and not is_bambu:
        return CALIBRATIONS["pressure_advance"]
    return CALIBRATIONS[calibration_id]
