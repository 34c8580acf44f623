"""BambuPrint IQ: Bambu Lab printers in Home Assistant."""

from __future__ import annotations

from homeassistant.const import EVENT_HOMEASSISTANT_STOP, Platform
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import BambuConfigEntry, BambuRuntimeData, PrinterCoordinator

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.LIGHT,
    Platform.SELECT,
    Platform.SENSOR,
]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Nothing global yet; entries do the work."""
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BambuConfigEntry) -> bool:
    """Connect to the printer, wait for its first status, then create entities."""
    coordinator = PrinterCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = BambuRuntimeData(coordinator=coordinator)

    async def _async_stop(_event: Event) -> None:
        await coordinator.connection.async_stop()

    entry.async_on_unload(hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop))
    entry.async_on_unload(entry.add_update_listener(_async_reload_on_options))
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_reload_on_options(hass: HomeAssistant, entry: BambuConfigEntry) -> None:
    await hass.config_entries.async_reload(entry.entry_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: BambuConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the user delete an AMS unit that is no longer attached; never the printer itself."""
    coordinator = entry.runtime_data.coordinator
    current = {
        (DOMAIN, f"{coordinator.serial}_ams_{unit.id}") for unit in coordinator.data.ams
    } | {(DOMAIN, coordinator.serial)}
    return not device.identifiers & current


async def async_unload_entry(hass: HomeAssistant, entry: BambuConfigEntry) -> bool:
    """Drop entities and close the printer connection."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.coordinator.connection.async_stop()
    return unloaded
