"""Authenticated access to the pictures and videos kept under ``<config>/bambuprint_iq``.

Snapshots, timelapses and the short-lived photo hand-offs to an AI task are served only to
logged-in users (or with a short-lived signed link), never from ``/config/www``.
"""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import Final

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from .camera_manager import SNAPSHOTS_FOLDER
from .camera_timelapse import TIMELAPSES_FOLDER
from .const import DOMAIN
from .history_store import storage_dir

URL_BASE: Final = f"/api/{DOMAIN}/media"
ATTACHMENTS_FOLDER: Final = "ai_task"
SIGNED_LINK_LIFETIME: Final = timedelta(minutes=10)
MIME_TYPES: Final = {".jpg": "image/jpeg", ".mp4": "video/mp4", ".webp": "image/webp"}
SERVED_FOLDERS: Final = frozenset({SNAPSHOTS_FOLDER, TIMELAPSES_FOLDER, ATTACHMENTS_FOLDER})


def media_root(hass: HomeAssistant) -> Path:
    """The folder every served file lives under."""
    return storage_dir(hass)


def media_file(hass: HomeAssistant, relative: str) -> Path | None:
    """The file for a relative path, or None when it points anywhere it must not.

    Only the snapshot, timelapse and hand-off folders, only known media types, no
    escaping through ``..`` or symlinks.
    """
    parts = PurePosixPath(relative).parts
    if len(parts) < 2 or parts[0] not in SERVED_FOLDERS or ".." in parts:
        return None
    root = media_root(hass).resolve()
    target = (root / Path(*parts)).resolve()
    if not target.is_relative_to(root / parts[0]) or target.suffix not in MIME_TYPES:
        return None
    return target


def mime_type(path: Path) -> str:
    """Content type by suffix (only suffixes in ``MIME_TYPES`` are ever served)."""
    return MIME_TYPES[path.suffix]


def signed_url(hass: HomeAssistant, relative: str) -> str:
    """A link a browser or media player can open for a few minutes."""
    return async_sign_path(hass, f"{URL_BASE}/{relative}", SIGNED_LINK_LIFETIME)


class MediaFileView(HomeAssistantView):
    """Sends snapshots, timelapses and hand-off photos to authenticated requests."""

    url = URL_BASE + "/{file_path:.+}"
    name = f"api:{DOMAIN}:media"
    requires_auth = True

    async def get(self, request: web.Request, file_path: str) -> web.StreamResponse:
        """The file, or 404 for anything outside the served folders or of another type."""
        hass: HomeAssistant = request.app[KEY_HASS]
        target = await hass.async_add_executor_job(media_file, hass, file_path)
        if target is None or not await hass.async_add_executor_job(target.is_file):
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(target, headers={"Content-Type": mime_type(target)})
