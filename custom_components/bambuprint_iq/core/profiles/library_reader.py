"""Reading the profile library folder (blocking). Layout: see ``library_store``."""

from __future__ import annotations

import logging
from pathlib import Path

from .errors import ProfileNotFoundError, ProfileStoreError
from .export import bundle_file_name
from .library_codec import profile_from_json
from .library_files import check_profile_id, read_json
from .library_models import ProfileSummary, ProfileVersionInfo, StoredPreset, StoredVersion
from .parse import parse_preset
from .rename import printer_of

_LOGGER = logging.getLogger(__name__)
PROFILE_FILE = "profile.json"
CHANGES_FILE = "changes.json"
PRESETS_DIR = "presets"


def version_dir_name(version: int) -> str:
    """``v0001``: sortable folder name of a version."""
    return f"v{version:04d}"


def profile_dir(root: Path, profile_id: str) -> Path:
    """Folder of a profile; rejects ids that could leave ``root``."""
    return root / check_profile_id(profile_id)


def load_profile(
    root: Path, profile_id: str
) -> tuple[ProfileSummary, tuple[ProfileVersionInfo, ...]]:
    """Summary and history from profile.json."""
    path = profile_dir(root, profile_id) / PROFILE_FILE
    try:
        raw = read_json(path)
    except FileNotFoundError as err:
        raise ProfileNotFoundError(f"no profile {profile_id!r}") from err
    summary, versions = profile_from_json(raw, str(path))
    if summary.profile_id != profile_id:
        raise ProfileStoreError(f"{path}: id does not match its folder")
    return summary, versions


def list_profiles(root: Path) -> tuple[ProfileSummary, ...]:
    """Every readable profile, newest change first (damaged ones are logged and skipped)."""
    if not root.is_dir():
        return ()
    summaries: list[ProfileSummary] = []
    for entry in sorted(root.iterdir()):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        try:
            summaries.append(load_profile(root, entry.name)[0])
        except (ProfileStoreError, ProfileNotFoundError) as err:
            _LOGGER.warning("Skipping damaged filament profile %s: %s", entry.name, err)
    return tuple(sorted(summaries, key=lambda s: s.updated_at, reverse=True))


def _read_presets(folder: Path) -> tuple[StoredPreset, ...]:
    presets: list[StoredPreset] = []
    for path in sorted((folder / PRESETS_DIR).glob("*.json")):
        try:
            document = parse_preset(path.read_bytes(), path.name)
        except OSError as err:
            raise ProfileStoreError(f"{path}: unreadable: {err}") from err
        name = document.get("name")
        if not isinstance(name, str):
            raise ProfileStoreError(f"{path}: preset without a name")
        presets.append(StoredPreset(printer_of(document), name, path, document))
    if not presets:
        raise ProfileStoreError(f"{folder}: version has no preset files")
    return tuple(presets)


def read_version(root: Path, profile_id: str, version: int | None = None) -> StoredVersion:
    """A stored version (the current one by default) with its parsed presets."""
    summary, versions = load_profile(root, profile_id)
    wanted = summary.current_version if version is None else version
    info = next((v for v in versions if v.version == wanted), None)
    if info is None:
        raise ProfileNotFoundError(f"profile {profile_id!r} has no version {wanted}")
    folder = profile_dir(root, profile_id) / version_dir_name(wanted)
    return StoredVersion(
        summary=summary,
        info=info,
        presets=_read_presets(folder),
        bundle_path=folder / bundle_file_name(summary.filament_name),
        changes_path=folder / CHANGES_FILE,
    )
