"""Every captured payload parses, and the snapshot agrees with values read from the file."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from custom_components.bambuprint_iq.core.printer.enums import AmsKind, GcodeState, TrayStatus
from custom_components.bambuprint_iq.core.printer.models import PrinterModel, spec_for
from custom_components.bambuprint_iq.core.printer.parser import MessageKind, PrinterStateTracker
from custom_components.bambuprint_iq.core.printer.state import PrinterState

from .conftest import PAYLOAD_DIR, load_json, load_payload, payload_files

FILE_PREFIX_MODELS = {
    "A1": PrinterModel.A1,
    "A2L": PrinterModel.A2L,
    "H2C": PrinterModel.H2C,
    "H2DPRO": PrinterModel.H2D_PRO,
    "H2D": PrinterModel.H2D,
    "H2S": PrinterModel.H2S,
    "P1P": PrinterModel.P1P,
    "P2S": PrinterModel.P2S,
    "X1C": PrinterModel.X1C,
    "X1": PrinterModel.X1C,  # legacy X1-class capture: AP05 board without project name
    "X2D": PrinterModel.X2D,
}


def _model_of(path: Path) -> PrinterModel | None:
    return FILE_PREFIX_MODELS.get(path.name.split("_", 1)[0])


def _tracker_for(path: Path) -> PrinterStateTracker:
    """A tracker that has seen the same capture's get_version reply, when one exists."""
    tracker = PrinterStateTracker(model=_model_of(path))
    prefix, _, rest = path.name.partition("_pushall_")
    version = PAYLOAD_DIR / f"{prefix}_get_version_{rest}"
    if rest and version.is_file():
        assert tracker.feed(version.read_bytes()).kind is MessageKind.VERSION
    return tracker


def _studio_level(percent: int) -> int:
    for bound, level in ((20, 5), (40, 4), (60, 3), (80, 2)):
        if percent < bound:
            return level
    return 1


def _reference_fan(raw: str) -> int:
    return math.ceil((int(raw) / 15 * 100) / 10) * 10


@pytest.mark.parametrize("path", payload_files())
def test_every_capture_parses(path: Path) -> None:
    result = PrinterStateTracker(model=_model_of(path)).feed(path.read_bytes())
    assert result.kind is not MessageKind.INVALID
    assert isinstance(result.state, PrinterState)


@pytest.mark.parametrize("path", payload_files("*_pushall_*.json"))
def test_full_reports_match_file(path: Path) -> None:
    raw: dict[str, Any] = load_json(path.name)["print"]
    tracker = _tracker_for(path)
    result = tracker.feed(path.read_bytes())
    state = result.state
    assert result.kind in (MessageKind.STATUS_FULL, MessageKind.STATUS_DELTA)
    assert state.has_status

    assert state.gcode_state is GcodeState(raw["gcode_state"].lower())
    assert state.nozzle_temp == pytest.approx(float(raw["nozzle_temper"]))
    assert state.bed_temp == pytest.approx(float(raw["bed_temper"]))
    assert state.bed_target_temp == pytest.approx(float(raw["bed_target_temper"]))
    assert state.wifi_signal_dbm == int(raw["wifi_signal"].removesuffix("dBm"))
    assert state.part_fan == _reference_fan(raw["cooling_fan_speed"])
    assert state.heatbreak_fan == _reference_fan(raw["heatbreak_fan_speed"])
    assert state.nozzle_diameter == pytest.approx(float(raw["nozzle_diameter"]))
    assert state.stage_id == raw["stg_cur"]
    assert state.print_error == raw["print_error"]
    _check_chamber(state, raw)
    _check_ams(state, raw)
    _check_hms(state, raw)
    _check_lights(state, raw)


def _check_chamber(state: PrinterState, raw: dict[str, Any]) -> None:
    assert state.model is not None
    if not spec_for(state.model).has_chamber_temperature:
        assert state.chamber_temp is None  # P1/A1 send a constant 5
        return
    if "chamber_temper" in raw:
        assert state.chamber_temp == pytest.approx(float(raw["chamber_temper"]))
    else:
        packed = raw["device"]["ctc"]["info"]["temp"]
        assert state.chamber_temp == packed & 0xFFFF


def _check_ams(state: PrinterState, raw: dict[str, Any]) -> None:
    raw_units = raw.get("ams", {}).get("ams", [])
    assert [unit.id for unit in state.ams] == [int(unit["id"]) for unit in raw_units]
    for unit, raw_unit in zip(state.ams, raw_units, strict=True):
        percent = int(raw_unit.get("humidity_raw", "0"))
        assert unit.humidity_percent == (percent if 1 <= percent <= 100 else None)
        if unit.kind in (AmsKind.AMS_2_PRO, AmsKind.AMS_HT) and unit.humidity_percent:
            assert unit.humidity_level == _studio_level(percent)
        else:
            assert unit.humidity_level == int(raw_unit["humidity"])
        assert unit.humidity_letter == "EDCBA"[unit.humidity_level - 1]
        assert [tray.slot for tray in unit.trays] == [int(t["id"]) for t in raw_unit["tray"]]
        for tray, raw_tray in zip(unit.trays, raw_unit["tray"], strict=True):
            if "tray_type" not in raw_tray or raw_tray.get("state") in (0, 8, 10):
                assert tray.status is TrayStatus.EMPTY
                assert tray.tray_type is None
                continue
            assert tray.tray_type == raw_tray["tray_type"]
            assert tray.color == "#" + raw_tray["tray_color"][:6]
            assert tray.alpha == int(raw_tray["tray_color"][6:], 16)
            remain = raw_tray["remain"]
            assert tray.remaining == (remain if remain >= 0 else None)
            assert tray.is_bambu == (raw_tray["tray_uuid"].strip("0") != "")


def _check_hms(state: PrinterState, raw: dict[str, Any]) -> None:
    expected = [
        "HMS_{:04X}_{:04X}_{:04X}_{:04X}".format(
            entry["attr"] >> 16, entry["attr"] & 0xFFFF, entry["code"] >> 16, entry["code"] & 0xFFFF
        )
        for entry in raw["hms"]
    ]
    assert [error.code_str for error in state.hms] == expected


def _check_lights(state: PrinterState, raw: dict[str, Any]) -> None:
    modes = {light["node"]: light["mode"] for light in raw["lights_report"]}
    assert state.chamber_light == modes["chamber_light"]
    assert state.chamber_light_on == (modes["chamber_light"] != "off")


@pytest.mark.parametrize("path", payload_files("*_get_version_*.json"))
def test_model_detected_from_get_version(path: Path) -> None:
    tracker = PrinterStateTracker()  # no serial, no model: detection must come from the reply
    result = tracker.feed(path.read_bytes())
    raw_modules = load_json(path.name)["info"]["module"]
    ota = next(module for module in raw_modules if module["name"] == "ota")
    assert result.kind is MessageKind.VERSION
    assert result.state.model is _model_of(path)
    assert result.state.firmware_version == ota["sw_ver"]
    assert result.state.version is not None
    assert len(result.state.version.modules) == len(raw_modules)


def test_hms_example_from_a1_capture() -> None:
    state = PrinterStateTracker(model=PrinterModel.A1).feed(load_payload("A1_pushall_hms_1.json"))
    (error,) = state.state.hms
    assert (error.attr, error.code) == (301998592, 196610)
    assert error.code_str == "HMS_1200_2200_0003_0002"
    assert error.severity.value == "common"
    assert error.module.value == "ams_lite"
    assert error.timestamp == 1740837535
    assert error.wiki_url.endswith("/a1/troubleshooting/hmscode/1200_2200_0003_0002")
    assert error.message is not None
    assert "AMS lite A slot 3" in error.message


@pytest.mark.parametrize(
    "name",
    ["X1C_pushall_1.json", "X1C_pushall_2.json", *[f"H2D_pushall_{n}.json" for n in range(1, 5)]],
)
def test_signed_commands_bit(name: str) -> None:
    raw_fun = load_json(name)["print"]["fun"]
    state = PrinterStateTracker().feed(load_payload(name)).state
    try:
        expected: bool | None = bool(int(raw_fun, 16) & (1 << 29))
    except ValueError:
        expected = None  # the capture's owner redacted the flags
    assert state.signed_commands_required is expected


def test_secured_and_developer_mode_captures_differ() -> None:
    secured = PrinterStateTracker().feed(load_payload("H2D_pushall_1.json")).state
    developer = PrinterStateTracker().feed(load_payload("H2DPRO_pushall_1.json")).state
    assert secured.signed_commands_required is True
    assert developer.signed_commands_required is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("H2D_delta_1.json", False),
        ("H2D_delta_2.json", True),
        ("H2D_delta_3.json", False),
        ("H2D_delta_4.json", True),
    ],
)
def test_h2d_door_deltas(name: str, expected: bool) -> None:
    """The captures are named after the door state (closed/opened, old and new firmware)."""
    state = PrinterStateTracker(model=PrinterModel.H2D).feed(load_payload(name)).state
    assert state.door_open is expected


def test_x1c_door_uses_home_flag_not_stat() -> None:
    raw = load_json("X1C_pushall_1.json")["print"]
    state = (
        PrinterStateTracker(model=PrinterModel.X1C).feed(load_payload("X1C_pushall_1.json")).state
    )
    assert int(raw["stat"], 16) & (1 << 23)  # the stat bit means something else on X1
    assert state.door_open is bool(raw["home_flag"] & (1 << 23))
    assert state.door_open is False


def test_active_tray_on_dual_nozzle_external_spool() -> None:
    tracker = _tracker_for(PAYLOAD_DIR / "H2D_pushall_3.json")
    state = tracker.feed(load_payload("H2D_pushall_3.json")).state
    assert state.active_tray is not None
    assert state.active_tray.is_external
    assert state.active_tray.ams_id == 255
    assert state.active_tray.tray_type == "TPU"
    assert [spool.ams_id for spool in state.external_spools] == [254, 255]
    assert [extruder.id for extruder in state.extruders] == [0, 1]
    assert state.extruders[0].temp == 230.0
    assert state.extruders[0].target_temp == 230.0


def test_ams_kinds_and_versions_from_mixed_x1c() -> None:
    tracker = _tracker_for(PAYLOAD_DIR / "X1C_pushall_1.json")
    state = tracker.feed(load_payload("X1C_pushall_1.json")).state
    kinds = {unit.id: unit.kind for unit in state.ams}
    assert kinds == {
        0: AmsKind.AMS,
        1: AmsKind.AMS,
        2: AmsKind.AMS_2_PRO,
        128: AmsKind.AMS_HT,
    }
    dryer = state.ams_unit(2)
    assert dryer is not None
    assert dryer.is_drying
    assert dryer.temperature == 65.0
    assert dryer.firmware_version == "02.00.19.68"
    assert dryer.display_name == "AMS 2 Pro C"


def test_a1_ams_lite_without_temperature_sensor() -> None:
    state = PrinterStateTracker(model=PrinterModel.A1).feed(load_payload("A1_pushall_1.json")).state
    (unit,) = state.ams
    assert unit.kind is AmsKind.AMS_LITE
    assert unit.temperature is None  # "0.0" placeholder
    assert unit.humidity_percent is None
    assert state.external_spools[0].ams_id == 254
