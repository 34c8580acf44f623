"""The ``analyze_print`` action: photos in, diagnosis with concrete setting changes out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, cast

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .allowed_paths import allowed_path
from .assistant import (
    CONF_DAILY_CAP,
    AssistantConfigEntry,
    async_api_key_rejected,
    loaded_assistant,
)
from .const import DOMAIN
from .coordinator import BambuConfigEntry
from .core.analysis import (
    AnalysisResult,
    ApiKeyRejected,
    FilamentSpec,
    ImageRejected,
    InvalidPrintContext,
    PhotoRetakeRequired,
    PrintContext,
    PrinterProfile,
    ProviderError,
)
from .media_files import media_file

SERVICE_ANALYZE_PRINT: Final = "analyze_print"
EVENT_ANALYSIS: Final = f"{DOMAIN}_analysis"
ATTR_IMAGES: Final = "images"
ATTR_CAMERA: Final = "camera"
ATTR_FILAMENT: Final = "filament"
ATTR_NOTE: Final = "note"
ATTR_MEDIA: Final = "media"
MEDIA_SOURCE: Final = "media-source://"
DEFAULT_DAILY_CAP: Final = 50
MAX_PHOTO_BYTES: Final = 40 * 1024 * 1024  # a 50 MP JPEG is ~25 MB; anything larger is not a photo

ANALYZE_PRINT_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Optional(ATTR_IMAGES): vol.All(cv.ensure_list, [cv.string], vol.Length(max=4)),
            vol.Optional(ATTR_CAMERA): cv.entity_domain("camera"),
            vol.Optional(ATTR_MEDIA): vol.All(
                cv.ensure_list,
                [vol.All(cv.string, vol.Match(r"^media-source://"))],
                vol.Length(max=4),
            ),
            vol.Optional("device_id"): cv.string,
            vol.Optional(ATTR_FILAMENT): vol.All(cv.string, vol.Length(max=80)),
            vol.Optional(ATTR_NOTE): vol.All(cv.string, vol.Length(max=500)),
        }
    ),
    cv.has_at_least_one_key(ATTR_IMAGES, ATTR_CAMERA, ATTR_MEDIA),
)


def _read_photo(path: Path) -> bytes:
    """Blocking: read a photo, refusing anything implausibly large before reading it."""
    if path.stat().st_size > MAX_PHOTO_BYTES:
        raise ValueError("file too large")
    return path.read_bytes()


def _media_target(hass: HomeAssistant, media_id: str) -> Path | str:
    """A camera entity id, or a file inside one of Home Assistant's media folders.

    ``media-source://camera/<entity>``, ``media-source://media_source/<folder>/<path>``
    and this integration's own snapshots (the media browser's ids); anything else or outside
    the folder is refused.
    """
    rest = media_id.removeprefix(MEDIA_SOURCE)
    domain, _, identifier = rest.partition("/")
    if domain == "camera" and identifier.startswith("camera."):
        return identifier
    if domain == DOMAIN and (own := media_file(hass, identifier)) is not None:
        return own
    folder_id, _, relative = identifier.partition("/")
    base = hass.config.media_dirs.get(folder_id) if domain == "media_source" else None
    if base is not None and relative:
        root = Path(base).resolve()
        path = (root / relative).resolve()
        if path.is_relative_to(root):
            return path
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="media_not_supported",
        translation_placeholders={"media": media_id},
    )


async def _async_photos(hass: HomeAssistant, call: ServiceCall) -> list[bytes]:
    photos: list[bytes] = []
    cameras: list[str] = [call.data[ATTR_CAMERA]] if ATTR_CAMERA in call.data else []
    paths = [(raw, allowed_path(hass, raw)) for raw in call.data.get(ATTR_IMAGES, [])]
    for media_id in call.data.get(ATTR_MEDIA, []):
        target = _media_target(hass, media_id)
        if isinstance(target, Path):
            paths.append((media_id, target))
        else:
            cameras.append(target)
    for raw, path in paths:
        try:
            photos.append(await hass.async_add_executor_job(_read_photo, path))
        except (OSError, ValueError) as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="photo_unreadable",
                translation_placeholders={"path": raw, "error": str(err)},
            ) from err
    if cameras:
        # Imported on use: the camera component pulls in its JPEG library, which not every
        # installation needs for analyses of photo files.
        from homeassistant.components.camera import async_get_image

        for camera in cameras:
            try:
                photos.append((await async_get_image(hass, camera)).content)
            except HomeAssistantError as err:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="camera_unavailable",
                    translation_placeholders={"camera": camera},
                ) from err
    return photos


async def _async_check_daily_cap(assistant: AssistantConfigEntry) -> None:
    """Refuse before spending tokens when today's analyses reached the user's cap."""
    cap = int(assistant.options.get(CONF_DAILY_CAP, DEFAULT_DAILY_CAP))
    store = assistant.runtime_data.store
    today = dt_util.utcnow().date()
    recent = await store.async_list(limit=cap + 1)
    if sum(1 for stored in recent if stored.created_at.date() == today) >= cap:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="daily_cap_reached",
            translation_placeholders={"cap": str(cap)},
        )


def _context(entry: BambuConfigEntry | None, call: ServiceCall) -> PrintContext:
    """Filament and printer facts the rule engine bounds its suggestions with."""
    material = call.data.get(ATTR_FILAMENT, "")
    note = call.data.get(ATTR_NOTE, "")
    if entry is None:
        return PrintContext(filament=FilamentSpec(material), user_note=note)
    coordinator = entry.runtime_data.coordinator
    state = coordinator.data
    tray = state.active_tray
    settings: dict[str, Any] = {}
    if state.nozzle_target_temp:
        settings["nozzle_temperature"] = state.nozzle_target_temp
    nozzle_min = tray.nozzle_temp_min if tray else None
    nozzle_max = tray.nozzle_temp_max if tray else None
    specs = entry.runtime_data.tray_specs
    looked_up = specs.for_tray(tray) if specs is not None and tray is not None else None
    if looked_up and isinstance(looked_up.get("nozzle_temp"), dict):
        # A third-party spool: the manufacturer's range beats the generic preset on the tray.
        nozzle_min = looked_up["nozzle_temp"].get("min", nozzle_min)
        nozzle_max = looked_up["nozzle_temp"].get("max", nozzle_max)
    filament = FilamentSpec(
        material or (tray.tray_type if tray and tray.tray_type else ""),
        tray.sub_brand if tray else None,
        nozzle_min,
        nozzle_max,
    )
    printer = PrinterProfile(
        model=coordinator.model.value if coordinator.model else None,
        nozzle_diameter_mm=state.nozzle_diameter or 0.4,
    )
    return PrintContext(filament=filament, printer=printer, settings=settings, user_note=note)


async def async_analyze_print(
    call: ServiceCall, printer_entry: BambuConfigEntry | None
) -> ServiceResponse:
    """Run the analysis; link it to the printer's current or last print."""
    hass = call.hass
    assistant = loaded_assistant(hass)
    if assistant is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="assistant_not_configured"
        )
    if not assistant.runtime_data.has_model:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="assistant_without_model"
        )
    await _async_check_daily_cap(assistant)
    photos = await _async_photos(hass, call)
    try:
        context = _context(printer_entry, call)
        serial = printer_entry.runtime_data.coordinator.serial if printer_entry else None
        recorder = printer_entry.runtime_data.recorder if printer_entry else None
        record_id = recorder.current_or_last_record_id() if recorder else None
        result = await assistant.runtime_data.analyzer.analyze(
            photos, context, printer_id=serial, print_job=record_id
        )
    except (ImageRejected, InvalidPrintContext) as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="image_rejected",
            translation_placeholders={"reason": str(err)},
        ) from err
    except PhotoRetakeRequired as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="retake_photo",
            translation_placeholders={"reasons": "; ".join(err.reasons)},
        ) from err
    except ApiKeyRejected as err:
        async_api_key_rejected(hass, assistant)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="api_key_rejected"
        ) from err
    except ProviderError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="analysis_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    if recorder is not None:
        await recorder.async_attach_analysis(record_id, result)
    hass.bus.async_fire(EVENT_ANALYSIS, _event_data(result, serial))
    return cast(ServiceResponse, result.to_dict())


def _event_data(result: AnalysisResult, serial: str | None) -> dict[str, Any]:
    return {
        "analysis_id": result.analysis_id,
        "overall_score": result.overall_score,
        "printer_serial_suffix": serial[-4:] if serial else None,
        "defects": [advice.finding.type for advice in result.plan.advice],
    }
