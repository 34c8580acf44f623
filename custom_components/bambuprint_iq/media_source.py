"""Media browser source: snapshots and timelapses, and photos handed to an AI task.

Home Assistant's AI tasks take pictures only as media-source ids that resolve to a local
file; this source is how a photo reaches a user's own AI task entity without leaving
``<config>/bambuprint_iq``. The same source lets users browse their snapshots and
timelapses in the media panel.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Final

from homeassistant.components.media_player.const import MediaClass
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .camera_manager import SNAPSHOTS_FOLDER
from .camera_timelapse import TIMELAPSES_FOLDER
from .const import CONF_SERIAL, DOMAIN
from .core.camera.file_names import safe_name_part
from .media_files import MIME_TYPES, media_file, media_root, mime_type, signed_url

MAX_LISTED: Final = 500
_FOLDER_TITLES: Final = {SNAPSHOTS_FOLDER: "Snapshots", TIMELAPSES_FOLDER: "Timelapses"}
_PLAY_MEDIA_HAS_PATH: Final = any(item.name == "path" for item in fields(PlayMedia))


async def async_get_media_source(hass: HomeAssistant) -> MediaSource:
    """Called by the media source integration when it first needs this source."""
    return BambuMediaSource(hass)


class BambuMediaSource(MediaSource):
    """Files under ``<config>/bambuprint_iq`` that are meant to be seen."""

    name = "BambuPrint IQ"

    def __init__(self, hass: HomeAssistant) -> None:
        """One source for every printer."""
        super().__init__(DOMAIN)
        self.hass = hass

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """A signed link (and, on newer Home Assistant, the local path) for one file."""
        identifier = item.identifier or ""
        target = await self.hass.async_add_executor_job(media_file, self.hass, identifier)
        if target is None or not await self.hass.async_add_executor_job(target.is_file):
            raise Unresolvable(f"no such BambuPrint IQ media: {identifier}")
        extra: dict[str, Any] = {"path": target} if _PLAY_MEDIA_HAS_PATH else {}
        return PlayMedia(signed_url(self.hass, identifier), mime_type(target), **extra)

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Root → Snapshots / Timelapses → printer → files."""
        identifier = (item.identifier or "").strip("/")
        if not identifier:
            return self._root()
        parts = identifier.split("/")
        if parts[0] not in _FOLDER_TITLES or len(parts) > 2:
            raise Unresolvable(f"nothing to browse at {identifier}")
        folder = media_root(self.hass) / Path(*parts)
        listing = await self.hass.async_add_executor_job(_list_folder, folder)
        titles = self._printer_titles()
        if parts[0] == TIMELAPSES_FOLDER and len(parts) == 1:
            children = [
                self._folder(f"{identifier}/{name}", titles.get(name, name))
                for name in listing.folders
            ]
        else:
            children = [self._file(f"{identifier}/{name}") for name in listing.files]
        title = _FOLDER_TITLES[parts[0]] if len(parts) == 1 else titles.get(parts[1], parts[1])
        node = self._folder(identifier, title)
        node.children = children
        return node

    def _root(self) -> BrowseMediaSource:
        node = self._folder("", self.name)
        node.children = [self._folder(key, title) for key, title in _FOLDER_TITLES.items()]
        return node

    def _printer_titles(self) -> dict[str, str]:
        """Timelapse folders are named by serial; show the printer's name instead."""
        entries: list[ConfigEntry] = self.hass.config_entries.async_entries(DOMAIN)
        return {
            safe_name_part(str(entry.data[CONF_SERIAL])): entry.title
            for entry in entries
            if entry.data.get(CONF_SERIAL)
        }

    def _folder(self, identifier: str, title: str) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=identifier or None,
            media_class=MediaClass.DIRECTORY,
            media_content_type="",
            title=title,
            can_play=False,
            can_expand=True,
            children_media_class=MediaClass.DIRECTORY,
        )

    def _file(self, identifier: str) -> BrowseMediaSource:
        name = identifier.rsplit("/", 1)[-1]
        suffix = Path(name).suffix
        is_video = MIME_TYPES[suffix].startswith("video/")
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=identifier,
            media_class=MediaClass.VIDEO if is_video else MediaClass.IMAGE,
            media_content_type=MIME_TYPES[suffix],
            title=name,
            can_play=True,
            can_expand=False,
            thumbnail=None if is_video else signed_url(self.hass, identifier),
        )


@dataclass(frozen=True, slots=True)
class _Listing:
    """What one folder holds: sub-folders and servable files, newest first."""

    folders: list[str]
    files: list[str]


def _list_folder(folder: Path) -> _Listing:
    """Blocking: names only, no symlinks, at most ``MAX_LISTED`` files."""
    try:
        entries = [entry for entry in folder.iterdir() if not entry.is_symlink()]
    except OSError:
        return _Listing([], [])
    folders = sorted(entry.name for entry in entries if entry.is_dir())
    files = sorted(
        (e for e in entries if e.is_file() and e.suffix in MIME_TYPES),
        key=lambda entry: entry.stat().st_mtime,
        reverse=True,
    )
    return _Listing(folders, [entry.name for entry in files[:MAX_LISTED]])
