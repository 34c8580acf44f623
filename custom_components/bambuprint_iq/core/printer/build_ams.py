"""Build AMS units from the raw ``ams`` block and find the tray in use.

Rebuilt objects that compare equal to the previous snapshot's are replaced by the previous
objects, so unchanged units and trays keep their identity across updates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .build_trays import build_tray, non_negative_int, reuse_tuple
from .context import BuildContext
from .convert import as_float, as_hex_int, as_int
from .device_tree import active_extruder_entry
from .enums import AmsKind
from .filament import EXTERNAL_SPOOL_IDS, AmsUnit, Tray, humidity_level_from_percent
from .models import PrinterModel

_INFO_KINDS = {1: AmsKind.AMS, 2: AmsKind.AMS_LITE, 3: AmsKind.AMS_2_PRO, 4: AmsKind.AMS_HT}
_PERCENT_HUMIDITY_KINDS = frozenset({AmsKind.AMS_2_PRO, AmsKind.AMS_HT})
_AMS_LITE_MODELS = frozenset({PrinterModel.A1, PrinterModel.A1_MINI, PrinterModel.A2L})
_FIRST_HT_ID = 128
_EXTRUDER_UNSET = 0xE


def build_ams_units(
    raw_ams: Any, previous: tuple[AmsUnit, ...], ctx: BuildContext
) -> tuple[AmsUnit, ...]:
    """All units under ``ams.ams``, reusing unchanged units from ``previous``."""
    if raw_ams is None:
        return ()
    if not isinstance(raw_ams, dict):
        ctx.invalid("ams block")
        return ()
    raw_units = raw_ams.get("ams")
    if not isinstance(raw_units, list):
        if raw_units is not None:
            ctx.invalid("ams unit list")
        return ()
    old_by_id = {unit.id: unit for unit in previous}
    units: list[AmsUnit] = []
    for raw_unit in raw_units:
        unit = _build_unit(raw_unit, old_by_id, ctx)
        if unit is not None:
            units.append(unit)
    return reuse_tuple(units, previous)


def _build_unit(raw: Any, old_by_id: Mapping[int, AmsUnit], ctx: BuildContext) -> AmsUnit | None:
    if not isinstance(raw, dict):
        ctx.invalid("ams unit")
        return None
    unit_id = ctx.checked(raw.get("id"), as_int(raw.get("id")), "ams unit id")
    if unit_id is None:
        return None
    info = ctx.checked(raw.get("info"), as_hex_int(raw.get("info")), "ams info")
    kind = _unit_kind(unit_id, info, ctx)
    extruder = (info >> 8) & 0xF if info is not None else None
    module = ctx.version.ams_module(unit_id) if ctx.version else None
    previous = old_by_id.get(unit_id)
    unit = AmsUnit(
        id=unit_id,
        kind=kind,
        humidity_level=_humidity_level(raw, kind, ctx),
        humidity_percent=_humidity_percent(raw, ctx),
        temperature=_unit_temperature(raw, ctx),
        drying_remaining_minutes=non_negative_int(raw.get("dry_time"), "ams dry_time", ctx),
        extruder_id=None if extruder in (None, _EXTRUDER_UNSET) else extruder,
        serial=module.serial if module else None,
        firmware_version=module.sw_ver if module else None,
        trays=_build_trays(raw.get("tray"), unit_id, previous.trays if previous else (), ctx),
    )
    return previous if unit == previous else unit


def _unit_kind(unit_id: int, info: int | None, ctx: BuildContext) -> AmsKind:
    if info is not None and (kind := _INFO_KINDS.get(info & 0xF)) is not None:
        return kind
    module = ctx.version.ams_module(unit_id) if ctx.version else None
    if module is not None and module.ams_kind is not None:
        return module.ams_kind
    if unit_id >= _FIRST_HT_ID:
        return AmsKind.AMS_HT
    if ctx.model is None:
        return AmsKind.UNKNOWN
    return AmsKind.AMS_LITE if ctx.model in _AMS_LITE_MODELS else AmsKind.AMS


def _humidity_percent(raw: Mapping[str, Any], ctx: BuildContext) -> int | None:
    value = ctx.checked(raw.get("humidity_raw"), as_int(raw.get("humidity_raw")), "ams humidity")
    return value if value is not None and 1 <= value <= 100 else None


def _humidity_level(raw: Mapping[str, Any], kind: AmsKind, ctx: BuildContext) -> int | None:
    if kind in _PERCENT_HUMIDITY_KINDS:
        percent = _humidity_percent(raw, ctx)
        if percent is not None:
            return humidity_level_from_percent(percent)
    level = ctx.checked(raw.get("humidity"), as_int(raw.get("humidity")), "ams humidity")
    return level if level is not None and 1 <= level <= 5 else None


def _unit_temperature(raw: Mapping[str, Any], ctx: BuildContext) -> float | None:
    value = ctx.checked(raw.get("temp"), as_float(raw.get("temp")), "ams temperature")
    return value or None  # 0.0 is the placeholder of units without a sensor


def _build_trays(
    raw_trays: Any, ams_id: int, previous: tuple[Tray, ...], ctx: BuildContext
) -> tuple[Tray, ...]:
    if not isinstance(raw_trays, list):
        if raw_trays is not None:
            ctx.invalid("ams tray list")
        return ()
    old_by_slot = {tray.slot: tray for tray in previous}
    trays: list[Tray] = []
    for raw in raw_trays:
        if not isinstance(raw, dict):
            ctx.invalid("ams tray")
            continue
        slot = ctx.checked(raw.get("id"), as_int(raw.get("id")), "tray id")
        if slot is None:
            continue
        tray = build_tray(raw, ams_id, slot, ctx)
        old = old_by_slot.get(slot)
        trays.append(old if tray == old and old is not None else tray)
    return reuse_tuple(trays, previous)


def find_active_tray(
    raw: Mapping[str, Any], units: tuple[AmsUnit, ...], externals: tuple[Tray, ...]
) -> Tray | None:
    """The tray currently feeding the active extruder, if any."""
    ref = _active_reference(raw)
    if ref is None:
        return None
    ams_id, slot = ref
    if ams_id in EXTERNAL_SPOOL_IDS:
        exact = next((tray for tray in externals if tray.ams_id == ams_id), None)
        return exact or (externals[0] if len(externals) == 1 else None)
    unit = next((unit for unit in units if unit.id == ams_id), None)
    if unit is None:
        return None
    return next((tray for tray in unit.trays if tray.slot == slot), None)


def _active_reference(raw: Mapping[str, Any]) -> tuple[int, int] | None:
    entry = active_extruder_entry(raw)
    if entry is not None:
        return decode_loaded_slot(as_int(entry.get("snow")))
    ams = raw.get("ams")
    tray_now = as_int(ams.get("tray_now")) if isinstance(ams, dict) else None
    if tray_now is None or tray_now == 255:
        return None
    if tray_now in EXTERNAL_SPOOL_IDS or tray_now >= _FIRST_HT_ID:
        return tray_now, 0
    return tray_now >> 2, tray_now & 0x3


def decode_loaded_slot(snow: int | None) -> tuple[int, int] | None:
    """Decode an extruder's ``snow`` value (unit id << 8 | slot) into ``(ams_id, slot)``."""
    if snow is None or not 0 <= snow < 0xFFFF:
        return None
    ams_id, slot = snow >> 8, snow & 0xFF
    if slot == 0xFF:
        return None
    if ams_id in EXTERNAL_SPOOL_IDS or ams_id >= _FIRST_HT_ID:
        return ams_id, 0
    return ams_id, slot & 0x3
