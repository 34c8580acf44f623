"""Model detection and per-model facts."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.printer.models import (
    CameraKind,
    ModuleIdentity,
    PrinterModel,
    has_door_sensor,
    model_from_modules,
    model_from_product_name,
    model_from_serial,
    spec_for,
)
from custom_components.bambuprint_iq.core.printer.versions import parse_version_info


@pytest.mark.parametrize(
    ("serial", "model"),
    [
        ("00M09A330500140", PrinterModel.X1C),
        ("03W00X000000000", PrinterModel.X1E),
        ("01S00C000000000", PrinterModel.P1P),
        ("01P00C592002285", PrinterModel.P1S),
        ("0300000000000", PrinterModel.A1_MINI),
        ("03919C461204912", PrinterModel.A1),
        ("22E00000000000", PrinterModel.P2S),
        ("0930000000000", PrinterModel.H2S),
        ("0940000000000", PrinterModel.H2D),
        ("XYZ", None),
        ("", None),
        (None, None),
    ],
)
def test_serial_prefix(serial: str | None, model: PrinterModel | None) -> None:
    assert model_from_serial(serial) is model


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("Bambu Lab X1-Carbon", PrinterModel.X1C),
        ("Bambu Lab A1 mini", PrinterModel.A1_MINI),
        ("bambu lab  H2D Pro", PrinterModel.H2D_PRO),
        ("Bambu Lab P1S", PrinterModel.P1S),
        ("Something else", None),
    ],
)
def test_product_names(name: str, model: PrinterModel | None) -> None:
    assert model_from_product_name(name) is model


def _module(name: str, hw: str, project: str = "", product: str = "") -> ModuleIdentity:
    return ModuleIdentity(name=name, hw_ver=hw, project_name=project, product_name=product)


@pytest.mark.parametrize(
    ("modules", "model"),
    [
        ([_module("ota", "OTA", "C12"), _module("esp32", "AP04", "C12")], PrinterModel.P1S),
        ([_module("ota", "OTA", "C11"), _module("esp32", "AP04", "C11")], PrinterModel.P1P),
        ([_module("ota", "OTA", "N1"), _module("esp32", "AP05", "N1")], PrinterModel.A1_MINI),
        ([_module("rv1126", "AP05")], PrinterModel.X1C),
        ([_module("ap", "AP02")], PrinterModel.X1E),
        ([_module("ota", "", product="Bambu Lab H2S"), _module("ap", "AP05")], PrinterModel.H2S),
        ([_module("mc", "MC07")], None),
    ],
)
def test_legacy_and_product_detection(
    modules: list[ModuleIdentity], model: PrinterModel | None
) -> None:
    assert model_from_modules(modules) is model


def test_version_info_lists_ams_modules() -> None:
    info = parse_version_info(
        {
            "command": "get_version",
            "module": [
                {
                    "name": "ota",
                    "sw_ver": "01.08.02.00",
                    "sn": "01P00C0",
                    "product_name": "Bambu Lab P1S",
                },
                {"name": "ams/0", "sw_ver": "00.00.06.49", "hw_ver": "AMS08", "sn": "A0"},
                {"name": "n3s/128", "sw_ver": "02.00.19.67", "hw_ver": "N3S05", "sn": "HT"},
                "junk",
                {"name": ""},
            ],
        }
    )
    assert info is not None
    assert info.model is PrinterModel.P1S
    assert (info.firmware_version, info.serial) == ("01.08.02.00", "01P00C0")
    assert [m.ams_id for m in info.ams_modules] == [0, 128]
    ht = info.ams_module(128)
    assert ht is not None
    assert ht.serial == "HT"
    assert parse_version_info({"module": "x"}) is None


def test_specs() -> None:
    jpeg = {m for m in PrinterModel if spec_for(m).camera is CameraKind.JPEG_STREAM}
    assert jpeg == {
        PrinterModel.A1,
        PrinterModel.A1_MINI,
        PrinterModel.P1P,
        PrinterModel.P1S,
        PrinterModel.A2L,
    }
    dual = {m for m in PrinterModel if spec_for(m).dual_nozzle}
    assert dual == {PrinterModel.H2D, PrinterModel.H2D_PRO, PrinterModel.H2C, PrinterModel.X2D}
    no_chamber = {m for m in PrinterModel if not m.spec.has_chamber_temperature}
    assert no_chamber == {
        PrinterModel.P1P,
        PrinterModel.P1S,
        PrinterModel.A1,
        PrinterModel.A1_MINI,
        PrinterModel.A2L,
    }
    assert PrinterModel.A1_MINI.display_name == "A1 mini"
    assert spec_for(PrinterModel.H2S).chamber_light_nodes == ("chamber_light", "chamber_light2")


@pytest.mark.parametrize(
    ("model", "firmware", "expected"),
    [
        (PrinterModel.X1C, "01.06.01.00", False),
        (PrinterModel.X1C, "01.07.00.00", True),
        (PrinterModel.X1C, None, True),
        (PrinterModel.X1E, "01.01.01.00", False),
        (PrinterModel.H2D, "01.01.00.00", True),
        (PrinterModel.P1S, None, False),
        (None, None, False),
    ],
)
def test_door_sensor_support(
    model: PrinterModel | None, firmware: str | None, expected: bool
) -> None:
    assert has_door_sensor(model, firmware) is expected
