"""Async facade of the profile library: every disk operation runs in an executor, and
changes are serialised so two actions never write the same profile at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from .diff import ProfileDiff
from .generator import generate_presets
from .library_models import (
    ProfileSource,
    ProfileSummary,
    ProfileVersionInfo,
    SavedGeneration,
    StoredPreset,
    StoredVersion,
)
from .library_store import ProfileStore
from .models import ProfileRequest
from .share import PrintConditions, ShareInfo, build_share, read_share
from .slicer_folder import install_presets


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ProfileLibrary:
    """Generated filament profiles under one folder, with version history."""

    def __init__(
        self,
        root: Path,
        *,
        executor: Executor | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._store = ProfileStore(root, clock)
        self._executor = executor
        self._write_lock = asyncio.Lock()

    @property
    def root(self) -> Path:
        """The folder holding the library."""
        return self._store.root

    async def _run[T](self, job: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, job)

    async def _write[T](self, job: Callable[[], T]) -> T:
        async with self._write_lock:
            return await self._run(job)

    async def async_generate_profile(
        self, request: ProfileRequest, *, source: ProfileSource | None = None, comment: str = ""
    ) -> SavedGeneration:
        """Generate presets for the request and store them as the filament's next version."""
        result = await self._run(partial(generate_presets, request))
        stored = await self._write(
            partial(self._store.save_generation, result, source or ProfileSource(), comment)
        )
        return SavedGeneration(result, stored)

    async def async_list_profiles(self) -> tuple[ProfileSummary, ...]:
        """All profiles, most recently changed first."""
        return await self._run(self._store.list_profiles)

    async def async_get_profile(self, profile_id: str, version: int | None = None) -> StoredVersion:
        """One version of a profile (current by default)."""
        return await self._run(partial(self._store.get_version, profile_id, version))

    async def async_history(self, profile_id: str) -> tuple[ProfileVersionInfo, ...]:
        """Versions of a profile, oldest first."""
        return await self._run(partial(self._store.history, profile_id))

    async def async_rename_profile(self, profile_id: str, new_name: str) -> StoredVersion:
        """Rename the filament (new version; the profile id stays)."""
        return await self._write(partial(self._store.rename, profile_id, new_name))

    async def async_clone_profile(self, profile_id: str, new_name: str) -> StoredVersion:
        """Copy the current version into a new profile under a new filament name."""
        return await self._write(partial(self._store.clone, profile_id, new_name))

    async def async_delete_profile(self, profile_id: str) -> None:
        """Delete a profile and its history."""
        await self._write(partial(self._store.delete, profile_id))

    async def async_diff_profiles(
        self,
        left_id: str,
        right_id: str,
        *,
        left_version: int | None = None,
        right_version: int | None = None,
    ) -> ProfileDiff:
        """Differences between two profiles (or two versions of the same one)."""
        return await self._run(
            partial(self._store.diff, left_id, right_id, left_version, right_version)
        )

    async def async_export_share(
        self,
        profile_id: str,
        *,
        conditions: PrintConditions,
        rating: int | None = None,
        version: int | None = None,
    ) -> bytes:
        """The share file of a version; printer names and serials from its history are
        redacted from every free-text field."""
        stored = await self.async_get_profile(profile_id, version)
        history = await self.async_history(profile_id)
        redact = [
            term
            for info in history
            for term in (info.source.printer_name, info.source.printer_serial)
            if term
        ]
        summary = stored.summary
        info = ShareInfo(
            filament_name=summary.filament_name,
            vendor=summary.vendor,
            filament_type=summary.filament_type,
            printer_presets=tuple(p.printer_preset for p in stored.presets),
            conditions=conditions,
            rating=rating,
        )
        documents = [p.document for p in stored.presets]
        return await self._run(partial(build_share, documents, info, redact))

    async def async_import_share(self, data: bytes) -> StoredVersion:
        """Add a shared profile to the library as a new profile."""
        shared = await self._run(partial(read_share, data))
        rating = shared.info.rating
        comment = "imported share" + (f" (rating {rating}/5)" if rating else "")
        return await self._write(
            partial(self._store.import_documents, list(shared.documents), comment)
        )

    async def async_install_to_slicer(
        self,
        profile_id: str,
        user_folder: Path,
        *,
        overwrite: bool = False,
        version: int | None = None,
    ) -> tuple[Path, ...]:
        """Copy a version's presets into a slicer user folder (e.g.
        ``~/.config/BambuStudio/user/default``); PresetExistsError instead of overwriting."""
        stored = await self.async_get_profile(profile_id, version)
        documents = [p.document for p in stored.presets]
        return await self._run(
            partial(install_presets, user_folder, documents, overwrite=overwrite)
        )

    async def async_latest_preset_for(
        self,
        printer_preset: str,
        *,
        filament_type: str | None = None,
        vendor: str | None = None,
    ) -> StoredPreset | None:
        """Newest stored preset for a printer preset, optionally for one type/vendor
        (what a "recommended profile" sensor shows for the active AMS tray)."""
        for summary in await self.async_list_profiles():
            if printer_preset not in summary.printer_presets:
                continue
            if filament_type and summary.filament_type.casefold() != filament_type.casefold():
                continue
            if vendor and summary.vendor.casefold() != vendor.casefold():
                continue
            stored = await self.async_get_profile(summary.profile_id)
            return next((p for p in stored.presets if p.printer_preset == printer_preset), None)
        return None
