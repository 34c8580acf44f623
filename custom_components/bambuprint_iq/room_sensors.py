"""Suggest the room sensors to record with each print: those in the printer's area."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_DEVICE_CLASS
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er

from .const import CONF_SERIAL, DOMAIN

ROOM_DEVICE_CLASSES = frozenset({"temperature", "humidity"})


def suggested_room_sensors(hass: HomeAssistant, entry: ConfigEntry) -> list[str]:
    """Temperature and humidity sensors of other integrations in the printer's area."""
    devices = dr.async_get(hass)
    printer_id = (DOMAIN, entry.data[CONF_SERIAL])
    device = next(
        (
            device
            for device in dr.async_entries_for_config_entry(devices, entry.entry_id)
            if printer_id in device.identifiers
        ),
        None,
    )
    if device is None or device.area_id is None:
        return []
    suggestions: list[str] = []
    for entity in er.async_get(hass).entities.values():
        if entity.domain != "sensor" or entity.config_entry_id == entry.entry_id:
            continue
        area = entity.area_id
        if area is None and entity.device_id is not None:
            owner = devices.async_get(entity.device_id)
            area = owner.area_id if owner is not None else None
        if area != device.area_id:
            continue
        state = hass.states.get(entity.entity_id)
        device_class = entity.device_class or entity.original_device_class
        if device_class is None and state is not None:
            device_class = state.attributes.get(ATTR_DEVICE_CLASS)
        if device_class in ROOM_DEVICE_CLASSES:
            suggestions.append(entity.entity_id)
    return sorted(suggestions)
