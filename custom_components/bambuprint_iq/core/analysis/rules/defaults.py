"""Bambu Studio's generic base-profile values, for when the real settings are unknown.

Callers may merge these under the settings they actually know
(``{**bambu_generic_defaults("PLA"), **known}``) to get concrete suggestions instead of
relative steps. They are the base profiles' values, not the user's.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ..context import SettingValue, material_family

_FILAMENT: Final[Mapping[str, Mapping[str, SettingValue]]] = MappingProxyType(
    {
        "PLA": {
            "nozzle_temperature": 220.0,
            "nozzle_temperature_range_low": 190.0,
            "nozzle_temperature_range_high": 250.0,
            "fan_min_speed": 100.0,
            "fan_max_speed": 100.0,
            "overhang_fan_speed": 100.0,
            "overhang_fan_threshold": "50%",
            "close_fan_the_first_x_layers": 1.0,
            "slow_down_layer_time": 4.0,
            "filament_max_volumetric_speed": 12.0,
        },
        "PETG": {
            "nozzle_temperature": 240.0,
            "nozzle_temperature_range_low": 220.0,
            "nozzle_temperature_range_high": 260.0,
            "fan_min_speed": 20.0,
            "fan_max_speed": 100.0,
            "overhang_fan_speed": 100.0,
            "close_fan_the_first_x_layers": 3.0,
            "filament_max_volumetric_speed": 8.0,
        },
        "ABS": {
            "nozzle_temperature": 250.0,
            "nozzle_temperature_range_low": 240.0,
            "nozzle_temperature_range_high": 270.0,
            "fan_min_speed": 10.0,
            "fan_max_speed": 20.0,
            "overhang_fan_speed": 60.0,
            "overhang_fan_threshold": "25%",
            "close_fan_the_first_x_layers": 3.0,
            "slow_down_layer_time": 3.0,
            "filament_max_volumetric_speed": 28.6,
        },
        "TPU": {
            "nozzle_temperature": 240.0,
            "nozzle_temperature_range_low": 200.0,
            "nozzle_temperature_range_high": 250.0,
            "fan_min_speed": 100.0,
            "fan_max_speed": 100.0,
            "overhang_fan_speed": 100.0,
            "close_fan_the_first_x_layers": 1.0,
            "filament_max_volumetric_speed": 15.0,
        },
    }
)
_PROCESS_AND_PRINTER: Final[Mapping[str, SettingValue]] = MappingProxyType(
    {
        "initial_layer_speed": 30.0,
        "initial_layer_line_width": 0.5,
        "brim_width": 5.0,
        "elefant_foot_compensation": 0.0,
        "outer_wall_speed": 120.0,
        "default_acceleration": 10000.0,
        "travel_speed": 400.0,
        "overhang_4_4_speed": 10.0,
        "retraction_length": 0.8,
        "retraction_speed": 30.0,
        "retraction_minimum_travel": 1.0,
        "z_hop": 0.4,
    }
)


def bambu_generic_defaults(material: str) -> dict[str, SettingValue]:
    """Generic Bambu values for the material's family plus common process/printer values."""
    family = material_family(material)
    values: dict[str, SettingValue] = dict(_PROCESS_AND_PRINTER)
    if family is not None and family in _FILAMENT:
        values.update(_FILAMENT[family])
    return values
