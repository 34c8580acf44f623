"""Printer models and what each one can report.

Detection order mirrors what the printer tells us: the ``product_name`` of the ``ota``
module in ``info.get_version`` (newer firmware), then the legacy main-board
``hw_ver``/``project_name`` pair, and before any reply arrives the serial-number prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .convert import version_tuple


class PrinterModel(StrEnum):
    """Bambu Lab printer models this library knows."""

    X1 = "X1"
    X1C = "X1C"
    X1E = "X1E"
    P1P = "P1P"
    P1S = "P1S"
    A1 = "A1"
    A1_MINI = "A1_MINI"
    P2S = "P2S"
    H2D = "H2D"
    H2D_PRO = "H2D_PRO"
    H2S = "H2S"
    H2C = "H2C"
    X2D = "X2D"
    A2L = "A2L"

    @property
    def spec(self) -> ModelSpec:
        """Static facts about this model."""
        return MODEL_SPECS[self]

    @property
    def display_name(self) -> str:
        """Marketing name, e.g. "X1 Carbon" or "A1 mini"."""
        return MODEL_SPECS[self].display_name


class CameraKind(StrEnum):
    """How the printer's camera is reached on the LAN."""

    JPEG_STREAM = "jpeg_stream"
    """TLS on port 6000 with a binary login, one JPEG frame per message."""
    RTSPS = "rtsps"
    """H.264 over RTSP in TLS on port 322."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Static facts about one printer model."""

    model: PrinterModel
    display_name: str
    wiki_series: str
    """Path segment of the model's pages on wiki.bambulab.com."""
    camera: CameraKind
    has_chamber_temperature: bool
    """False where the printer reports a meaningless constant (P1/A1 send 5)."""
    has_door_sensor: bool
    door_sensor_min_firmware: str | None
    dual_nozzle: bool
    chamber_light_nodes: tuple[str, ...]


def _spec(
    model: PrinterModel,
    display_name: str,
    wiki_series: str,
    camera: CameraKind,
    *,
    chamber: bool,
    door: bool,
    door_min_fw: str | None = None,
    dual: bool = False,
    lights: tuple[str, ...] = ("chamber_light",),
) -> ModelSpec:
    return ModelSpec(
        model=model,
        display_name=display_name,
        wiki_series=wiki_series,
        camera=camera,
        has_chamber_temperature=chamber,
        has_door_sensor=door,
        door_sensor_min_firmware=door_min_fw,
        dual_nozzle=dual,
        chamber_light_nodes=lights,
    )


_JPEG = CameraKind.JPEG_STREAM
_RTSPS = CameraKind.RTSPS
_H2_LIGHTS = ("chamber_light", "chamber_light2")
_X1_DOOR_FW = "01.07.00.00"
_X1E_DOOR_FW = "01.01.02.00"

MODEL_SPECS: Mapping[PrinterModel, ModelSpec] = MappingProxyType(
    {
        spec.model: spec
        for spec in (
            _spec(
                PrinterModel.X1,
                "X1",
                "x1",
                _RTSPS,
                chamber=True,
                door=True,
                door_min_fw=_X1_DOOR_FW,
            ),
            _spec(
                PrinterModel.X1C,
                "X1 Carbon",
                "x1",
                _RTSPS,
                chamber=True,
                door=True,
                door_min_fw=_X1_DOOR_FW,
            ),
            _spec(
                PrinterModel.X1E,
                "X1E",
                "x1",
                _RTSPS,
                chamber=True,
                door=True,
                door_min_fw=_X1E_DOOR_FW,
            ),
            _spec(PrinterModel.P1P, "P1P", "p1", _JPEG, chamber=False, door=False),
            _spec(PrinterModel.P1S, "P1S", "p1", _JPEG, chamber=False, door=False),
            _spec(PrinterModel.A1, "A1", "a1", _JPEG, chamber=False, door=False),
            _spec(PrinterModel.A1_MINI, "A1 mini", "a1-mini", _JPEG, chamber=False, door=False),
            _spec(PrinterModel.P2S, "P2S", "p2s", _RTSPS, chamber=True, door=True),
            _spec(
                PrinterModel.H2D,
                "H2D",
                "h2d",
                _RTSPS,
                chamber=True,
                door=True,
                dual=True,
                lights=_H2_LIGHTS,
            ),
            _spec(
                PrinterModel.H2D_PRO,
                "H2D Pro",
                "h2d",
                _RTSPS,
                chamber=True,
                door=True,
                dual=True,
                lights=_H2_LIGHTS,
            ),
            _spec(
                PrinterModel.H2S, "H2S", "h2s", _RTSPS, chamber=True, door=True, lights=_H2_LIGHTS
            ),
            _spec(
                PrinterModel.H2C,
                "H2C",
                "h2c",
                _RTSPS,
                chamber=True,
                door=True,
                dual=True,
                lights=_H2_LIGHTS,
            ),
            _spec(PrinterModel.X2D, "X2D", "x2d", _RTSPS, chamber=True, door=True, dual=True),
            _spec(PrinterModel.A2L, "A2L", "a1", _JPEG, chamber=False, door=False),
        )
    }
)


def spec_for(model: PrinterModel) -> ModelSpec:
    """The static facts for ``model``."""
    return MODEL_SPECS[model]


def has_door_sensor(model: PrinterModel | None, firmware: str | None) -> bool:
    """Whether door reports can be trusted; unknown firmware is given the benefit of the doubt."""
    if model is None:
        return False
    spec = MODEL_SPECS[model]
    if not spec.has_door_sensor:
        return False
    if spec.door_sensor_min_firmware is None:
        return True
    current = version_tuple(firmware)
    return current is None or current >= (version_tuple(spec.door_sensor_min_firmware) or ())


_SERIAL_PREFIXES: Mapping[str, PrinterModel] = MappingProxyType(
    {
        "00M": PrinterModel.X1C,
        "03W": PrinterModel.X1E,
        "01S": PrinterModel.P1P,
        "01P": PrinterModel.P1S,
        "030": PrinterModel.A1_MINI,
        "039": PrinterModel.A1,
        "22E": PrinterModel.P2S,
        "093": PrinterModel.H2S,
        "094": PrinterModel.H2D,
        "239": PrinterModel.H2D_PRO,
    }
)


def model_from_serial(serial: str | None) -> PrinterModel | None:
    """Guess the model from the first three characters of the serial number.

    X1 and X1 Carbon share ``00M``; the Carbon is by far the common one.
    """
    if not serial or len(serial) < 3:
        return None
    return _SERIAL_PREFIXES.get(serial[:3].upper())


_PRODUCT_NAMES: Mapping[str, PrinterModel] = MappingProxyType(
    {
        "bambu lab x1": PrinterModel.X1,
        "bambu lab x1-carbon": PrinterModel.X1C,
        "bambu lab x1 carbon": PrinterModel.X1C,
        "bambu lab x1e": PrinterModel.X1E,
        "bambu lab p1p": PrinterModel.P1P,
        "bambu lab p1s": PrinterModel.P1S,
        "bambu lab a1": PrinterModel.A1,
        "bambu lab a1 mini": PrinterModel.A1_MINI,
        "bambu lab a2l": PrinterModel.A2L,
        "bambu lab p2s": PrinterModel.P2S,
        "bambu lab h2c": PrinterModel.H2C,
        "bambu lab h2d": PrinterModel.H2D,
        "bambu lab h2d pro": PrinterModel.H2D_PRO,
        "bambu lab h2s": PrinterModel.H2S,
        "bambu lab x2d": PrinterModel.X2D,
    }
)


def model_from_product_name(product_name: str | None) -> PrinterModel | None:
    """Map the ``ota`` module's ``product_name`` (e.g. "Bambu Lab P1S") to a model."""
    if not product_name:
        return None
    return _PRODUCT_NAMES.get(" ".join(product_name.split()).lower())


@dataclass(frozen=True, slots=True)
class ModuleIdentity:
    """The parts of a ``get_version`` module entry that identify the printer."""

    name: str
    hw_ver: str
    project_name: str
    product_name: str


def model_from_modules(modules: Iterable[ModuleIdentity]) -> PrinterModel | None:
    """Detect the model from ``get_version`` modules: product name first, then legacy ids."""
    entries = tuple(modules)
    for entry in entries:
        if entry.name == "ota":
            model = model_from_product_name(entry.product_name)
            if model is not None:
                return model
    if any(entry.project_name == "N1" for entry in entries):
        return PrinterModel.A1_MINI
    board = next((entry for entry in entries if entry.hw_ver.startswith("AP0")), None)
    if board is None:
        return None
    return _LEGACY_BOARDS.get((board.hw_ver, board.project_name)) or (
        PrinterModel.X1E if board.hw_ver == "AP02" else None
    )


_LEGACY_BOARDS: Mapping[tuple[str, str], PrinterModel] = MappingProxyType(
    {
        ("AP04", "C11"): PrinterModel.P1P,
        ("AP04", "C12"): PrinterModel.P1S,
        ("AP05", "N2S"): PrinterModel.A1,
        ("AP05", ""): PrinterModel.X1C,
    }
)
