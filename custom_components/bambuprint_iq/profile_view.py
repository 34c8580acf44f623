"""Authenticated download of generated presets (never from /config/www, which is public)."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import Final

from aiohttp import web
from homeassistant.core import HomeAssistant
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView

from .const import DOMAIN

URL_BASE: Final = f"/api/{DOMAIN}/profiles"
ALLOWED_SUFFIXES: Final = frozenset({".json", ".bbsflmt"})


def download_url(relative: Path) -> str:
    """URL of a file inside the profile library (requires a logged-in user)."""
    return f"{URL_BASE}/{PurePosixPath(*relative.parts)}"


class ProfileDownloadView(HomeAssistantView):
    """Serves preset and bundle files of the profile library to authenticated users."""

    url = URL_BASE + "/{file_path:.+}"
    name = f"api:{DOMAIN}:profiles"
    requires_auth = True

    def __init__(self, root: Path) -> None:
        """``root`` is the library folder; nothing outside it is ever served."""
        self._root = root

    async def get(self, request: web.Request, file_path: str) -> web.StreamResponse:
        """Send the file, or 404 for anything outside the library or of another type."""
        hass: HomeAssistant = request.app[KEY_HASS]
        root = self._root.resolve()
        target = (root / file_path).resolve()
        if not target.is_relative_to(root) or target.suffix not in ALLOWED_SUFFIXES:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        exists = await hass.async_add_executor_job(target.is_file)
        if not exists:
            return web.Response(status=HTTPStatus.NOT_FOUND)
        return web.FileResponse(
            target, headers={"Content-Disposition": f'attachment; filename="{target.name}"'}
        )
