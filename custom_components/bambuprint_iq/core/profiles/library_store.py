"""Writing the profile library (blocking; ``ProfileLibrary`` runs it in an executor).

Layout under the folder the caller passes::

    <root>/<profile_id>/profile.json               filament, shape, history of versions
    <root>/<profile_id>/v0003/presets/<name>.json  one importable preset per printer preset
    <root>/<profile_id>/v0003/<filament>.bbsflmt   Bambu Studio bundle of those presets
    <root>/<profile_id>/v0003/changes.json         every change with reason and defect

Version folders are written once and never modified; profile.json is replaced last, so a
crash leaves at worst an unreferenced folder.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
import shutil

from .catalog import find_system_preset
from .diff import ProfileDiff, diff_documents
from .errors import ProfileNotFoundError
from .export import build_filament_bundle, bundle_file_name, preset_file_name, preset_json_bytes
from .library_codec import changes_to_json, profile_to_json
from .library_files import slugify, write_atomic, write_json
from .library_models import ProfileSource, ProfileSummary, ProfileVersionInfo, StoredVersion
from .library_reader import (
    CHANGES_FILE,
    PRESETS_DIR,
    PROFILE_FILE,
    list_profiles,
    load_profile,
    profile_dir,
    read_version,
    version_dir_name,
)
from .models import PresetShape
from .naming import alias_of
from .rename import checked_filament_name, printer_of, rename_document
from .results import GenerationResult
from .values import PresetValue, as_vector

type Document = Mapping[str, PresetValue]
_NO_CHANGES: dict[str, object] = {"presets": []}


class ProfileStore:
    """Synchronous library operations on one folder."""

    def __init__(self, root: Path, clock: Callable[[], datetime]) -> None:
        self.root = root
        self._clock = clock

    def list_profiles(self) -> tuple[ProfileSummary, ...]:
        """All readable profiles, newest change first."""
        return list_profiles(self.root)

    def history(self, profile_id: str) -> tuple[ProfileVersionInfo, ...]:
        """All versions, oldest first."""
        return load_profile(self.root, profile_id)[1]

    def get_version(self, profile_id: str, version: int | None = None) -> StoredVersion:
        """One stored version (current by default)."""
        return read_version(self.root, profile_id, version)

    def _new_summary(
        self,
        filament_name: str,
        vendor: str,
        filament_type: str,
        shape: PresetShape,
        base_material: str | None,
    ) -> ProfileSummary:
        base, counter = slugify(filament_name), 2
        profile_id = base
        while (self.root / profile_id).exists():
            profile_id, counter = f"{base}-{counter}", counter + 1
        now = self._clock()
        return ProfileSummary(
            profile_id, filament_name, vendor, filament_type, shape, base_material, 0, now, now, ()
        )

    def _find_by_filament(self, filament_name: str) -> ProfileSummary | None:
        return next((s for s in self.list_profiles() if s.filament_name == filament_name), None)

    def _write_version(
        self,
        summary: ProfileSummary,
        history: tuple[ProfileVersionInfo, ...],
        documents: Sequence[Document],
        changes: Mapping[str, object],
        comment: str,
        source: ProfileSource,
    ) -> StoredVersion:
        now = self._clock()
        version = history[-1].version + 1 if history else 1
        folder = profile_dir(self.root, summary.profile_id) / version_dir_name(version)
        if folder.exists():
            shutil.rmtree(folder)  # left over from an interrupted write, never referenced
        for document in documents:
            payload = preset_json_bytes(document)
            write_atomic(folder / PRESETS_DIR / preset_file_name(document), payload)
        bundle = build_filament_bundle(documents, filament_name=summary.filament_name, created=now)
        write_atomic(folder / bundle_file_name(summary.filament_name), bundle)
        write_json(folder / CHANGES_FILE, changes)
        printers = tuple(printer_of(d) for d in documents)
        info = ProfileVersionInfo(version, now, comment, printers, source)
        updated = replace(
            summary, current_version=version, updated_at=now, printer_presets=printers
        )
        profile_json = profile_to_json(updated, (*history, info))
        write_json(profile_dir(self.root, summary.profile_id) / PROFILE_FILE, profile_json)
        return self.get_version(summary.profile_id, version)

    def save_generation(
        self, result: GenerationResult, source: ProfileSource, comment: str
    ) -> StoredVersion:
        """Store generated presets as the next version of the filament's profile."""
        existing = self._find_by_filament(result.filament_name)
        if existing is not None:
            summary, history = load_profile(self.root, existing.profile_id)
        else:
            summary = self._new_summary(
                result.filament_name,
                result.vendor,
                result.filament_type,
                result.shape,
                result.base_material,
            )
            history = ()
        documents = [p.document for p in result.presets]
        changes = changes_to_json(result.presets)
        return self._write_version(summary, history, documents, changes, comment, source)

    def import_documents(self, documents: Sequence[Document], comment: str) -> StoredVersion:
        """Store foreign presets (a shared file) as a new profile."""
        first = documents[0]
        name = first.get("name")
        filament = alias_of(name) if isinstance(name, str) else ""
        if self._find_by_filament(filament) is not None:
            filament = checked_filament_name(f"{filament} Shared")
            documents = [rename_document(d, filament) for d in documents]
        inherits = first.get("inherits")
        parent = find_system_preset(inherits) if isinstance(inherits, str) and inherits else None
        summary = self._new_summary(
            filament,
            as_vector(first.get("filament_vendor", ("Custom",)))[0],
            as_vector(first.get("filament_type", ("PLA",)))[0],
            PresetShape.INHERITED if parent else PresetShape.CUSTOM_ROOT,
            parent.material if parent else None,
        )
        return self._write_version(summary, (), documents, _NO_CHANGES, comment, ProfileSource())

    def rename(self, profile_id: str, new_filament_name: str) -> StoredVersion:
        """New version whose presets carry the new filament name; the id stays."""
        name = checked_filament_name(new_filament_name)
        current = self.get_version(profile_id)
        summary, history = load_profile(self.root, profile_id)
        documents = [rename_document(p.document, name) for p in current.presets]
        comment = f"renamed from {summary.filament_name}"
        return self._write_version(
            replace(summary, filament_name=name),
            history,
            documents,
            _NO_CHANGES,
            comment,
            ProfileSource(),
        )

    def clone(self, profile_id: str, new_filament_name: str) -> StoredVersion:
        """A new profile starting from a copy of this one's current version."""
        name = checked_filament_name(new_filament_name)
        current = self.get_version(profile_id)
        origin = current.summary
        summary = self._new_summary(
            name, origin.vendor, origin.filament_type, origin.shape, origin.base_material
        )
        documents = [rename_document(p.document, name) for p in current.presets]
        comment = f"cloned from {origin.filament_name}"
        return self._write_version(summary, (), documents, _NO_CHANGES, comment, ProfileSource())

    def delete(self, profile_id: str) -> None:
        """Remove a profile with its whole history."""
        folder = profile_dir(self.root, profile_id)
        if not (folder / PROFILE_FILE).is_file():
            raise ProfileNotFoundError(f"no profile {profile_id!r}")
        shutil.rmtree(folder)

    def diff(
        self, left_id: str, right_id: str, left_version: int | None, right_version: int | None
    ) -> ProfileDiff:
        """Compare two profiles, or two versions of one profile."""
        left = self.get_version(left_id, left_version)
        right = self.get_version(right_id, right_version)
        return diff_documents(
            [p.document for p in left.presets], [p.document for p in right.presets]
        )
