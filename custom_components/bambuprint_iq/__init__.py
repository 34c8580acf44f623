"""BambuPrint IQ: Bambu Lab printers in Home Assistant."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.typing import ConfigType

from .assistant import (
    ISSUE_API_KEY_REJECTED,
    async_setup_assistant,
    async_unload_assistant,
    is_assistant,
)
from .const import CONF_RETENTION_DAYS, CONF_ROOM_SENSORS, CONF_SERIAL, DOMAIN
from .coordinator import BambuConfigEntry, BambuRuntimeData, PrinterCoordinator
from .discovery import async_start_discovery
from .drying import DryingTracker
from .failure_watch_runner import async_start_failure_watch
from .history_options import alert_thresholds
from .history_recorder import PrinterHistoryRecorder
from .history_store import async_get_history_store, storage_dir
from .services import async_setup_services
from .services_camera import async_setup_camera_services
from .tray_specs import TraySpecs

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CAMERA,
    Platform.IMAGE,
    Platform.LIGHT,
    Platform.SELECT,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once; they find the printer entries they need at call time."""
    async_setup_services(hass)
    async_setup_camera_services(hass)
    await async_start_discovery(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BambuConfigEntry) -> bool:
    """Connect to the printer, wait for its first status, then create entities."""
    if is_assistant(entry):
        await async_setup_assistant(hass, entry)  # type: ignore[arg-type]
        return True
    coordinator = PrinterCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    recorder = PrinterHistoryRecorder(
        hass,
        coordinator,
        await async_get_history_store(hass),
        room_sensors=entry.options.get(CONF_ROOM_SENSORS, []),
        thresholds=alert_thresholds(entry.options),
        drying=DryingTracker(storage_dir(hass) / "drying" / f"{entry.data[CONF_SERIAL]}.json"),
        retention_days=int(entry.options.get(CONF_RETENTION_DAYS, 0)),
    )
    await recorder.async_start()
    entry.runtime_data = BambuRuntimeData(
        coordinator=coordinator, recorder=recorder, tray_specs=TraySpecs(hass, entry)
    )
    entry.runtime_data.tray_specs.async_track()  # type: ignore[union-attr]
    entry.runtime_data.failure_watch = async_start_failure_watch(hass, entry)

    async def _async_stop(_event: Event) -> None:
        await recorder.async_stop()
        await coordinator.connection.async_stop()

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop))
    options_at_setup = dict(entry.options)

    async def _async_reload_on_options(hass: HomeAssistant, entry: BambuConfigEntry) -> None:
        """Options take effect by reloading; data changes (reauth, reconfigure, a discovered
        address) come with their own reload, so they must not cause a second one."""
        if dict(entry.options) != options_at_setup:
            await hass.config_entries.async_reload(entry.entry_id)

    entry.async_on_unload(entry.add_update_listener(_async_reload_on_options))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BambuConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete an AMS unit that is no longer attached; never the printer itself."""
    coordinator = entry.runtime_data.coordinator
    current = {(DOMAIN, f"{coordinator.serial}_ams_{unit.id}") for unit in coordinator.data.ams} | {
        (DOMAIN, coordinator.serial)
    }
    return not device.identifiers & current


async def async_unload_entry(hass: HomeAssistant, entry: BambuConfigEntry) -> bool:
    """Drop entities and close the printer connection."""
    if is_assistant(entry):
        await async_unload_assistant(entry)  # type: ignore[arg-type]
        return True
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.recorder.async_stop()
        await entry.runtime_data.coordinator.connection.async_stop()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: BambuConfigEntry) -> None:
    """A removed assistant leaves no repair about its key behind."""
    if is_assistant(entry):
        ir.async_delete_issue(hass, DOMAIN, ISSUE_API_KEY_REJECTED)
