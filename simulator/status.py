"""Builds the full `print.push_status` object from the printer state.

The output follows the real wire dialects: top-level temperatures are floats, fan speeds
are "0".."15" strings, nested AMS numbers are strings, flags are hex strings, and
P1/A1 use the older key set while X1/H2/P2S add the newer keys (`3D`, `stat`, `ver`,
`device`, ...). The builder is pure: it never consumes randomness, so calling it does
not disturb determinism.
"""

from __future__ import annotations

import socket
from typing import Any

from simulator.ams import EXTERNAL_SPOOL, NOTHING_LOADED, ams_payload
from simulator.filaments import CATALOGUE
from simulator.hms import ActiveHms
from simulator.job import SPEED_MAGNITUDES, GcodeState
from simulator.models import CameraKind, Family
from simulator.payload_ops import merge_status
from simulator.state import PrinterState

JsonDict = dict[str, Any]

SECURED_BIT = 0x20000000
DOOR_BIT = 0x00800000
_GENERIC_PLA = next(f for f in CATALOGUE if f.info_idx == "GFL99")


def _int32(value: int) -> int:
    """home_flag travels as a signed 32-bit int."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _ip_le(host: str) -> int:
    try:
        return int.from_bytes(socket.inet_aton(host), "little")
    except OSError:
        return 0


def _hms_entries(entries: list[ActiveHms], family: Family) -> list[JsonDict]:
    newer = family in (Family.A1, Family.H2, Family.P2)
    out: list[JsonDict] = []
    for entry in entries:
        item: JsonDict = {"attr": entry.hms.attr, "code": entry.hms.code}
        if newer:
            item.update(action=0, timestamp=int(entry.raised_at))
        out.append(item)
    return out


def _external_spool(tray_id: str, legacy: bool) -> JsonDict:
    tray: JsonDict = {
        "id": tray_id,
        "tag_uid": "0" * 16,
        "tray_id_name": "",
        "tray_info_idx": _GENERIC_PLA.info_idx,
        "tray_type": _GENERIC_PLA.tray_type,
        "tray_sub_brands": "",
        "tray_color": "161616FF",
        "tray_weight": "0",
        "tray_diameter": "1.75",
        "bed_temp_type": "0",
        "bed_temp": "0",
        "nozzle_temp_max": str(_GENERIC_PLA.nozzle_max),
        "nozzle_temp_min": str(_GENERIC_PLA.nozzle_min),
        "xcam_info": "0" * 24,
        "tray_uuid": "0" * 32,
        "remain": 0,
        "cali_idx": -1,
        "cols": ["161616FF"],
        "ctype": 0,
    }
    if legacy:
        tray.update(k=_GENERIC_PLA.k, n=1, tray_temp="0", tray_time="0")
    else:
        tray.update(drying_temp="0", drying_time="0", total_len=330000)
    return tray


def _ipcam(state: PrinterState) -> JsonDict:
    cam: JsonDict = {
        "ipcam_dev": "1",
        "ipcam_record": "enable",
        "timelapse": "disable",
        "resolution": "1080p",
        "tutk_server": "disable",
        "mode_bits": 3 if state.spec.camera is CameraKind.JPEG else 2,
    }
    if state.spec.camera is CameraKind.RTSP:
        port = "" if state.rtsp_port in (None, 322) else f":{state.rtsp_port}"
        cam["rtsp_url"] = f"rtsps://{state.setup.host}{port}/streaming/live/1"
        cam.update(agora_service="disable", brtc_service="enable", bs_state=0)
    return cam


def _flags(state: PrinterState) -> JsonDict:
    spec = state.spec
    door = DOOR_BIT if (spec.has_door_sensor and state.door_open) else 0
    fun = spec.fun_base | (SECURED_BIT if state.secured else 0)
    flags: JsonDict = {
        "home_flag": _int32(spec.home_flag_base | door),
        "fun": format(fun, "X"),
    }
    if spec.stat_base is not None:
        flags["stat"] = format(spec.stat_base | door, "X")
    return flags


def _job_fields(state: PrinterState) -> JsonDict:
    job = state.job
    magnitude = SPEED_MAGNITUDES[state.speed_level]
    if job is None:
        return {
            "mc_print_stage": "1",
            "mc_percent": 0,
            "mc_remaining_time": 0,
            "gcode_file_prepare_percent": "0",
            "project_id": "0",
            "profile_id": "0",
            "task_id": "0",
            "subtask_id": "0",
            "subtask_name": "",
            "gcode_file": "",
            "stg": [],
            "stg_cur": state.spec.idle_stage,
            "print_type": "idle",
            "mc_print_line_number": "0",
            "layer_num": 0,
            "total_layer_num": 0,
        }
    active = job.state in (GcodeState.PREPARE, GcodeState.RUNNING, GcodeState.PAUSE)
    spec = job.spec
    return {
        "mc_print_stage": "2" if active else "1",
        "mc_percent": job.percent,
        "mc_remaining_time": job.remaining_minutes(magnitude),
        "gcode_file_prepare_percent": str(job.prepare_percent),
        "project_id": spec.project_id,
        "profile_id": spec.profile_id,
        "task_id": spec.task_id,
        "subtask_id": spec.subtask_id,
        "subtask_name": spec.name,
        "gcode_file": f"{spec.name}.gcode.3mf",
        "stg": list(job.stages) if active else [],
        "stg_cur": job.current_stage if active else state.spec.idle_stage,
        "print_type": spec.print_type,
        "mc_print_line_number": str(round(job.progress * spec.total_layers * 180)),
        "layer_num": job.layer,
        "total_layer_num": spec.total_layers,
    }


def _device_tree(state: PrinterState) -> JsonDict:
    """New-protocol `device` block with packed (target << 16 | current) temperatures."""
    snow_active = 0xFFFF
    if state.tray_now == EXTERNAL_SPOOL:
        snow_active = 0xFF00
    elif state.tray_now != NOTHING_LOADED:
        for unit in state.units:
            for slot in range(len(unit.trays)):
                if unit.global_tray_id(slot) == state.tray_now:
                    snow_active = (unit.unit_id << 8) | slot
    extruders = []
    for index, nozzle in enumerate(state.nozzles):
        snow = snow_active if index == 0 else 0xFFFF
        extruders.append(
            {
                "id": index,
                "temp": nozzle.packed(),
                "snow": snow,
                "spre": snow,
                "star": snow,
                "stat": 0,
                "info": 0,
                "hnow": 0,
                "hpre": 0,
                "htar": 0,
                "filam_bak": [],
            }
        )
    return {
        "bed": {"info": {"temp": state.bed.packed()}, "state": 0},
        "bed_temp": state.bed.packed(),
        "ctc": {"info": {"temp": state.chamber.packed()}, "state": 0},
        "extruder": {"info": extruders, "state": len(extruders)},
        "nozzle": {
            "exist": (1 << len(state.nozzles)) - 1,
            "info": [
                {"id": i, "diameter": 0.4, "type": state.spec.nozzle_type, "wear": 0, "tm": 0}
                for i in range(len(state.nozzles))
            ],
            "state": 0,
        },
        "type": 1,
    }


def build_status(state: PrinterState) -> JsonDict:
    """The full `print` object (without command/msg/sequence_id), overrides applied."""
    spec = state.spec
    legacy = spec.legacy_tray_fields
    nozzle = state.nozzles[0]
    chamber_temp = round(state.chamber.current, 2) if spec.has_chamber_sensor else 5.0
    status: JsonDict = {
        "upgrade_state": {
            "sequence_id": 0,
            "progress": "",
            "status": "IDLE",
            "consistency_request": False,
            "dis_state": 0,
            "err_code": 0,
            "force_upgrade": False,
            "message": "0%, 0B/s",
            "module": "",
            "new_version_state": 2,
            "cur_state_code": 0,
            "new_ver_list": [],
        },
        "ipcam": _ipcam(state),
        "upload": {"status": "idle", "progress": 0, "message": ""},
        "net": {"conf": 0, "info": [{"ip": _ip_le(state.setup.host), "mask": 16777215}]},
        "nozzle_temper": float(nozzle.current),
        "nozzle_target_temper": float(nozzle.target),
        "bed_temper": float(state.bed.current),
        "bed_target_temper": float(state.bed.target),
        "chamber_temper": float(chamber_temp),
        "heatbreak_fan_speed": str(state.fans.heatbreak),
        "cooling_fan_speed": str(state.fans.part),
        "big_fan1_speed": str(state.fans.aux),
        "big_fan2_speed": str(state.fans.chamber),
        "ams_status": 0,
        "ams_rfid_status": 0,
        "hw_switch_state": 1,
        "spd_mag": SPEED_MAGNITUDES[state.speed_level],
        "spd_lvl": state.speed_level,
        "print_error": state.print_error,
        "lifecycle": "product",
        "wifi_signal": f"{state.wifi_dbm}dBm",
        "gcode_state": str(state.gcode_state),
        "queue_number": 0,
        "queue_total": 0,
        "queue_est": 0,
        "queue_sts": 0,
        **_job_fields(state),
        **_flags(state),
        "mc_print_sub_stage": 0,
        "sdcard": True,
        "force_upgrade": False,
        "mess_production_state": "active",
        "s_obj": [],
        "filam_bak": [],
        "fan_gear": 0,
        "nozzle_diameter": "0.4",
        "nozzle_type": spec.nozzle_type,
        "cali_version": 0,
        "hms": _hms_entries(state.hms, spec.family),
        "online": {"ahb": bool(state.setup.ams_ht_units), "rfid": False, "version": 10},
        "ams": ams_payload(state.units, state.tray_now, state.tray_prev, legacy, state.ams_version),
        "vt_tray": _external_spool("254" if legacy else "255", legacy),
        "lights_report": [{"node": node, "mode": mode} for node, mode in state.lights.items()],
        "xcam": {"buildplate_marker_detector": True},
    }
    if legacy:
        status["k"] = "0.0200"
        status["flag3"] = 15
    else:
        _add_newer_keys(status, state)
    return merge_status(status, state.overrides) if state.overrides else status


def _add_newer_keys(status: JsonDict, state: PrinterState) -> None:
    """Keys only X1/H2/P2S-class firmware reports."""
    job = state.job
    percent = status["mc_percent"]
    status.update(
        {
            "3D": {"layer_num": status["layer_num"], "total_layer_num": status["total_layer_num"]},
            "aux_part_fan": True,
            "ap_err": 0,
            "err": "0",
            "fail_reason": "0",
            "mc_err": 0,
            "mc_print_error_code": "0",
            "mc_stage": 2 if status["mc_print_stage"] == "2" else 1,
            "mc_action": 255,
            "percent": percent,
            "remain_time": status["mc_remaining_time"],
            "prepare_per": job.prepare_percent if job else 0,
            "plate_idx": 1,
            "plate_cnt": 1,
            "print_gcode_action": 255,
            "print_real_action": 0,
            "ver": "20010",
            "xcam_status": "0",
            "info": {"temp": round(state.chamber.current)},
            "xcam": {
                "allow_skip_parts": False,
                "buildplate_marker_detector": True,
                "first_layer_inspector": True,
                "halt_print_sensitivity": "medium",
                "print_halt": True,
                "printing_monitor": True,
                "spaghetti_detector": True,
            },
        }
    )
    if state.spec.has_device_tree:
        status["device"] = _device_tree(state)
        slots = [_external_spool("255", False)]
        if len(state.nozzles) > 1:
            slots.append(_external_spool("254", False))
        status["vir_slot"] = slots
