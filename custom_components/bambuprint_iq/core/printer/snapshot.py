"""Turn the merged raw report into a new :class:`PrinterState`, rebuilding only what changed.

Every snapshot field has one builder that declares which top-level report keys it reads.
After a delta only the builders of the changed keys run, results equal to the previous
value are dropped (keeping the old object), and the state is replaced only if something
is left. This keeps the per-message cost proportional to the size of the delta.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from .build_ams import build_ams_units, find_active_tray
from .build_hardware import (
    build_active_extruder,
    build_camera,
    build_extruders,
    build_hardware,
    build_lights,
)
from .build_status import (
    build_fans,
    build_firmware_update_available,
    build_hms,
    build_job,
    build_network,
    build_reported_at,
    build_signed_commands_required,
    build_temperatures,
)
from .build_trays import build_external_spools
from .context import BuildContext
from .state import PrinterState

Raw = Mapping[str, Any]
BuildFn = Callable[[Raw, BuildContext, PrinterState, dict[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class FieldBuilder:
    """Builds one :class:`PrinterState` field from the report keys in ``deps``."""

    field: str
    deps: frozenset[str]
    build: BuildFn


def _simple(builder: Callable[[Raw, BuildContext], Any]) -> BuildFn:
    return lambda raw, ctx, _previous, _fresh: builder(raw, ctx)


def _active_tray(raw: Raw, ctx: BuildContext, previous: PrinterState, fresh: dict[str, Any]) -> Any:
    units = fresh.get("ams", previous.ams)
    externals = fresh.get("external_spools", previous.external_spools)
    return find_active_tray(raw, units, externals)


# Order matters: the active tray reads the units and spools built before it.
BUILDERS: tuple[FieldBuilder, ...] = (
    FieldBuilder(
        "job",
        frozenset(
            {
                "gcode_state",
                "stg_cur",
                "mc_percent",
                "layer_num",
                "total_layer_num",
                "3D",
                "mc_remaining_time",
                "gcode_file",
                "subtask_name",
                "task_id",
                "subtask_id",
                "print_type",
                "print_error",
                "gcode_start_time",
                "spd_lvl",
                "spd_mag",
            }
        ),
        _simple(build_job),
    ),
    FieldBuilder(
        "temperatures",
        frozenset(
            {
                "nozzle_temper",
                "nozzle_target_temper",
                "bed_temper",
                "bed_target_temper",
                "chamber_temper",
                "ctt",
                "device",
            }
        ),
        _simple(build_temperatures),
    ),
    FieldBuilder(
        "fans",
        frozenset({"cooling_fan_speed", "big_fan1_speed", "big_fan2_speed", "heatbreak_fan_speed"}),
        _simple(build_fans),
    ),
    FieldBuilder("network", frozenset({"wifi_signal", "net"}), _simple(build_network)),
    FieldBuilder(
        "hardware",
        frozenset({"nozzle_diameter", "nozzle_type", "home_flag", "stat", "sdcard"}),
        _simple(build_hardware),
    ),
    FieldBuilder("camera", frozenset({"ipcam"}), _simple(build_camera)),
    FieldBuilder("lights", frozenset({"lights_report"}), _simple(build_lights)),
    FieldBuilder("extruders", frozenset({"device"}), _simple(build_extruders)),
    FieldBuilder("active_extruder", frozenset({"device"}), _simple(build_active_extruder)),
    FieldBuilder(
        "hms",
        frozenset({"hms"}),
        lambda raw, ctx, previous, _fresh: build_hms(raw, ctx, previous.hms),
    ),
    FieldBuilder(
        "ams",
        frozenset({"ams"}),
        lambda raw, ctx, previous, _fresh: build_ams_units(raw.get("ams"), previous.ams, ctx),
    ),
    FieldBuilder(
        "external_spools",
        frozenset({"vt_tray", "vir_slot"}),
        lambda raw, ctx, previous, _fresh: build_external_spools(
            raw.get("vt_tray"), raw.get("vir_slot"), previous.external_spools, ctx
        ),
    ),
    FieldBuilder("active_tray", frozenset({"ams", "vt_tray", "vir_slot", "device"}), _active_tray),
    FieldBuilder(
        "signed_commands_required",
        frozenset({"fun"}),
        _simple(build_signed_commands_required),
    ),
    FieldBuilder(
        "firmware_update_available",
        frozenset({"upgrade_state"}),
        _simple(build_firmware_update_available),
    ),
    FieldBuilder("reported_at_ms", frozenset({"t_utc"}), _simple(build_reported_at)),
)


def _index_builders() -> Mapping[str, tuple[int, ...]]:
    by_key: dict[str, list[int]] = {}
    for position, builder in enumerate(BUILDERS):
        for key in builder.deps:
            by_key.setdefault(key, []).append(position)
    return MappingProxyType({key: tuple(positions) for key, positions in by_key.items()})


_BUILDERS_BY_KEY = _index_builders()
_ALL_POSITIONS = tuple(range(len(BUILDERS)))


def rebuild(
    previous: PrinterState,
    raw: Raw,
    ctx: BuildContext,
    changed_keys: Iterable[str] | None,
    extra: Mapping[str, Any] | None = None,
) -> tuple[PrinterState, frozenset[str]]:
    """Derive the next state from ``raw``.

    ``changed_keys`` are the top-level report keys that differ from the previous report;
    ``None`` rebuilds everything (first report, or model/version changed). ``extra`` holds
    field values decided by the caller (e.g. ``model``). Returns the new state (``previous``
    itself when nothing changed) and the names of the fields that changed.
    """
    fresh: dict[str, Any] = {}
    if extra:
        for name, value in extra.items():
            if getattr(previous, name) != value:
                fresh[name] = value
    for position in _positions(changed_keys):
        builder = BUILDERS[position]
        value = builder.build(raw, ctx, previous, fresh)
        old = getattr(previous, builder.field)
        if value is not old and value != old:
            fresh[builder.field] = value
    if not fresh:
        return previous, frozenset()
    return _evolve(previous, fresh), frozenset(fresh)


_FIELD_NAMES = tuple(f.name for f in fields(PrinterState))
_all_values = attrgetter(*_FIELD_NAMES)


def _evolve(previous: PrinterState, changes: Mapping[str, Any]) -> PrinterState:
    """``dataclasses.replace`` without its per-call introspection (this runs per message)."""
    return PrinterState(
        *[
            changes.get(name, value)
            for name, value in zip(_FIELD_NAMES, _all_values(previous), strict=True)
        ]
    )


def _positions(changed_keys: Iterable[str] | None) -> Iterable[int]:
    if changed_keys is None:
        return _ALL_POSITIONS
    return _positions_for(tuple(changed_keys))


@lru_cache(maxsize=512)
def _positions_for(keys: tuple[str, ...]) -> tuple[int, ...]:
    """Builder positions for a set of changed keys; deltas repeat a few key patterns."""
    positions: set[int] = set()
    for key in keys:
        positions.update(_BUILDERS_BY_KEY.get(key, ()))
    return tuple(sorted(positions))
