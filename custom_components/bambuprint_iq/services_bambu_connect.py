"""Hand a sliced file to Bambu Connect: the sanctioned path for printers that require signed
commands. Bambu Connect has no status API; its documented URL scheme opens an import dialog on
the computer where it runs, so the action returns the URL for the user (or a dashboard) to open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final
from urllib.parse import quote

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .const import DOMAIN

SERVICE_BAMBU_CONNECT_URL: Final = "bambu_connect_url"
BAMBU_CONNECT_SCHEMA = vol.Schema(
    {
        vol.Required("path"): vol.All(cv.string, vol.Length(min=1, max=1024)),
        vol.Optional("name"): vol.All(cv.string, vol.Length(min=1, max=120)),
    }
)


def bambu_connect_url(path: str, name: str) -> str:
    """``bambu-connect://import-file?path=...&name=...&version=1.0.0`` (percent-encoded)."""
    return (
        f"bambu-connect://import-file?path={quote(path, safe='')}"
        f"&name={quote(name, safe='')}&version=1.0.0"
    )


async def async_bambu_connect_url(call: ServiceCall) -> ServiceResponse:
    """Validate the file and build the hand-off URL."""
    raw = call.data["path"]
    path = Path(raw)
    if not path.is_absolute() or not raw.endswith(".gcode.3mf"):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_sliced_file",
            translation_placeholders={"path": raw},
        )
    name = call.data.get("name") or path.name.removesuffix(".gcode.3mf")
    return {"url": bambu_connect_url(str(path), name), "name": name}
