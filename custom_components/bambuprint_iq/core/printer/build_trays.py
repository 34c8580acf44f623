"""Build trays and external spool holders from their raw objects."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .context import BuildContext
from .convert import as_float, as_int, as_text
from .enums import TrayStatus
from .filament import EXTERNAL_SPOOL_IDS, Tray

_EMPTY_STATES = frozenset({0, 8, 10})  # empty slot / remembered data but spool removed
_READING_STATES = frozenset({5, 17, 21, 27})
_NO_DATA_STATE = 9
_ZERO_IDS = frozenset("0")


def build_tray(raw: Mapping[str, Any], ams_id: int, slot: int, ctx: BuildContext) -> Tray:
    """One tray or external spool from its raw object."""
    state_raw = ctx.checked(raw.get("state"), as_int(raw.get("state")), "tray state")
    tray_type = as_text(raw.get("tray_type"))
    info_idx = as_text(raw.get("tray_info_idx"))
    if state_raw in _EMPTY_STATES or (tray_type is None and info_idx is None):
        return _empty_tray(ams_id, slot, state_raw)
    color, alpha = _color(raw.get("tray_color"), ctx)
    tag_uid = _rfid(raw.get("tag_uid"))
    tray_uuid = _rfid(raw.get("tray_uuid"))
    return Tray(
        ams_id=ams_id,
        slot=slot,
        status=_loaded_status(state_raw),
        state_raw=state_raw,
        tray_type=tray_type,
        sub_brand=as_text(raw.get("tray_sub_brands")),
        name=as_text(raw.get("tray_id_name")),
        info_idx=info_idx,
        color=color,
        alpha=alpha,
        colors=_colors(raw.get("cols")),
        remaining=_remaining(raw.get("remain"), ctx),
        k=_positive_float(raw.get("k"), "tray k", ctx),
        nozzle_temp_min=_positive_int(raw.get("nozzle_temp_min"), "tray temperature", ctx),
        nozzle_temp_max=_positive_int(raw.get("nozzle_temp_max"), "tray temperature", ctx),
        bed_temp=_positive_int(raw.get("bed_temp"), "tray temperature", ctx),
        drying_temp=_positive_int(_first(raw, "drying_temp", "tray_temp"), "tray drying", ctx),
        drying_time=_positive_int(_first(raw, "drying_time", "tray_time"), "tray drying", ctx),
        weight=_positive_int(raw.get("tray_weight"), "tray weight", ctx),
        diameter=_positive_float(raw.get("tray_diameter"), "tray diameter", ctx),
        tag_uid=tag_uid,
        tray_uuid=tray_uuid,
        is_bambu=tag_uid is not None or tray_uuid is not None,
    )


def _empty_tray(ams_id: int, slot: int, state_raw: int | None) -> Tray:
    return Tray(
        ams_id=ams_id,
        slot=slot,
        status=TrayStatus.EMPTY,
        state_raw=state_raw,
        tray_type=None,
        sub_brand=None,
        name=None,
        info_idx=None,
        color=None,
        alpha=None,
        colors=(),
        remaining=None,
        k=None,
        nozzle_temp_min=None,
        nozzle_temp_max=None,
        bed_temp=None,
        drying_temp=None,
        drying_time=None,
        weight=None,
        diameter=None,
        tag_uid=None,
        tray_uuid=None,
        is_bambu=False,
    )


def _loaded_status(state_raw: int | None) -> TrayStatus:
    if state_raw in _READING_STATES:
        return TrayStatus.READING
    if state_raw == _NO_DATA_STATE:
        return TrayStatus.LOADED_NO_DATA
    return TrayStatus.LOADED


def _first(raw: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = raw.get(key)
        if value is not None:
            return value
    return None


def _color(value: Any, ctx: BuildContext) -> tuple[str | None, int | None]:
    if value is None or value == "":
        return None, None
    parsed = _parse_color(value)
    if parsed is None:
        ctx.invalid("tray colour")
        return None, None
    return parsed


def _parse_color(value: Any) -> tuple[str, int | None] | None:
    if not isinstance(value, str) or len(value) not in (6, 8):
        return None
    try:
        int(value, 16)
    except ValueError:
        return None
    alpha = int(value[6:8], 16) if len(value) == 8 else None
    return f"#{value[:6].upper()}", alpha


def _colors(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(parsed[0] for item in value if (parsed := _parse_color(item)) is not None)


def _rfid(value: Any) -> str | None:
    text = as_text(value)
    if text is None or set(text) <= _ZERO_IDS:
        return None
    return text


def _remaining(value: Any, ctx: BuildContext) -> int | None:
    percent = ctx.checked(value, as_int(value), "tray remain")
    return percent if percent is not None and 0 <= percent <= 100 else None


def _positive_int(value: Any, kind: str, ctx: BuildContext) -> int | None:
    number = ctx.checked(value, as_int(value), kind)
    return number if number is not None and number > 0 else None


def non_negative_int(value: Any, kind: str, ctx: BuildContext) -> int | None:
    number = ctx.checked(value, as_int(value), kind)
    return number if number is not None and number >= 0 else None


def _positive_float(value: Any, kind: str, ctx: BuildContext) -> float | None:
    number = ctx.checked(value, as_float(value), kind)
    return number if number is not None and number > 0 else None


def build_external_spools(
    raw_vt_tray: Any, raw_vir_slot: Any, previous: tuple[Tray, ...], ctx: BuildContext
) -> tuple[Tray, ...]:
    """External spool holders: ``vir_slot[]`` on newer firmware, else ``vt_tray``."""
    if isinstance(raw_vir_slot, list) and raw_vir_slot:
        raw_spools: Sequence[Any] = raw_vir_slot
    elif isinstance(raw_vt_tray, dict):
        raw_spools = (raw_vt_tray,)
    else:
        if raw_vt_tray is not None or raw_vir_slot not in (None, []):
            ctx.invalid("external spool")
        return ()
    old_by_id = {tray.ams_id: tray for tray in previous}
    spools: list[Tray] = []
    for raw in raw_spools:
        spool_id = as_int(raw.get("id")) if isinstance(raw, dict) else None
        if spool_id not in EXTERNAL_SPOOL_IDS or not isinstance(raw, dict):
            ctx.invalid("external spool")
            continue
        spool = build_tray(raw, spool_id, 0, ctx)
        old = old_by_id.get(spool_id)
        spools.append(old if spool == old and old is not None else spool)
    return reuse_tuple(spools, previous)


def reuse_tuple[T](items: list[T], previous: tuple[T, ...]) -> tuple[T, ...]:
    """``previous`` itself when ``items`` holds exactly its objects, else a new tuple."""
    if len(items) == len(previous) and all(a is b for a, b in zip(items, previous, strict=True)):
        return previous
    return tuple(items)
