"""Build the job, temperature, fan, network, HMS and flag fields from the raw report.

Each builder reads the merged ``print`` object and returns one complete group; the
snapshot assembler decides when a builder has to run and keeps the previous group when
the result is equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
import ipaddress
from typing import Any

from .context import BuildContext, read_fan, read_float, read_int
from .convert import as_hex_int, as_int, as_text, dbm
from .device_tree import chamber_packed_temperature, unpack_temperature
from .enums import ACTIVE_GCODE_STATES, GcodeState, SpeedLevel
from .groups import Fans, JobState, Network, Temperatures
from .hms import HmsError, decode_hms_entry, format_print_error
from .models import MODEL_SPECS
from .stages import IDLE_STAGE_KEY, stage_key

_SIGNED_COMMANDS_BIT = 1 << 29
_UPDATE_AVAILABLE = 1


def build_job(raw: Mapping[str, Any], ctx: BuildContext) -> JobState:
    """Job progress, identity, errors and speed."""
    raw_state = raw.get("gcode_state")
    gcode_state = GcodeState.parse(raw_state)
    if raw_state is not None and not isinstance(raw_state, str):
        ctx.invalid("gcode_state")
    stage_id = read_int(raw, "stg_cur", ctx)
    key = stage_key(stage_id)
    if stage_id == 0 and gcode_state not in ACTIVE_GCODE_STATES:
        key = IDLE_STAGE_KEY  # stage 0 ("printing") lingers in idle reports
    print_error = read_int(raw, "print_error", ctx)
    speed = read_int(raw, "spd_lvl", ctx)
    progress = read_int(raw, "mc_percent", ctx)
    remaining = read_int(raw, "mc_remaining_time", ctx)
    start = read_int(raw, "gcode_start_time", ctx)
    return JobState(
        gcode_state=gcode_state,
        stage_id=stage_id,
        stage_key=key,
        progress=progress if progress is not None and 0 <= progress <= 100 else None,
        layer=_layer_field(raw, "layer_num", ctx),
        total_layers=_layer_field(raw, "total_layer_num", ctx),
        remaining_minutes=remaining if remaining is not None and remaining >= 0 else None,
        gcode_file=as_text(raw.get("gcode_file")),
        subtask_name=as_text(raw.get("subtask_name")),
        task_id=as_text(raw.get("task_id")),
        subtask_id=as_text(raw.get("subtask_id")),
        print_type=as_text(raw.get("print_type")),
        print_error=print_error,
        print_error_code=format_print_error(print_error),
        start_time=start if start else None,
        speed_level=SpeedLevel(speed) if speed in _SPEED_LEVELS else None,
        speed_magnitude=read_int(raw, "spd_mag", ctx),
    )


_SPEED_LEVELS = frozenset(level.value for level in SpeedLevel)


def _layer_field(raw: Mapping[str, Any], key: str, ctx: BuildContext) -> int | None:
    """The top-level layer counter, else the copy newer firmware keeps under ``3D``."""
    if key in raw:
        return read_int(raw, key, ctx)
    three_d = raw.get("3D")
    return as_int(three_d.get(key)) if isinstance(three_d, dict) else None


def build_temperatures(raw: Mapping[str, Any], ctx: BuildContext) -> Temperatures:
    """Nozzle, bed and (where a sensor exists) chamber temperatures."""
    chamber, chamber_target = _chamber(raw, ctx)
    return Temperatures(
        nozzle=read_float(raw, "nozzle_temper", ctx),
        nozzle_target=read_float(raw, "nozzle_target_temper", ctx),
        bed=read_float(raw, "bed_temper", ctx),
        bed_target=read_float(raw, "bed_target_temper", ctx),
        chamber=chamber,
        chamber_target=chamber_target,
    )


def _chamber(raw: Mapping[str, Any], ctx: BuildContext) -> tuple[float | None, float | None]:
    if ctx.model is not None and not MODEL_SPECS[ctx.model].has_chamber_temperature:
        return None, None
    current, target = unpack_temperature(chamber_packed_temperature(raw))
    plain = read_float(raw, "chamber_temper", ctx)
    if plain is not None:
        current = plain
    if target is None:
        target = read_float(raw, "ctt", ctx)
    return current, target


def build_fans(raw: Mapping[str, Any], ctx: BuildContext) -> Fans:
    """Fan speeds in percent."""
    return Fans(
        part=read_fan(raw, "cooling_fan_speed", ctx),
        aux=read_fan(raw, "big_fan1_speed", ctx),
        chamber=read_fan(raw, "big_fan2_speed", ctx),
        heatbreak=read_fan(raw, "heatbreak_fan_speed", ctx),
    )


def build_network(raw: Mapping[str, Any], ctx: BuildContext) -> Network:
    """Wi-Fi signal and the printer's IPv4 address."""
    signal = raw.get("wifi_signal")
    return Network(
        wifi_signal_dbm=ctx.checked(signal, dbm(signal), "wifi_signal"),
        ip_address=_ip_address(raw.get("net"), ctx),
    )


def _ip_address(net: Any, ctx: BuildContext) -> str | None:
    """First non-zero ``net.info[].ip``; the firmware sends it as a little-endian integer."""
    infos = net.get("info") if isinstance(net, dict) else None
    if not isinstance(infos, list):
        return None
    for info in infos:
        raw_ip = info.get("ip") if isinstance(info, dict) else None
        number = ctx.checked(raw_ip, as_int(raw_ip), "net ip")
        if number and 0 < number <= 0xFFFFFFFF:
            return _format_ipv4(number)
    return None


@lru_cache(maxsize=8)
def _format_ipv4(little_endian: int) -> str:
    return str(ipaddress.IPv4Address(int.from_bytes(little_endian.to_bytes(4, "little"), "big")))


def build_hms(
    raw: Mapping[str, Any], ctx: BuildContext, previous: tuple[HmsError, ...]
) -> tuple[HmsError, ...]:
    """Active HMS entries; equal entries keep their previous objects."""
    entries = raw.get("hms")
    if entries is None:
        return ()
    if not isinstance(entries, list):
        ctx.invalid("hms list")
        return ()
    old = {(error.attr, error.code): error for error in previous}
    errors: list[HmsError] = []
    for entry in entries:
        error = decode_hms_entry(entry, ctx.model) if isinstance(entry, dict) else None
        if error is None:
            ctx.invalid("hms entry")
            continue
        kept = old.get((error.attr, error.code))
        errors.append(kept if kept == error and kept is not None else error)
    result = tuple(errors)
    return previous if result == previous else result


def build_signed_commands_required(raw: Mapping[str, Any], ctx: BuildContext) -> bool | None:
    """``fun`` bit 29: set while the printer insists on signed print commands."""
    fun = raw.get("fun")
    flags = ctx.checked(fun, as_hex_int(fun), "fun flags")
    return None if flags is None else bool(flags & _SIGNED_COMMANDS_BIT)


def build_firmware_update_available(raw: Mapping[str, Any], ctx: BuildContext) -> bool | None:
    """Whether the printer reports a newer firmware (``upgrade_state.new_version_state``)."""
    upgrade = raw.get("upgrade_state")
    if not isinstance(upgrade, dict):
        return None
    state = as_int(upgrade.get("new_version_state"))
    return None if state is None else state == _UPDATE_AVAILABLE


def build_reported_at(raw: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """Printer clock in Unix milliseconds."""
    return read_int(raw, "t_utc", ctx)
