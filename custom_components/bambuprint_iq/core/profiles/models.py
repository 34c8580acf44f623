"""Inputs of the generator: the filament, the analysis adjustments and the target printers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
import math
import re
from types import MappingProxyType
from typing import Literal

from .errors import InvalidAdjustmentError, InvalidSpecError


class PlateType(StrEnum):
    """Build plates, named after the option key prefix they set."""

    COOL = "cool"
    ENGINEERING = "engineering"
    HIGH_TEMP = "high_temp"
    TEXTURED = "textured"
    SUPERTACK = "supertack"


PLATE_OPTION_KEYS: Mapping[PlateType, str] = MappingProxyType(
    {
        PlateType.COOL: "cool_plate_temp",
        PlateType.ENGINEERING: "eng_plate_temp",
        PlateType.HIGH_TEMP: "hot_plate_temp",
        PlateType.TEXTURED: "textured_plate_temp",
        PlateType.SUPERTACK: "supertack_plate_temp",
    }
)


class NozzleType(StrEnum):
    """Nozzle material class as telemetry reports it."""

    STANDARD = "standard"
    HARDENED = "hardened"


class PresetShape(StrEnum):
    """A = inherits a system preset (diff only); B = custom root (full set, AMS-visible)."""

    INHERITED = "inherited"
    CUSTOM_ROOT = "custom_root"


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        raise InvalidSpecError(f"{name}={value!r} outside {low}..{high}")


_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$")


@dataclass(frozen=True, slots=True)
class FilamentSpec:
    """What is known about a filament; everything but the material type is optional.

    Temperatures in degC, speeds in mm3/s, density in g/cm3, diameter in mm, fan in %.
    """

    material_type: str
    vendor: str | None = None
    product_name: str | None = None
    nozzle_temp_min: int | None = None
    nozzle_temp_max: int | None = None
    nozzle_temp_recommended: int | None = None
    nozzle_temp_initial_layer: int | None = None
    bed_temps: tuple[tuple[PlateType, int], ...] = ()
    max_volumetric_speed: float | None = None
    flow_ratio: float | None = None
    fan_min_speed: int | None = None
    fan_max_speed: int | None = None
    density: float | None = None
    diameter: float | None = None
    cost_per_kg: float | None = None
    chamber_temp: int | None = None
    softening_temp: int | None = None
    drying_temp: float | None = None
    drying_hours: float | None = None
    colour_hex: str | None = None
    abrasive: bool | None = None

    def __post_init__(self) -> None:
        if not self.material_type.strip():
            raise InvalidSpecError("material_type is required")
        for name in (
            "nozzle_temp_min",
            "nozzle_temp_max",
            "nozzle_temp_recommended",
            "nozzle_temp_initial_layer",
        ):
            _check_range(name, getattr(self, name), 100, 500)
        if (
            self.nozzle_temp_min is not None
            and self.nozzle_temp_max is not None
            and self.nozzle_temp_min > self.nozzle_temp_max
        ):
            raise InvalidSpecError("nozzle_temp_min is above nozzle_temp_max")
        low = self.nozzle_temp_min if self.nozzle_temp_min is not None else 0
        high = self.nozzle_temp_max if self.nozzle_temp_max is not None else 1000
        for name in ("nozzle_temp_recommended", "nozzle_temp_initial_layer"):
            value = getattr(self, name)
            if value is not None and not low <= value <= high:
                raise InvalidSpecError(f"{name}={value} outside the stated nozzle range")
        for plate, temp in self.bed_temps:
            if not isinstance(plate, PlateType):
                raise InvalidSpecError(f"unknown plate {plate!r}")
            _check_range(f"bed temp {plate}", temp, 0, 120)
        _check_range("max_volumetric_speed", self.max_volumetric_speed, 0.5, 200)
        _check_range("flow_ratio", self.flow_ratio, 0.5, 1.5)
        _check_range("fan_min_speed", self.fan_min_speed, 0, 100)
        _check_range("fan_max_speed", self.fan_max_speed, 0, 100)
        if (self.fan_min_speed or 0) > (100 if self.fan_max_speed is None else self.fan_max_speed):
            raise InvalidSpecError("fan_min_speed is above fan_max_speed")
        _check_range("density", self.density, 0.5, 5)
        _check_range("diameter", self.diameter, 1.0, 3.5)
        _check_range("cost_per_kg", self.cost_per_kg, 0, 100000)
        _check_range("chamber_temp", self.chamber_temp, 0, 80)
        _check_range("softening_temp", self.softening_temp, 0, 400)
        _check_range("drying_temp", self.drying_temp, 30, 120)
        _check_range("drying_hours", self.drying_hours, 0.5, 72)
        if self.colour_hex is not None and not _COLOUR.match(self.colour_hex):
            raise InvalidSpecError(f"colour_hex {self.colour_hex!r} is not #RRGGBB")

    def bed_temp(self, plate: PlateType) -> int | None:
        """Stated temperature for one plate, if any."""
        return next((temp for p, temp in self.bed_temps if p is plate), None)


@dataclass(frozen=True, slots=True)
class AbsoluteChange:
    """Set the option to this value (numbers, bools, enum keys or text)."""

    value: float | int | bool | str

    def __post_init__(self) -> None:
        if isinstance(self.value, float) and not math.isfinite(self.value):
            raise InvalidAdjustmentError(f"value {self.value!r} is not finite")


@dataclass(frozen=True, slots=True)
class RelativeChange:
    """Move a numeric option: ``delta`` in the option's unit, or ``percent`` of its value."""

    delta: float = 0.0
    percent: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.delta) and math.isfinite(self.percent)):
            raise InvalidAdjustmentError("relative change must be finite")
        if self.delta == 0 and self.percent == 0:
            raise InvalidAdjustmentError("relative change moves nothing")

    def apply(self, current: float) -> float:
        """New value from the current one."""
        return current * (1 + self.percent / 100) + self.delta


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One recommendation of the analysis rule engine, keyed by a Bambu Studio option."""

    key: str
    change: AbsoluteChange | RelativeChange
    reason: str
    source_defect: str | None = None

    def __post_init__(self) -> None:
        if not self.key.strip():
            raise InvalidAdjustmentError("adjustment key is empty")


@dataclass(frozen=True, slots=True)
class TargetPrinter:
    """A printer to generate for: model (name, code or id) and its current nozzle."""

    model: str
    nozzle_diameter: float = 0.4
    nozzle_type: NozzleType | None = None
    high_flow: bool | None = None
    """True/False applies adjustments to the High Flow/Standard variant slots; None to all."""


type Targets = tuple[TargetPrinter, ...] | Literal["all"]


@dataclass(frozen=True, slots=True)
class ProfileRequest:
    """Everything the generator needs for one filament on one or more printers."""

    spec: FilamentSpec
    targets: Targets
    adjustments: tuple[Adjustment, ...] = ()
    shape: PresetShape | None = None
    """None picks B (custom root) for third-party vendors and A for Bambu/Generic."""
    base_material: str | None = None
    """Force a generic base ("Generic PETG HF"); None picks one from the spec."""
    label: str | None = None
    """Appended to the filament name, e.g. "tuned", to keep a variant apart."""
