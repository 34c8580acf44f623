"""Hand-written report payloads for unit tests (shapes follow the protocol notes)."""

from __future__ import annotations

import json
from typing import Any


def encode(message: dict[str, Any]) -> bytes:
    """A message as the MQTT payload bytes the tracker receives."""
    return json.dumps(message).encode()


def delta(**fields: Any) -> bytes:
    """A ``push_status`` delta carrying only ``fields``."""
    return encode({"print": {**fields, "command": "push_status", "msg": 1, "sequence_id": "7"}})


def full(**fields: Any) -> bytes:
    """A full ``push_status`` report (``msg`` 0)."""
    return encode({"print": {**fields, "command": "push_status", "msg": 0, "sequence_id": "8"}})


def tray(
    slot: int, tray_type: str = "PLA", color: str = "FF0000FF", **extra: Any
) -> dict[str, Any]:
    """A loaded tray object."""
    return {
        "id": str(slot),
        "tray_type": tray_type,
        "tray_sub_brands": "PLA Basic",
        "tray_info_idx": "GFA00",
        "tray_color": color,
        "remain": 80,
        "nozzle_temp_min": "190",
        "nozzle_temp_max": "230",
        "tag_uid": "1234ABCD00000100",
        "tray_uuid": "0123456789ABCDEF0123456789ABCDEF",
        **extra,
    }


def ams_unit(unit_id: int, trays: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """An AMS unit object with ``trays``."""
    return {"id": str(unit_id), "humidity": "4", "temp": "24.5", "tray": trays, **extra}


def ams_block(*units: dict[str, Any], tray_now: str = "255") -> dict[str, Any]:
    """The ``ams`` object of a report."""
    return {"ams": list(units), "ams_exist_bits": "1", "tray_now": tray_now}


def base_report(**overrides: Any) -> dict[str, Any]:
    """A small but complete-looking full report for a single-nozzle printer."""
    report: dict[str, Any] = {
        "gcode_state": "RUNNING",
        "stg_cur": 0,
        "mc_percent": 42,
        "layer_num": 10,
        "total_layer_num": 100,
        "mc_remaining_time": 33,
        "nozzle_temper": 219.5,
        "nozzle_target_temper": 220,
        "bed_temper": 59.9,
        "bed_target_temper": 60,
        "chamber_temper": 31,
        "cooling_fan_speed": "15",
        "big_fan1_speed": "8",
        "big_fan2_speed": "0",
        "heatbreak_fan_speed": "10",
        "spd_lvl": 2,
        "spd_mag": 100,
        "wifi_signal": "-51dBm",
        "home_flag": 0x100,
        "sdcard": True,
        "print_error": 0,
        "hms": [],
        "lights_report": [{"node": "chamber_light", "mode": "on"}],
        "ams": ams_block(ams_unit(0, [tray(0), tray(1, "PETG", "00FF00FF"), {"id": "2"}])),
        "vt_tray": {"id": "254", "tray_type": "", "tray_color": "00000000", "remain": 0},
    }
    report.update(overrides)
    return report
