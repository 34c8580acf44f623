"""JSON form of the library's own metadata (profile.json, changes.json), read defensively:
files on disk may be edited or damaged, so every field is checked on the way in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import cast

from .errors import ProfileStoreError
from .library_models import ProfileSource, ProfileSummary, ProfileVersionInfo
from .models import PresetShape
from .results import GeneratedPreset

META_FORMAT = 1


def _obj(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ProfileStoreError(f"{where}: expected an object")
    return cast(Mapping[str, object], value)


def _str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ProfileStoreError(f"{where}: expected a string")
    return value


def _opt_str(value: object, where: str) -> str | None:
    return None if value is None else _str(value, where)


def _strs(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileStoreError(f"{where}: expected a list of strings")
    return tuple(cast(list[str], value))


def _time(value: object, where: str) -> datetime:
    try:
        return datetime.fromisoformat(_str(value, where))
    except ValueError as err:
        raise ProfileStoreError(f"{where}: bad timestamp") from err


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileStoreError(f"{where}: expected a positive integer")
    return value


def version_to_json(info: ProfileVersionInfo) -> dict[str, object]:
    """History entry as stored in profile.json."""
    return {
        "version": info.version,
        "created_at": info.created_at.isoformat(),
        "comment": info.comment,
        "printer_presets": list(info.printer_presets),
        "printer_name": info.source.printer_name,
        "printer_serial": info.source.printer_serial,
        "analysis_id": info.source.analysis_id,
    }


def version_from_json(raw: object, where: str) -> ProfileVersionInfo:
    """Inverse of ``version_to_json``."""
    entry = _obj(raw, where)
    return ProfileVersionInfo(
        version=_int(entry.get("version"), where),
        created_at=_time(entry.get("created_at"), where),
        comment=_str(entry.get("comment", ""), where),
        printer_presets=_strs(entry.get("printer_presets"), where),
        source=ProfileSource(
            printer_name=_opt_str(entry.get("printer_name"), where),
            printer_serial=_opt_str(entry.get("printer_serial"), where),
            analysis_id=_opt_str(entry.get("analysis_id"), where),
        ),
    )


def profile_to_json(
    summary: ProfileSummary, versions: tuple[ProfileVersionInfo, ...]
) -> dict[str, object]:
    """profile.json content."""
    return {
        "format": META_FORMAT,
        "profile_id": summary.profile_id,
        "filament_name": summary.filament_name,
        "vendor": summary.vendor,
        "filament_type": summary.filament_type,
        "shape": summary.shape.value,
        "base_material": summary.base_material,
        "created_at": summary.created_at.isoformat(),
        "updated_at": summary.updated_at.isoformat(),
        "versions": [version_to_json(v) for v in versions],
    }


def profile_from_json(
    raw: object, where: str
) -> tuple[ProfileSummary, tuple[ProfileVersionInfo, ...]]:
    """Inverse of ``profile_to_json``; ProfileStoreError on any damage."""
    entry = _obj(raw, where)
    if entry.get("format") != META_FORMAT:
        raise ProfileStoreError(f"{where}: unknown format {entry.get('format')!r}")
    versions_raw = entry.get("versions")
    if not isinstance(versions_raw, list) or not versions_raw:
        raise ProfileStoreError(f"{where}: no versions")
    versions = tuple(version_from_json(v, f"{where} version") for v in versions_raw)
    try:
        shape = PresetShape(_str(entry.get("shape"), where))
    except ValueError as err:
        raise ProfileStoreError(f"{where}: unknown shape") from err
    summary = ProfileSummary(
        profile_id=_str(entry.get("profile_id"), where),
        filament_name=_str(entry.get("filament_name"), where),
        vendor=_str(entry.get("vendor"), where),
        filament_type=_str(entry.get("filament_type"), where),
        shape=shape,
        base_material=_opt_str(entry.get("base_material"), where),
        current_version=versions[-1].version,
        created_at=_time(entry.get("created_at"), where),
        updated_at=_time(entry.get("updated_at"), where),
        printer_presets=versions[-1].printer_presets,
    )
    return summary, versions


def changes_to_json(presets: tuple[GeneratedPreset, ...]) -> dict[str, object]:
    """changes.json: the diff of every preset of a generated version."""
    return {
        "presets": [
            {
                "printer_preset": preset.printer_preset,
                "name": preset.name,
                "system_preset": preset.system_preset,
                "changes": [change.to_json() for change in preset.changes],
                "skipped_adjustments": [skip.to_json() for skip in preset.skipped_adjustments],
                "warnings": list(preset.warnings),
            }
            for preset in presets
        ]
    }
