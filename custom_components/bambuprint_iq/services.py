"""Actions (services) with responses, registered once in ``async_setup``.

Every action validates its input with voluptuous; a bad or unknown target is a translated
``ServiceValidationError``, a failure while doing the work a translated ``HomeAssistantError``.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.util import dt as dt_util
import voluptuous as vol

from .const import DOMAIN
from .coordinator import BambuConfigEntry
from .core.history import ExportFormat, HistoryError, Outcome, RecordNotFoundError
from .history_store import async_get_history_store, storage_dir
from .media_files import MediaFileView
from .profile_view import ProfileDownloadView
from .services_analysis import ANALYZE_PRINT_SCHEMA, SERVICE_ANALYZE_PRINT, async_analyze_print
from .services_bambu_connect import (
    BAMBU_CONNECT_SCHEMA,
    SERVICE_BAMBU_CONNECT_URL,
    async_bambu_connect_url,
)
from .services_library import (
    CORRECT_FILAMENT_SCHEMA,
    DELETE_PROFILE_SCHEMA,
    GENERATE_PROFILE_SCHEMA,
    LOOKUP_FILAMENT_SCHEMA,
    SERVICE_CORRECT_FILAMENT,
    SERVICE_DELETE_PROFILE,
    SERVICE_GENERATE_PROFILE,
    SERVICE_LIST_PROFILES,
    SERVICE_LOOKUP_FILAMENT,
    async_correct_filament,
    async_delete_profile,
    async_generate_profile,
    async_list_profiles,
    async_lookup_filament,
    profile_library,
)
from .services_profile_sharing import (
    IMPORT_PROFILE_SCHEMA,
    INSTALL_PROFILE_SCHEMA,
    SERVICE_IMPORT_PROFILE,
    SERVICE_INSTALL_PROFILE,
    SERVICE_SHARE_PROFILE,
    SHARE_PROFILE_SCHEMA,
    async_import_profile,
    async_install_profile,
    async_share_profile,
)

ATTR_DEVICE_ID = "device_id"
ATTR_RECORD_ID = "record_id"
ATTR_OUTCOME = "outcome"
ATTR_RATING = "rating"
ATTR_DEFECT_TAGS = "defect_tags"
ATTR_FORMAT = "format"

SERVICE_GET_INSIGHTS = "get_insights"
SERVICE_RECORD_OUTCOME = "record_outcome"
SERVICE_EXPORT_HISTORY = "export_history"
SERVICE_DELETE_PRINT = "delete_print"

GET_INSIGHTS_SCHEMA = vol.Schema({vol.Optional(ATTR_DEVICE_ID): cv.string})
RECORD_OUTCOME_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Optional(ATTR_DEVICE_ID): cv.string,
            vol.Optional(ATTR_RECORD_ID): cv.string,
            vol.Optional(ATTR_OUTCOME): vol.In([o.value for o in Outcome if o.is_decided]),
            vol.Optional(ATTR_RATING): vol.All(vol.Coerce(int), vol.Range(min=1, max=5)),
            vol.Optional(ATTR_DEFECT_TAGS): vol.All(
                cv.ensure_list, [vol.All(cv.string, vol.Length(min=1, max=40))]
            ),
        }
    ),
    cv.has_at_least_one_key(ATTR_OUTCOME, ATTR_RATING, ATTR_DEFECT_TAGS),
)
EXPORT_HISTORY_SCHEMA = vol.Schema(
    {
        vol.Optional(ATTR_DEVICE_ID): cv.string,
        vol.Optional(ATTR_FORMAT, default="csv"): vol.In([f.value for f in ExportFormat]),
    }
)


DELETE_PRINT_SCHEMA = vol.Schema(
    {vol.Required(ATTR_RECORD_ID): vol.All(cv.string, vol.Length(max=80))}
)


async def _async_delete_print(call: ServiceCall) -> ServiceResponse:
    """Remove one print record (e.g. a test print that should not count)."""
    store = await async_get_history_store(call.hass)
    record_id = call.data[ATTR_RECORD_ID]
    if not await store.delete(record_id):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="record_not_found",
            translation_placeholders={"record_id": record_id},
        )
    return {"deleted": record_id}


def _printer_entry(hass: HomeAssistant, device_id: str) -> BambuConfigEntry:
    """The loaded printer entry behind a device (printer or one of its AMS units)."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="device_not_found",
            translation_placeholders={"device_id": device_id},
        )
    for entry_id in device.config_entries:
        entry = hass.config_entries.async_get_entry(entry_id)
        if entry is not None and entry.domain == DOMAIN:
            if entry.state is ConfigEntryState.LOADED:
                return entry
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="printer_not_loaded",
                translation_placeholders={"name": entry.title},
            )
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="device_not_found",
        translation_placeholders={"device_id": device_id},
    )


def _printer_id(hass: HomeAssistant, call: ServiceCall) -> str | None:
    device_id = call.data.get(ATTR_DEVICE_ID)
    if device_id is None:
        return None
    return _printer_entry(hass, device_id).runtime_data.coordinator.serial


async def _async_get_insights(call: ServiceCall) -> ServiceResponse:
    """Success rates with sample sizes and intervals, claims only where the data supports them."""
    hass = call.hass
    printer_id = _printer_id(hass, call)
    store = await async_get_history_store(hass)
    report = await store.insights(printer_id=printer_id)
    return {"printer": printer_id, **report.as_dict()}


async def _async_record_outcome(call: ServiceCall) -> ServiceResponse:
    """Correct the outcome of a print, rate it, tag its defects (default: the printer's last)."""
    hass = call.hass
    store = await async_get_history_store(hass)
    record_id = call.data.get(ATTR_RECORD_ID)
    if record_id is None:
        printer_id = _printer_id(hass, call)
        if printer_id is None:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="record_or_device_required"
            )
        latest = await store.list_records(printer_id=printer_id, limit=1)
        if not latest:
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="no_prints_recorded"
            )
        record_id = latest[0].record_id
    try:
        if ATTR_OUTCOME in call.data:
            await store.set_user_outcome(record_id, Outcome(call.data[ATTR_OUTCOME]))
        if ATTR_RATING in call.data:
            await store.set_rating(record_id, call.data[ATTR_RATING])
        if ATTR_DEFECT_TAGS in call.data:
            await store.set_defect_tags(record_id, call.data[ATTR_DEFECT_TAGS])
        record = await store.get(record_id)
    except RecordNotFoundError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="record_not_found",
            translation_placeholders={"record_id": record_id},
        ) from err
    return {"record": record.as_dict()}


async def _async_export_history(call: ServiceCall) -> ServiceResponse:
    """Write the history to a file under the integration's folder and say where."""
    hass = call.hass
    printer_id = _printer_id(hass, call)
    store = await async_get_history_store(hass)
    try:
        path = await store.export_to_file(
            storage_dir(hass) / "exports",
            ExportFormat(call.data[ATTR_FORMAT]),
            dt_util.utcnow(),
            printer_id=printer_id,
        )
    except (HistoryError, OSError) as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="export_failed",
            translation_placeholders={"error": str(err)},
        ) from err
    count = await store.count(printer_id)
    return {"path": str(path), "records": count, "format": call.data[ATTR_FORMAT]}


async def _async_analyze_print(call: ServiceCall) -> ServiceResponse:
    """Diagnose print photos; with a printer, its filament and print give the context."""
    device_id = call.data.get(ATTR_DEVICE_ID)
    entry = _printer_entry(call.hass, device_id) if device_id else None
    return await async_analyze_print(call, entry)


async def _async_generate_profile(call: ServiceCall) -> ServiceResponse:
    """Resolve the target printers, then generate."""
    entries = [
        _printer_entry(call.hass, device_id) for device_id in call.data.get(ATTR_DEVICE_ID, [])
    ]
    return await async_generate_profile(call, entries)


def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions (once, not per entry)."""
    for name, library_handler, library_schema in (
        (SERVICE_LOOKUP_FILAMENT, async_lookup_filament, LOOKUP_FILAMENT_SCHEMA),
        (SERVICE_CORRECT_FILAMENT, async_correct_filament, CORRECT_FILAMENT_SCHEMA),
        (SERVICE_GENERATE_PROFILE, _async_generate_profile, GENERATE_PROFILE_SCHEMA),
        (SERVICE_LIST_PROFILES, async_list_profiles, vol.Schema({})),
        (SERVICE_DELETE_PROFILE, async_delete_profile, DELETE_PROFILE_SCHEMA),
        (SERVICE_SHARE_PROFILE, async_share_profile, SHARE_PROFILE_SCHEMA),
        (SERVICE_IMPORT_PROFILE, async_import_profile, IMPORT_PROFILE_SCHEMA),
        (SERVICE_INSTALL_PROFILE, async_install_profile, INSTALL_PROFILE_SCHEMA),
    ):
        hass.services.async_register(
            DOMAIN,
            name,
            library_handler,
            library_schema,
            supports_response=SupportsResponse.OPTIONAL
            if name in (SERVICE_CORRECT_FILAMENT, SERVICE_DELETE_PROFILE)
            else SupportsResponse.ONLY,
        )
    hass.services.async_register(
        DOMAIN,
        SERVICE_BAMBU_CONNECT_URL,
        async_bambu_connect_url,
        BAMBU_CONNECT_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    hass.http.register_view(ProfileDownloadView(profile_library(hass).root))
    hass.http.register_view(MediaFileView())
    hass.services.async_register(
        DOMAIN,
        SERVICE_ANALYZE_PRINT,
        _async_analyze_print,
        ANALYZE_PRINT_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    for name, handler, schema, response in (
        (SERVICE_GET_INSIGHTS, _async_get_insights, GET_INSIGHTS_SCHEMA, SupportsResponse.ONLY),
        (
            SERVICE_RECORD_OUTCOME,
            _async_record_outcome,
            RECORD_OUTCOME_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (
            SERVICE_EXPORT_HISTORY,
            _async_export_history,
            EXPORT_HISTORY_SCHEMA,
            SupportsResponse.OPTIONAL,
        ),
        (SERVICE_DELETE_PRINT, _async_delete_print, DELETE_PRINT_SCHEMA, SupportsResponse.OPTIONAL),
    ):
        hass.services.async_register(DOMAIN, name, handler, schema, supports_response=response)
