"""What the profile library returns: summaries, versions and stored preset files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .models import PresetShape
from .results import GenerationResult
from .values import PresetValue


@dataclass(frozen=True, slots=True)
class ProfileSource:
    """Where a version came from. Kept locally; never leaves the library in a share."""

    printer_name: str | None = field(default=None, repr=False)
    printer_serial: str | None = field(default=None, repr=False)
    """Identifies a device: kept out of repr and logs."""
    analysis_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileVersionInfo:
    """One entry of a profile's history."""

    version: int
    created_at: datetime
    comment: str
    printer_presets: tuple[str, ...]
    source: ProfileSource


@dataclass(frozen=True, slots=True)
class ProfileSummary:
    """A profile (one filament) as listed by the library."""

    profile_id: str
    filament_name: str
    vendor: str
    filament_type: str
    shape: PresetShape
    base_material: str | None
    current_version: int
    created_at: datetime
    updated_at: datetime
    printer_presets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredPreset:
    """One preset file of a stored version."""

    printer_preset: str
    name: str
    path: Path
    document: Mapping[str, PresetValue]


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A version on disk: its presets, the .bbsflmt bundle and the change log file."""

    summary: ProfileSummary
    info: ProfileVersionInfo
    presets: tuple[StoredPreset, ...]
    bundle_path: Path
    changes_path: Path


@dataclass(frozen=True, slots=True)
class SavedGeneration:
    """A generation and where it was stored."""

    result: GenerationResult
    stored: StoredVersion
