"""The ``snapshot`` action: save a camera frame for automations and the photo analysis.

The file lands under ``<config>/bambuprint_iq/snapshots/`` (never ``www/``, which is
public) and is linked to the printer's running print, or its last one, in the history.
"""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import voluptuous as vol

from .camera_manager import CameraManager, async_get_camera_manager
from .camera_rtsp import FfmpegMissing, LiveviewDisabled
from .const import DOMAIN
from .coordinator import BambuConfigEntry, BambuRuntimeData
from .core.camera import CameraAccessDenied, CameraStorageError, Snapshot
from .core.history import HistoryError
from .core.printer.errors import CertificateMismatch, PrinterConnectionError, SerialMismatch
from .history_store import storage_dir

_LOGGER = logging.getLogger(__name__)

SERVICE_SNAPSHOT: Final = "snapshot"
ATTR_DEVICE_ID: Final = "device_id"

SNAPSHOT_SCHEMA = vol.Schema({vol.Required(ATTR_DEVICE_ID): vol.All(cv.string, vol.Length(min=1))})


def _printer_entry(hass: HomeAssistant, device_id: str) -> BambuConfigEntry:
    """The loaded printer entry behind a device (the printer or one of its AMS units)."""
    device = dr.async_get(hass).async_get(device_id)
    for entry_id in device.config_entries if device is not None else ():
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is None or entry.domain != DOMAIN:
            continue
        if entry.state is not ConfigEntryState.LOADED:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="printer_not_loaded",
                translation_placeholders={"name": entry.title},
            )
        if isinstance(entry.runtime_data, BambuRuntimeData):
            return entry
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="device_not_found",
        translation_placeholders={"device_id": device_id},
    )


def _camera_manager(hass: HomeAssistant, entry: BambuConfigEntry) -> CameraManager:
    manager = async_get_camera_manager(hass, entry)
    if manager is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="camera_not_supported",
            translation_placeholders={"name": entry.title},
        )
    return manager


async def _async_take(manager: CameraManager, name: str) -> Snapshot:
    """Take the snapshot, turning every camera failure into a translated error."""
    placeholders = {"name": name}
    try:
        return await manager.async_take_snapshot()
    except LiveviewDisabled as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="camera_liveview_disabled",
            translation_placeholders=placeholders,
        ) from err
    except FfmpegMissing as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="camera_needs_ffmpeg",
            translation_placeholders=placeholders,
        ) from err
    except (CameraAccessDenied, CertificateMismatch, SerialMismatch) as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="camera_access_denied",
            translation_placeholders=placeholders,
        ) from err
    except PrinterConnectionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="camera_no_frame",
            translation_placeholders=placeholders,
        ) from err
    except CameraStorageError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="snapshot_not_saved",
            translation_placeholders={"error": str(err)},
        ) from err


async def _async_snapshot(call: ServiceCall) -> ServiceResponse:
    """Save a frame, link it to the current or last print, and say where it is."""
    hass = call.hass
    entry = _printer_entry(hass, call.data[ATTR_DEVICE_ID])
    snapshot = await _async_take(_camera_manager(hass, entry), entry.title)
    file_id = snapshot.path.relative_to(storage_dir(hass)).as_posix()
    recorder = entry.runtime_data.recorder
    record_id = recorder.current_or_last_record_id()
    if record_id is not None:
        try:
            await recorder.store.add_media_id(record_id, snapshot_id=file_id)
        except HistoryError as err:
            _LOGGER.debug("Snapshot %s not linked to print %s: %s", file_id, record_id, err)
            record_id = None
    return {
        "path": str(snapshot.path),
        "file": file_id,
        "captured_at": snapshot.frame.captured_at.isoformat(),
        "size_bytes": snapshot.frame.size,
        "record_id": record_id,
    }


def async_setup_camera_services(hass: HomeAssistant) -> None:
    """Register the camera actions (once, not per entry)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SNAPSHOT,
        _async_snapshot,
        SNAPSHOT_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
