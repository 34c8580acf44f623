"""AMS units and trays: kinds, humidity, temperatures, colours, active tray."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.printer.enums import AmsKind, TrayStatus
from custom_components.bambuprint_iq.core.printer.filament import (
    humidity_letter,
    humidity_level_from_percent,
)
from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import PrinterStateTracker
from custom_components.bambuprint_iq.core.printer.state import PrinterState

from .reports import ams_block, ams_unit, base_report, full, tray


def _state(model: PrinterModel = PrinterModel.X1C, **overrides: object) -> PrinterState:
    return PrinterStateTracker(model=model).feed(full(**base_report(**overrides))).state


@pytest.mark.parametrize(("level", "letter"), [(5, "A"), (4, "B"), (3, "C"), (2, "D"), (1, "E")])
def test_humidity_letter_mapping(level: int, letter: str) -> None:
    assert humidity_letter(level) == letter


@pytest.mark.parametrize("level", [None, 0, 6, -1])
def test_humidity_letter_outside_range(level: int | None) -> None:
    assert humidity_letter(level) is None


@pytest.mark.parametrize(
    ("percent", "level"),
    [(0, 5), (19, 5), (20, 4), (39, 4), (40, 3), (59, 3), (60, 2), (79, 2), (80, 1), (100, 1)],
)
def test_studio_humidity_bands(percent: int, level: int) -> None:
    assert humidity_level_from_percent(percent) == level


def test_ams_2_pro_level_comes_from_percent_not_firmware_index() -> None:
    unit = ams_unit(0, [tray(0)], info="2103", humidity="1", humidity_raw="29", temp="44.0")
    state = _state(ams=ams_block(unit))
    (ams,) = state.ams
    assert ams.kind is AmsKind.AMS_2_PRO
    assert ams.humidity_percent == 29
    assert ams.humidity_level == 4  # firmware said 1; Studio's bands say 4
    assert ams.humidity_letter == "B"
    assert ams.extruder_id == 1


def test_ams_ht_with_zero_index_uses_percent() -> None:
    unit = ams_unit(128, [tray(0)], info="2004", humidity="0", humidity_raw="61")
    (ams,) = _state(ams=ams_block(unit)).ams
    assert ams.kind is AmsKind.AMS_HT
    assert ams.humidity_level == 2
    assert ams.display_name == "AMS HT A"


def test_classic_ams_uses_index_and_keeps_percent() -> None:
    unit = ams_unit(1, [tray(0)], info="1001", humidity="2", humidity_raw="37")
    (ams,) = _state(ams=ams_block(unit)).ams
    assert ams.kind is AmsKind.AMS
    assert (ams.humidity_level, ams.humidity_letter, ams.humidity_percent) == (2, "D", 37)
    assert ams.display_name == "AMS B"


@pytest.mark.parametrize("raw", ["0", "101", "-3"])
def test_out_of_range_humidity_is_ignored(raw: str) -> None:
    unit = ams_unit(0, [tray(0)], humidity=raw, humidity_raw=raw)
    (ams,) = _state(ams=ams_block(unit)).ams
    assert ams.humidity_level is None
    assert ams.humidity_percent is None
    assert ams.humidity_letter is None


def test_kind_falls_back_to_model_and_placeholder_temperature_is_dropped() -> None:
    unit = ams_unit(0, [tray(0)], temp="0.0")
    (ams,) = _state(model=PrinterModel.A1_MINI, ams=ams_block(unit)).ams
    assert ams.kind is AmsKind.AMS_LITE
    assert ams.temperature is None


def test_tray_fields() -> None:
    loaded = tray(0, "PETG", "0A0B0C80", remain=-1, k="0.0200", bed_temp="0", drying_temp="65")
    (ams,) = _state(ams=ams_block(ams_unit(0, [loaded, {"id": "1", "state": 10}]))).ams
    first, second = ams.trays
    assert first.status is TrayStatus.LOADED
    assert (first.color, first.alpha) == ("#0A0B0C", 0x80)
    assert first.remaining is None  # -1 means unknown
    assert first.k == pytest.approx(0.02)
    assert first.bed_temp is None
    assert first.drying_temp == 65
    assert (first.nozzle_temp_min, first.nozzle_temp_max) == (190, 230)
    assert first.is_bambu
    assert first.has_rfid
    assert second.empty
    assert second.state_raw == 10


def test_third_party_spool_without_rfid() -> None:
    plain = tray(0, tag_uid="0000000000000000", tray_uuid="00000000000000000000000000000000")
    (ams,) = _state(ams=ams_block(ams_unit(0, [plain]))).ams
    assert ams.trays[0].tag_uid is None
    assert not ams.trays[0].is_bambu


@pytest.mark.parametrize(
    ("tray_now", "expected"), [("1", (0, 1)), ("5", (1, 1)), ("255", None), ("254", (254, 0))]
)
def test_active_tray_from_tray_now(tray_now: str, expected: tuple[int, int] | None) -> None:
    units = (ams_unit(0, [tray(0), tray(1)]), ams_unit(1, [tray(0), tray(1)]))
    state = _state(
        ams=ams_block(*units, tray_now=tray_now),
        vt_tray={"id": "254", "tray_type": "PLA", "tray_color": "FFFFFFFF"},
    )
    active = state.active_tray
    assert (None if active is None else (active.ams_id, active.slot)) == expected


def test_active_tray_from_active_extruder() -> None:
    device = {
        "extruder": {
            "state": 0x12,  # bits 4-7: extruder 1 is active
            "info": [{"id": 0, "snow": 0xFFFF, "temp": 20}, {"id": 1, "snow": 0x0002, "temp": 20}],
        }
    }
    state = _state(
        model=PrinterModel.H2D,
        device=device,
        ams=ams_block(ams_unit(0, [tray(0), tray(1), tray(2)])),
    )
    assert state.active_extruder == 1
    assert state.active_tray is not None
    assert (state.active_tray.ams_id, state.active_tray.slot) == (0, 2)
    assert state.extruders[1].loaded_ams_id == 0
    assert state.extruders[0].loaded_ams_id is None
