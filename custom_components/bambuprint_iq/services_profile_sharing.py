"""Share, import and install generated profiles.

A share file holds the presets plus the conditions they were tuned in and a rating, with
printer names and serials removed, so it can be passed on. Installing copies the presets into
a Bambu Studio user folder (for Home Assistant running on the same desktop); an existing file
is only replaced when the caller says so.
"""

from __future__ import annotations

import asyncio
from typing import Final

from homeassistant.core import ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .allowed_paths import allowed_path
from .assistant import CONF_SLICER_FOLDER, loaded_assistant
from .const import DOMAIN, SIGNAL_PROFILES_CHANGED
from .core.profiles.errors import PresetExistsError, ProfileError
from .core.profiles.share import PrintConditions
from .profile_view import download_url
from .services_library import profile_library

SERVICE_SHARE_PROFILE: Final = "share_profile"
SERVICE_IMPORT_PROFILE: Final = "import_profile"
SERVICE_INSTALL_PROFILE: Final = "install_profile"
MAX_SHARE_BYTES: Final = 4 * 1024 * 1024

_ID = vol.All(cv.string, vol.Length(min=1, max=120))
SHARE_PROFILE_SCHEMA = vol.Schema(
    {
        vol.Required("profile_id"): _ID,
        vol.Optional("rating"): vol.All(vol.Coerce(int), vol.Range(min=1, max=5)),
        vol.Optional("room_temperature"): vol.All(vol.Coerce(float), vol.Range(min=-20, max=60)),
        vol.Optional("room_humidity"): vol.All(vol.Coerce(float), vol.Range(min=0, max=100)),
        vol.Optional("enclosed"): cv.boolean,
        vol.Optional("notes", default=""): vol.All(cv.string, vol.Length(max=500)),
    }
)
IMPORT_PROFILE_SCHEMA = vol.Schema({vol.Required("path"): vol.All(cv.string, vol.Length(max=1024))})
INSTALL_PROFILE_SCHEMA = vol.Schema(
    {
        vol.Required("profile_id"): _ID,
        vol.Optional("folder"): vol.All(cv.string, vol.Length(max=1024)),
        vol.Optional("overwrite", default=False): cv.boolean,
    }
)


def _not_found(profile_id: str, err: Exception) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="profile_not_found",
        translation_placeholders={"profile_id": profile_id},
    )


async def async_share_profile(call: ServiceCall) -> ServiceResponse:
    """Write a share file (presets, conditions, rating; no names or serials) and say where."""
    hass = call.hass
    data = call.data
    library = profile_library(hass)
    conditions = PrintConditions(
        ambient_temp_c=data.get("room_temperature"),
        humidity_pct=data.get("room_humidity"),
        enclosed=data.get("enclosed"),
        notes=data["notes"],
    )
    try:
        share = await library.async_export_share(
            data["profile_id"], conditions=conditions, rating=data.get("rating")
        )
    except ProfileError as err:
        raise _not_found(data["profile_id"], err) from err
    stamp = dt_util.utcnow().strftime("%Y%m%dT%H%M%SZ")
    target = library.root / "shares" / f"{data['profile_id']}-{stamp}.json"

    def _write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(share)

    await asyncio.to_thread(_write)
    return {"path": str(target), "url": download_url(target.relative_to(library.root))}


async def async_import_profile(call: ServiceCall) -> ServiceResponse:
    """Add someone's shared profile to the library."""
    hass = call.hass
    path = allowed_path(hass, call.data["path"])

    def _read() -> bytes:
        if path.stat().st_size > MAX_SHARE_BYTES:
            raise ValueError("file too large for a shared profile")
        return path.read_bytes()

    try:
        data = await asyncio.to_thread(_read)
        stored = await profile_library(hass).async_import_share(data)
    except (OSError, ValueError, ProfileError) as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="share_not_imported",
            translation_placeholders={"error": str(err)},
        ) from err
    async_dispatcher_send(hass, SIGNAL_PROFILES_CHANGED)
    return {
        "profile_id": stored.summary.profile_id,
        "filament_name": stored.summary.filament_name,
        "printer_presets": [p.printer_preset for p in stored.presets],
    }


async def async_install_profile(call: ServiceCall) -> ServiceResponse:
    """Copy a profile's presets into a Bambu Studio user folder."""
    hass = call.hass
    assistant = loaded_assistant(hass)
    default = assistant.options.get(CONF_SLICER_FOLDER) if assistant is not None else None
    raw = call.data.get("folder") or default
    if not raw:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="slicer_folder_not_set"
        )
    folder = allowed_path(hass, raw)
    if not await asyncio.to_thread(folder.is_dir):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="slicer_folder_missing",
            translation_placeholders={"folder": str(folder)},
        )
    try:
        written = await profile_library(hass).async_install_to_slicer(
            call.data["profile_id"], folder, overwrite=call.data["overwrite"]
        )
    except PresetExistsError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="preset_exists",
            translation_placeholders={"error": str(err)},
        ) from err
    except ProfileError as err:
        raise _not_found(call.data["profile_id"], err) from err
    except OSError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="install_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    return {"files": [str(path) for path in written]}
