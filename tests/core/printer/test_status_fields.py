"""Scalar status fields: door, fans, wifi, storage, stage, chamber, speed, camera."""

from __future__ import annotations

import math
from typing import Any

import pytest

from custom_components.bambuprint_iq.core.printer.convert import fan_percent
from custom_components.bambuprint_iq.core.printer.enums import GcodeState, SdCardState, SpeedLevel
from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import PrinterStateTracker
from custom_components.bambuprint_iq.core.printer.state import PrinterState

from .reports import base_report, delta, full

DOOR = 1 << 23


def _state(model: PrinterModel | None = PrinterModel.X1C, **overrides: Any) -> PrinterState:
    return PrinterStateTracker(model=model).feed(full(**base_report(**overrides))).state


@pytest.mark.parametrize("raw", range(16))
def test_fan_percent_matches_reference_formula(raw: int) -> None:
    assert fan_percent(str(raw)) == math.ceil((raw / 15 * 100) / 10) * 10


@pytest.mark.parametrize("raw", ["16", "-1", "fast", None, 3.5])
def test_fan_percent_rejects_nonsense(raw: object) -> None:
    assert fan_percent(raw) is None


def test_fans_in_state() -> None:
    state = _state()
    assert (state.part_fan, state.aux_fan, state.chamber_fan, state.heatbreak_fan) == (
        100,
        60,
        0,
        70,
    )


@pytest.mark.parametrize(
    ("model", "fields", "expected"),
    [
        (PrinterModel.X1C, {"home_flag": DOOR}, True),
        (PrinterModel.X1C, {"home_flag": 0, "stat": "800000"}, False),  # X1 ignores stat
        (PrinterModel.H2D, {"home_flag": 0, "stat": "46A58008"}, True),
        (PrinterModel.H2D, {"home_flag": DOOR, "stat": "46258008"}, False),  # stat wins
        (PrinterModel.P2S, {"home_flag": DOOR | 0x100}, True),  # no stat: home_flag
        (PrinterModel.P1S, {"home_flag": DOOR}, None),  # no sensor
        (None, {"home_flag": DOOR}, None),
    ],
)
def test_door(model: PrinterModel | None, fields: dict[str, Any], expected: bool | None) -> None:
    assert _state(model=model, **fields).door_open is expected


def test_door_needs_firmware_with_sensor_support() -> None:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    version = b'{"info":{"command":"get_version","module":[{"name":"ota","sw_ver":"01.06.00.00"}]}}'
    tracker.feed(version)
    assert tracker.feed(full(**base_report(home_flag=DOOR))).state.door_open is None


def test_wifi_signal_and_ip() -> None:
    state = _state(net={"info": [{"ip": 0, "mask": 0}, {"ip": 788637888, "mask": 16777215}]})
    assert state.wifi_signal_dbm == -51
    assert state.network.ip_address == "192.168.1.47"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"sdcard": False, "home_flag": 0x100}, SdCardState.ABSENT),
        ({"sdcard": True, "home_flag": 0x100}, SdCardState.NORMAL),
        ({"sdcard": True, "home_flag": 0x200}, SdCardState.ABNORMAL),
        ({"sdcard": True, "home_flag": 0x300}, SdCardState.READ_ONLY),
        ({"sdcard": True, "home_flag": 0}, SdCardState.NORMAL),
    ],
)
def test_sdcard(fields: dict[str, Any], expected: SdCardState) -> None:
    assert _state(**fields).sdcard is expected


@pytest.mark.parametrize(
    ("gcode_state", "stage", "key"),
    [
        ("RUNNING", 0, "printing"),
        ("IDLE", 0, "idle"),
        ("RUNNING", 1, "auto_bed_leveling"),
        ("PREPARE", 2, "heatbed_preheating"),
        ("IDLE", -1, "idle"),
        ("FINISH", 255, "idle"),
        ("RUNNING", 77, "preparing_ams"),
        ("RUNNING", 200, "unknown"),
    ],
)
def test_stage_keys(gcode_state: str, stage: int, key: str) -> None:
    state = _state(gcode_state=gcode_state, stg_cur=stage)
    assert state.stage_id == stage
    assert state.stage_key == key


def test_gcode_state_parsing() -> None:
    assert _state(gcode_state="PAUSE").gcode_state is GcodeState.PAUSE
    assert _state(gcode_state="slicing").gcode_state is GcodeState.SLICING
    assert _state(gcode_state="WEIRD").gcode_state is GcodeState.UNKNOWN


def test_chamber_depends_on_model_and_reads_packed_value() -> None:
    assert _state(model=PrinterModel.A1).chamber_temp is None
    assert _state(model=PrinterModel.X1C).chamber_temp == 31
    packed = {"ctc": {"info": {"temp": (60 << 16) | 48}}}
    state = _state(model=PrinterModel.H2S, chamber_temper=None, device=packed)
    assert (state.chamber_temp, state.chamber_target_temp) == (48, 60)


def test_speed_job_and_layers() -> None:
    state = _state(spd_lvl=4, spd_mag=166, subtask_name="Benchy", gcode_file="benchy.gcode.3mf")
    assert state.speed_level is SpeedLevel.LUDICROUS
    assert state.speed_magnitude == 166
    assert (state.progress, state.layer, state.total_layers) == (42, 10, 100)
    assert state.remaining_minutes == 33
    assert state.subtask_name == "Benchy"
    assert state.is_printing
    new_layout: dict[str, Any] = {"3D": {"layer_num": 5, "total_layer_num": 9}}
    both = _state(**new_layout)
    assert (both.layer, both.total_layers) == (10, 100)  # the top-level fields win
    newer = PrinterStateTracker().feed(full(**new_layout)).state
    assert (newer.layer, newer.total_layers) == (5, 9)


def test_camera_and_lights() -> None:
    ipcam = {
        "rtsp_url": "rtsps://192.0.2.7/streaming/live/1",
        "ipcam_record": "enable",
        "timelapse": "disable",
    }
    state = _state(
        ipcam=ipcam,
        lights_report=[
            {"node": "chamber_light", "mode": "off"},
            {"node": "work_light", "mode": "flashing"},
        ],
    )
    assert state.rtsp_url == "rtsps://192.0.2.7/streaming/live/1"
    assert state.camera.rtsp_enabled
    assert state.camera.recording is True
    assert state.camera.timelapse is False
    assert state.chamber_light_on is False
    assert state.light_mode("work_light") == "flashing"
    assert not _state(ipcam={"rtsp_url": "disable"}).camera.rtsp_enabled


def test_signed_commands_flag_and_update_flag() -> None:
    assert _state(fun="3EC1AFFF9CFF").signed_commands_required is True
    assert _state(fun="3EC18FFF9CFF").signed_commands_required is False
    assert _state().signed_commands_required is None
    assert _state(upgrade_state={"new_version_state": 1}).firmware_update_available is True
    assert _state(upgrade_state={"new_version_state": 2}).firmware_update_available is False


def test_cloud_events() -> None:
    tracker = PrinterStateTracker()
    assert tracker.feed(b'{"event":{"event":"client.disconnected"}}').state.cloud_connected is False
    result = tracker.feed(b'{"event":{"event":"client.connected"}}')
    assert result.state.cloud_connected is True
    assert result.changed_fields == frozenset({"cloud_connected"})


def test_first_delta_marks_status_received() -> None:
    tracker = PrinterStateTracker()
    assert not tracker.state.has_status
    assert tracker.feed(delta(nozzle_temper=21.0)).state.has_status
