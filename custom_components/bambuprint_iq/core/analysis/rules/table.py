"""The complete rule table, plus hard limits that no suggestion may cross."""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from ..taxonomy import DefectType
from .model import DefectPlaybook
from .playbooks_base import DETACHMENT, ELEPHANTS_FOOT, SPAGHETTI, WARPING
from .playbooks_surface import (
    LAYER_ADHESION,
    OVERHANG_DROOP,
    STRINGING,
    SURFACE_ROUGHNESS,
    UNDER_EXTRUSION,
    Z_BANDING,
)

PLAYBOOKS: Final = MappingProxyType(
    {
        playbook.defect: playbook
        for playbook in (
            STRINGING,
            LAYER_ADHESION,
            OVERHANG_DROOP,
            SURFACE_ROUGHNESS,
            Z_BANDING,
            UNDER_EXTRUSION,
            ELEPHANTS_FOOT,
            WARPING,
            SPAGHETTI,
            DETACHMENT,
        )
    }
)

# Option limits from the Bambu Studio option definitions; plate keys share one range.
OPTION_LIMITS: Final = MappingProxyType(
    {
        "nozzle_temperature": (0.0, 500.0),
        "fan_min_speed": (0.0, 100.0),
        "fan_max_speed": (0.0, 100.0),
        "overhang_fan_speed": (0.0, 100.0),
        "filament_z_hop": (0.0, 5.0),
        "filament_flow_ratio": (0.01, 2.0),
        "filament_max_volumetric_speed": (0.0, 200.0),
        "close_fan_the_first_x_layers": (0.0, 1000.0),
        "slow_down_layer_time": (0.0, 1000.0),
        "elefant_foot_compensation": (0.0, 5.0),
    }
)
PLATE_TEMP_LIMITS: Final = (0.0, 120.0)


def playbook_for(defect: DefectType) -> DefectPlaybook:
    """The playbook of one defect (every defect type has one)."""
    return PLAYBOOKS[defect]
