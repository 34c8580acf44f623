"""Install presets straight into a Bambu Studio / OrcaSlicer user folder (blocking).

The slicer loads ``<user folder>/filament/<name>.json`` (inherited presets) and
``<user folder>/filament/base/<name>.json`` (custom roots) at start-up; the file name is
the preset name. Nothing is overwritten unless the caller says so, and no ``.info``
sidecar is written (the slicer treats a missing one as "not synced yet").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import PresetExistsError, ProfileStoreError
from .export import preset_file_name, preset_json_bytes
from .library_files import write_atomic
from .values import PresetValue

FILAMENT_DIR = "filament"
ROOT_PRESET_DIR = "base"


def slicer_path(user_folder: Path, document: Mapping[str, PresetValue]) -> Path:
    """Where the slicer expects this preset inside a user folder."""
    folder = user_folder / FILAMENT_DIR
    if not document.get("inherits"):
        folder = folder / ROOT_PRESET_DIR
    return folder / preset_file_name(document)


def install_presets(
    user_folder: Path, documents: Sequence[Mapping[str, PresetValue]], *, overwrite: bool
) -> tuple[Path, ...]:
    """Write every preset, or none when one exists already and ``overwrite`` is False."""
    if not user_folder.is_dir():
        raise ProfileStoreError(f"slicer user folder {user_folder} does not exist")
    targets = [(slicer_path(user_folder, d), d) for d in documents]
    existing = [path.name for path, _ in targets if path.exists()]
    if existing and not overwrite:
        raise PresetExistsError(f"already in the slicer folder: {', '.join(existing)}")
    for path, document in targets:
        write_atomic(path, preset_json_bytes(document))
    return tuple(path for path, _ in targets)
