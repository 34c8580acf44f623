"""Build the hardware-related groups: nozzle, door, storage, camera, lights, extruders."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .build_ams import decode_loaded_slot
from .context import BuildContext, read_float, read_int
from .convert import as_bool, as_float, as_hex_int, as_int, as_text
from .device_tree import active_extruder_index, extruder_entries, nozzle_entries, unpack_temperature
from .enums import SdCardState
from .filament import EXTERNAL_SPOOL_IDS
from .groups import CameraState, Extruder, Hardware, Light
from .models import PrinterModel, has_door_sensor

_DOOR_BIT = 1 << 23
_X1_FAMILY = frozenset({PrinterModel.X1, PrinterModel.X1C, PrinterModel.X1E})
_SDCARD_STATES = (
    SdCardState.ABSENT,
    SdCardState.NORMAL,
    SdCardState.ABNORMAL,
    SdCardState.READ_ONLY,
)


def build_hardware(raw: Mapping[str, Any], ctx: BuildContext) -> Hardware:
    """Nozzle, door and storage card."""
    home_flag = read_int(raw, "home_flag", ctx)
    return Hardware(
        nozzle_diameter=read_float(raw, "nozzle_diameter", ctx),
        nozzle_type=as_text(raw.get("nozzle_type")),
        door_open=_door_open(raw, home_flag, ctx),
        sdcard=_sdcard(raw.get("sdcard"), home_flag),
    )


def _door_open(raw: Mapping[str, Any], home_flag: int | None, ctx: BuildContext) -> bool | None:
    """X1 family: ``home_flag`` bit 23. Newer models: ``stat`` bit 23, else ``home_flag``."""
    if not has_door_sensor(ctx.model, ctx.firmware):
        return None
    flags = home_flag
    if ctx.model not in _X1_FAMILY and "stat" in raw:
        flags = ctx.checked(raw.get("stat"), as_hex_int(raw.get("stat")), "stat flags")
    return None if flags is None else bool(flags & _DOOR_BIT)


def _sdcard(present: Any, home_flag: int | None) -> SdCardState | None:
    """``sdcard`` says whether a card is in; ``home_flag`` bits 8-9 say how it is doing."""
    if present is False:
        return SdCardState.ABSENT
    bits = (home_flag >> 8) & 0x3 if home_flag is not None else 0
    if bits:
        return _SDCARD_STATES[bits]
    if present is True:
        return SdCardState.NORMAL
    return SdCardState.ABSENT if home_flag is not None else None


def build_camera(raw: Mapping[str, Any], ctx: BuildContext) -> CameraState:
    """Camera settings."""
    ipcam = raw.get("ipcam")
    if ipcam is None:
        return CameraState()
    if not isinstance(ipcam, dict):
        ctx.invalid("ipcam block")
        return CameraState()
    return CameraState(
        rtsp_url=as_text(ipcam.get("rtsp_url")),
        recording=as_bool(ipcam.get("ipcam_record")),
        timelapse=as_bool(ipcam.get("timelapse")),
        resolution=as_text(ipcam.get("resolution")),
    )


def build_lights(raw: Mapping[str, Any], ctx: BuildContext) -> tuple[Light, ...]:
    """Light nodes and their modes."""
    report = raw.get("lights_report")
    if report is None:
        return ()
    if not isinstance(report, list):
        ctx.invalid("lights_report")
        return ()
    lights: list[Light] = []
    for entry in report:
        node = as_text(entry.get("node")) if isinstance(entry, dict) else None
        mode = as_text(entry.get("mode")) if isinstance(entry, dict) else None
        if node is None or mode is None:
            ctx.invalid("lights_report entry")
            continue
        lights.append(Light(node=node, mode=mode))
    return tuple(lights)


def build_extruders(raw: Mapping[str, Any], ctx: BuildContext) -> tuple[Extruder, ...]:
    """Per-extruder temperatures, nozzles and loaded slots from ``device``."""
    nozzles = {as_int(entry.get("id")): entry for entry in nozzle_entries(raw)}
    extruders: list[Extruder] = []
    for entry in extruder_entries(raw):
        extruder_id = ctx.checked(entry.get("id"), as_int(entry.get("id")), "extruder id")
        if extruder_id is None:
            continue
        temp, target = unpack_temperature(as_int(entry.get("temp")))
        nozzle = nozzles.get(extruder_id, {})
        loaded = decode_loaded_slot(as_int(entry.get("snow")))
        extruders.append(
            Extruder(
                id=extruder_id,
                temp=temp,
                target_temp=target,
                nozzle_diameter=as_float(nozzle.get("diameter")),
                nozzle_type=as_text(nozzle.get("type")),
                loaded_ams_id=loaded[0] if loaded else None,
                loaded_slot=loaded[1] if loaded and loaded[0] not in EXTERNAL_SPOOL_IDS else None,
            )
        )
    return tuple(extruders)


def build_active_extruder(raw: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """Index of the extruder in use, on printers that report the hardware tree."""
    return active_extruder_index(raw) if extruder_entries(raw) else None
