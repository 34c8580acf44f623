"""JSON forms of ``SpecValues`` for caches, corrections and model output, validated on read.

Two input shapes are accepted: the structured form ``as_dict`` writes
(``{"nozzle_temp": {"min": 190, "max": 230}}``) and a flat form that suits a service call
(``{"nozzle_temp_min": 190, "nozzle_temp_max": 230, "drying_temp": 55}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
import math
from typing import Any

from .errors import InvalidSpecInput
from .values import (
    DryingSchedule,
    PlateTemp,
    PlateType,
    Range,
    Requirement,
    SpecValues,
    SpeedBand,
    value_as_json,
)

RANGE_FIELDS = frozenset(
    {
        "nozzle_temp",
        "bed_temp",
        "chamber_temp",
        "print_speed",
        "fan_speed",
        "drying_temp",
        "drying_time_h",
    }
)
NUMBER_FIELDS = frozenset(
    {
        "nozzle_temp_recommended",
        "bed_temp_recommended",
        "max_volumetric_speed",
        "max_drying_temp",
        "density",
        "diameter",
        "diameter_tolerance",
        "glass_transition_temp",
    }
)
BOOL_FIELDS = frozenset(
    {"heated_bed_required", "fan_enabled", "abrasive", "filtration_recommended"}
)
REQUIREMENT_FIELDS = frozenset({"enclosure", "drying_requirement", "hardened_nozzle"})
LIST_FIELDS = frozenset({"nozzle_temp_by_speed", "bed_temp_by_plate", "drying_schedules"})

FLAT_FIELDS: frozenset[str] = frozenset(
    {f"{name}_{end}" for name in RANGE_FIELDS for end in ("min", "max")}
    | RANGE_FIELDS
    | NUMBER_FIELDS
    | BOOL_FIELDS
    | REQUIREMENT_FIELDS
)
"""Keys a flat correction may use (``*_min``/``*_max`` or a single value per range field)."""


def values_to_json(values: SpecValues) -> dict[str, Any]:
    """Structured JSON form of the stated fields."""
    return {name: value_as_json(getattr(values, name)) for name in values.present_fields()}


def _number(raw: object, where: str) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise InvalidSpecInput(f"{where}: expected a number")
    try:
        value = float(raw)
    except ValueError as err:
        raise InvalidSpecInput(f"{where}: expected a number") from err
    if not math.isfinite(value):
        raise InvalidSpecInput(f"{where}: not a finite number")
    return value


def _optional_number(raw: object, where: str) -> float | None:
    return None if raw is None else _number(raw, where)


def _range(raw: object, where: str) -> Range:
    try:
        if isinstance(raw, Mapping):
            return Range(
                _optional_number(raw.get("min"), where), _optional_number(raw.get("max"), where)
            )
        if isinstance(raw, list | tuple) and len(raw) == 2:
            return Range(_optional_number(raw[0], where), _optional_number(raw[1], where))
        return Range.point(_number(raw, where))
    except ValueError as err:
        if isinstance(err, InvalidSpecInput):
            raise
        raise InvalidSpecInput(f"{where}: {err}") from err


def _bool(raw: object, where: str) -> bool:
    if not isinstance(raw, bool):
        raise InvalidSpecInput(f"{where}: expected true or false")
    return raw


def _requirement(raw: object, where: str) -> Requirement:
    try:
        return Requirement(str(raw).lower())
    except ValueError as err:
        allowed = ", ".join(item.value for item in Requirement)
        raise InvalidSpecInput(f"{where}: expected one of {allowed}") from err


def _list_item(name: str, raw: object, where: str) -> SpeedBand | PlateTemp | DryingSchedule:
    if not isinstance(raw, Mapping):
        raise InvalidSpecInput(f"{where}: expected an object")
    if name == "nozzle_temp_by_speed":
        return SpeedBand(
            _range(raw.get("speed_mm_s"), where), _range(raw.get("nozzle_temp_c"), where)
        )
    if name == "bed_temp_by_plate":
        try:
            plate = PlateType(str(raw.get("plate")))
        except ValueError as err:
            raise InvalidSpecInput(f"{where}: unknown plate type") from err
        return PlateTemp(plate, _range(raw.get("temp_c"), where))
    method = raw.get("method")
    if method is not None and not isinstance(method, str):
        raise InvalidSpecInput(f"{where}: method must be text")
    time_h = raw.get("time_h")
    return DryingSchedule(
        _range(raw.get("temp_c"), where),
        None if time_h is None else _range(time_h, where),
        None if method is None else method[:60],
    )


def _field(name: str, raw: object) -> object:
    if name in RANGE_FIELDS:
        return _range(raw, name)
    if name in NUMBER_FIELDS:
        return _number(raw, name)
    if name in BOOL_FIELDS:
        return _bool(raw, name)
    if name in REQUIREMENT_FIELDS:
        return _requirement(raw, name)
    if not isinstance(raw, list) or len(raw) > 20:
        raise InvalidSpecInput(f"{name}: expected a short list")
    return tuple(_list_item(name, item, f"{name}[{i}]") for i, item in enumerate(raw))


def values_from_json(data: object) -> SpecValues:
    """Read values in either form; unknown keys and bad values raise ``InvalidSpecInput``."""
    if not isinstance(data, Mapping):
        raise InvalidSpecInput("filament settings must be an object")
    fields: dict[str, Any] = {}
    bounds: dict[str, dict[str, object]] = {}
    for key, raw in data.items():
        if not isinstance(key, str):
            raise InvalidSpecInput("setting names must be text")
        if raw is None:
            continue
        base, _, end = key.rpartition("_")
        if end in {"min", "max"} and base in RANGE_FIELDS:
            bounds.setdefault(base, {})[end] = raw
        elif key in RANGE_FIELDS | NUMBER_FIELDS | BOOL_FIELDS | REQUIREMENT_FIELDS | LIST_FIELDS:
            fields[key] = _field(key, raw)
        else:
            raise InvalidSpecInput(f"unknown setting {key!r}")
    for base, pair in bounds.items():
        if base in fields:
            raise InvalidSpecInput(f"{base} given both as a value and as min/max")
        fields[base] = _range(pair, base)
    return replace(SpecValues(), **fields)
