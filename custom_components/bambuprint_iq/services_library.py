"""Filament lookup and Bambu Studio profile actions, on libraries shared by all entries."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, cast

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util.hass_dict import HassKey
import voluptuous as vol

from .const import DOMAIN, SIGNAL_PROFILES_CHANGED
from .coordinator import BambuConfigEntry
from .core.analysis import AnalysisError, AnalysisStore
from .core.filament import FilamentError, FilamentLibrary, FilamentQuery, InvalidSpecInput
from .core.profiles.errors import ProfileError
from .core.profiles.library import ProfileLibrary
from .core.profiles.library_models import ProfileSource
from .core.profiles.models import (
    FilamentSpec as ProfileSpec,
    PresetShape,
    ProfileRequest,
    TargetPrinter,
)
from .filament_model import AssistantSpecExtractor
from .history_store import storage_dir
from .profile_inputs import analysis_adjustments, profile_spec, target_for
from .profile_view import download_url

FILAMENT_LIBRARY: HassKey[FilamentLibrary] = HassKey(f"{DOMAIN}_filament_library")
PROFILE_LIBRARY: HassKey[ProfileLibrary] = HassKey(f"{DOMAIN}_profile_library")

SERVICE_LOOKUP_FILAMENT: Final = "lookup_filament"
SERVICE_CORRECT_FILAMENT: Final = "correct_filament"
SERVICE_GENERATE_PROFILE: Final = "generate_profile"
SERVICE_LIST_PROFILES: Final = "list_profiles"
SERVICE_DELETE_PROFILE: Final = "delete_profile"

_TEXT = vol.All(cv.string, vol.Length(min=1, max=120))
LOOKUP_FILAMENT_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Optional("query"): _TEXT,
            vol.Optional("material"): _TEXT,
            vol.Optional("url"): cv.url,
            vol.Optional("allow_network", default=True): cv.boolean,
        }
    ),
    cv.has_at_least_one_key("query", "material", "url"),
)
CORRECT_FILAMENT_SCHEMA = vol.Schema(
    {
        vol.Required("brand"): _TEXT,
        vol.Required("product"): _TEXT,
        vol.Required("values"): vol.All(dict, vol.Length(min=1)),
        vol.Optional("material"): _TEXT,
        vol.Optional("note"): vol.All(cv.string, vol.Length(max=500)),
    }
)
_TEMP = vol.All(vol.Coerce(int), vol.Range(min=100, max=500))
_PERCENT = vol.All(vol.Coerce(int), vol.Range(min=0, max=100))
SPEC_SCHEMA = vol.Schema(
    {
        vol.Required("material_type"): _TEXT,
        vol.Optional("vendor"): _TEXT,
        vol.Optional("product_name"): _TEXT,
        vol.Optional("nozzle_temp_min"): _TEMP,
        vol.Optional("nozzle_temp_max"): _TEMP,
        vol.Optional("nozzle_temp_recommended"): _TEMP,
        vol.Optional("max_volumetric_speed"): vol.All(vol.Coerce(float), vol.Range(min=1, max=80)),
        vol.Optional("fan_min_speed"): _PERCENT,
        vol.Optional("fan_max_speed"): _PERCENT,
        vol.Optional("density"): vol.All(vol.Coerce(float), vol.Range(min=0.5, max=3)),
        vol.Optional("diameter"): vol.All(vol.Coerce(float), vol.In([1.75, 2.85])),
        vol.Optional("drying_temp"): vol.All(vol.Coerce(float), vol.Range(min=30, max=120)),
        vol.Optional("drying_hours"): vol.All(vol.Coerce(float), vol.Range(min=0.5, max=48)),
    }
)
GENERATE_PROFILE_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Required("filament"): _TEXT,
            vol.Optional("spec"): SPEC_SCHEMA,
            vol.Optional("material"): _TEXT,
            vol.Optional("analysis_id"): vol.All(cv.string, vol.Length(max=64)),
            vol.Optional("device_id"): vol.All(cv.ensure_list, [cv.string]),
            vol.Optional("printers"): vol.All(cv.ensure_list, [_TEXT]),
            vol.Optional("nozzle_diameter", default=0.4): vol.All(
                vol.Coerce(float), vol.In([0.2, 0.4, 0.6, 0.8])
            ),
            vol.Optional("shape"): vol.In([s.value for s in PresetShape]),
            vol.Optional("allow_network", default=True): cv.boolean,
        }
    ),
    cv.has_at_least_one_key("device_id", "printers"),
)
DELETE_PROFILE_SCHEMA = vol.Schema({vol.Required("profile_id"): _TEXT})


def filament_library(hass: HomeAssistant) -> FilamentLibrary:
    """One library for the whole installation (its caches are shared)."""
    if (library := hass.data.get(FILAMENT_LIBRARY)) is None:
        library = FilamentLibrary(
            storage_dir(hass) / "filament",
            async_get_clientsession(hass),
            extractor=AssistantSpecExtractor(hass),
        )
        hass.data[FILAMENT_LIBRARY] = library
    return library


def profile_library(hass: HomeAssistant) -> ProfileLibrary:
    """Generated presets live under the integration folder, never under www/."""
    if (library := hass.data.get(PROFILE_LIBRARY)) is None:
        library = ProfileLibrary(storage_dir(hass) / "profiles")
        hass.data[PROFILE_LIBRARY] = library
    return library


def _failed(key: str, err: Exception) -> HomeAssistantError:
    return HomeAssistantError(
        translation_domain=DOMAIN, translation_key=key, translation_placeholders={"error": str(err)}
    )


async def async_lookup_filament(call: ServiceCall) -> ServiceResponse:
    """Recommended settings for a filament, each value with its source."""
    data = call.data
    query = FilamentQuery(
        product=data.get("query"), material=data.get("material"), url=data.get("url")
    )
    try:
        result = await filament_library(call.hass).lookup(
            query, allow_network=data["allow_network"]
        )
    except FilamentError as err:
        raise _failed("lookup_failed", err) from err
    return cast(ServiceResponse, result.as_dict())


async def async_correct_filament(call: ServiceCall) -> ServiceResponse:
    """Store the user's own values; they win over every other source from now on."""
    data = call.data
    try:
        correction = await filament_library(call.hass).correct(
            data["brand"], data["product"], data["values"],
            material=data.get("material"), note=data.get("note"),
        )  # fmt: skip
    except InvalidSpecInput as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_filament_values",
            translation_placeholders={"error": str(err)},
        ) from err
    except FilamentError as err:
        raise _failed("lookup_failed", err) from err
    return cast(ServiceResponse, correction.as_dict())


async def async_generate_profile(
    call: ServiceCall, printers: list[BambuConfigEntry]
) -> ServiceResponse:
    """Presets for one filament on one or many printers, with every change explained."""
    hass = call.hass
    data = call.data
    targets = [t for entry in printers if (t := target_for(entry.runtime_data.coordinator.data))]
    targets += [TargetPrinter(model, data["nozzle_diameter"]) for model in data.get("printers", [])]
    spec = await _async_spec(hass, data)
    if spec is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="filament_unknown",
            translation_placeholders={"filament": data["filament"]},
        )
    adjustments: tuple[Any, ...] = ()
    analysis_id = data.get("analysis_id")
    if analysis_id:
        try:
            stored = await AnalysisStore(storage_dir(hass) / "analyses").async_load(analysis_id)
        except AnalysisError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="analysis_not_found",
                translation_placeholders={"analysis_id": analysis_id},
            ) from err
        adjustments = analysis_adjustments(stored.filament_changes(), analysis_id)
    shape = PresetShape(data["shape"]) if "shape" in data else None
    try:
        saved = await profile_library(hass).async_generate_profile(
            ProfileRequest(spec, tuple(targets), adjustments, shape),
            source=ProfileSource(analysis_id=analysis_id),
        )
    except (ProfileError, ValueError) as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_generated",
            translation_placeholders={"error": str(err)},
        ) from err
    async_dispatcher_send(hass, SIGNAL_PROFILES_CHANGED)
    return _generation_response(hass, saved)


async def _async_spec(hass: HomeAssistant, data: Mapping[str, Any]) -> ProfileSpec | None:
    """The user's own spec when given; otherwise what the filament lookup knows."""
    if "spec" in data:
        try:
            return ProfileSpec(**data["spec"])
        except ValueError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_filament_values",
                translation_placeholders={"error": str(err)},
            ) from err
    try:
        looked_up = await filament_library(hass).lookup(
            FilamentQuery(product=data["filament"], material=data.get("material")),
            allow_network=data["allow_network"],
        )
    except FilamentError as err:
        raise _failed("lookup_failed", err) from err
    return profile_spec(looked_up.spec, data.get("material")) if looked_up.spec else None


def _generation_response(hass: HomeAssistant, saved: Any) -> ServiceResponse:
    root = profile_library(hass).root
    stored = saved.stored
    presets = {preset.printer_preset: preset for preset in saved.result.presets}
    return cast(
        ServiceResponse,
        {
            "profile_id": stored.summary.profile_id,
            "version": stored.info.version,
            "filament_name": saved.result.filament_name,
            "filament_id": saved.result.filament_id,
            "shape": saved.result.shape.value,
            "bundle": _file(root, stored.bundle_path),
            "presets": [
                {
                    "printer_preset": item.printer_preset,
                    "name": item.name,
                    **_file(root, item.path),
                    "preset": presets[item.printer_preset].to_json_dict(),
                    "changes": [c.to_json() for c in presets[item.printer_preset].changes],
                    "skipped_adjustments": [
                        s.to_json() for s in presets[item.printer_preset].skipped_adjustments
                    ],
                    "warnings": list(presets[item.printer_preset].warnings),
                }
                for item in stored.presets
            ],
            "skipped_printers": [
                {"printer_preset": s.printer_preset, "reason": s.reason}
                for s in saved.result.skipped
            ],
        },
    )


def _file(root: Path, path: Path) -> dict[str, str]:
    return {"path": str(path), "url": download_url(path.relative_to(root))}


async def async_list_profiles(call: ServiceCall) -> ServiceResponse:
    """Every generated profile, newest first."""
    summaries = await profile_library(call.hass).async_list_profiles()
    return {
        "profiles": [
            {
                "profile_id": s.profile_id,
                "filament_name": s.filament_name,
                "vendor": s.vendor,
                "filament_type": s.filament_type,
                "shape": s.shape.value,
                "version": s.current_version,
                "updated_at": s.updated_at.isoformat(),
                "printer_presets": list(s.printer_presets),
            }
            for s in summaries
        ]
    }


async def async_delete_profile(call: ServiceCall) -> ServiceResponse:
    """Delete a profile and all its versions."""
    profile_id = call.data["profile_id"]
    try:
        await profile_library(call.hass).async_delete_profile(profile_id)
    except ProfileError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="profile_not_found",
            translation_placeholders={"profile_id": profile_id},
        ) from err
    async_dispatcher_send(call.hass, SIGNAL_PROFILES_CHANGED)
    return {"deleted": profile_id}
