"""Names for the printer's current-stage ids (``stg_cur``).

The ids are Bambu's; the keys are ours, stable snake_case strings suitable as translation
keys. X1-class printers report -1 when idle, P1/A1 report 255.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

IDLE_STAGE_IDS = frozenset({-1, 255})
IDLE_STAGE_KEY = "idle"
UNKNOWN_STAGE_KEY = "unknown"

STAGE_KEYS: Mapping[int, str] = MappingProxyType(
    {
        0: "printing",
        1: "auto_bed_leveling",
        2: "heatbed_preheating",
        3: "vibration_compensation",
        4: "changing_filament",
        5: "m400_pause",
        6: "paused_filament_runout",
        7: "heating_hotend",
        8: "calibrating_extrusion",
        9: "scanning_bed_surface",
        10: "inspecting_first_layer",
        11: "identifying_build_plate",
        12: "calibrating_micro_lidar",
        13: "homing_toolhead",
        14: "cleaning_nozzle_tip",
        15: "checking_extruder_temperature",
        16: "paused_by_user",
        17: "paused_front_cover_fell",
        18: "calibrating_lidar",
        19: "calibrating_extrusion_flow",
        20: "paused_nozzle_temperature_fault",
        21: "paused_heatbed_temperature_fault",
        22: "unloading_filament",
        23: "paused_skipped_step",
        24: "loading_filament",
        25: "calibrating_motor_noise",
        26: "paused_ams_lost",
        27: "paused_heatbreak_fan_slow",
        28: "paused_chamber_temperature_fault",
        29: "cooling_chamber",
        30: "paused_by_gcode",
        31: "motor_noise_showoff",
        32: "paused_nozzle_covered_with_filament",
        33: "paused_cutter_fault",
        34: "paused_first_layer_fault",
        35: "paused_nozzle_clog",
        36: "measuring_motion_precision",
        37: "enhancing_motion_precision",
        38: "verifying_motion_precision",
        39: "calibrating_nozzle_offset",
        40: "high_temperature_bed_leveling",
        41: "checking_quick_release_lever",
        42: "checking_door_and_cover",
        43: "calibrating_laser",
        44: "checking_platform",
        45: "checking_birdseye_camera_position",
        46: "calibrating_birdseye_camera",
        47: "bed_leveling_phase_1",
        48: "bed_leveling_phase_2",
        49: "heating_chamber",
        50: "cooling_heatbed",
        51: "printing_calibration_lines",
        52: "checking_material",
        53: "calibrating_live_view_camera",
        54: "waiting_for_heatbed_temperature",
        55: "checking_material_position",
        56: "calibrating_cutter_offset",
        57: "measuring_surface",
        58: "thermal_preconditioning",
        59: "homing_blade_holder",
        60: "calibrating_camera_offset",
        61: "calibrating_blade_holder_position",
        62: "testing_hotend_pick_and_place",
        63: "waiting_for_chamber_temperature",
        64: "preparing_hotend",
        65: "calibrating_nozzle_clump_detection",
        66: "purifying_chamber_air",
        67: "measuring_rotary_attachment",
        68: "moving_toolhead_to_purge_chute",
        69: "cooling_nozzle",
        70: "moving_toolhead_to_bed_center",
        71: "arc_fitting",
        72: "detecting_hotend_type",
        73: "detecting_build_plate_alignment",
        74: "detecting_objects_on_bed",
        75: "detecting_objects_under_bed",
        76: "pre_extruding",
        77: "preparing_ams",
    }
)


def stage_key(stage_id: int | None) -> str:
    """The stable key for a ``stg_cur`` value; ``"unknown"`` for ids not in the table."""
    if stage_id is None:
        return UNKNOWN_STAGE_KEY
    if stage_id in IDLE_STAGE_IDS:
        return IDLE_STAGE_KEY
    return STAGE_KEYS.get(stage_id, UNKNOWN_STAGE_KEY)
