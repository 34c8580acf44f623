"""The newest picture saved for a printer (snapshot or timelapse frame) as an image entity.

An image entity rather than a media source: dashboards show it in a picture card without
custom cards, its state (the time of the picture) can trigger automations, and it costs
nothing while the camera is off. The attributes name the files, so an automation can send
the snapshot or the last timelapse video on. Browsing every stored video is what a media
source would add on top.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.image import ImageEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .camera_manager import CameraManager, async_get_camera_manager
from .coordinator import BambuConfigEntry
from .entity import printer_device_info

PARALLEL_UPDATES = 0  # the image is served from memory on request


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One image per printer that has a camera this integration can reach."""
    manager = async_get_camera_manager(hass, entry)
    if manager is not None:
        async_add_entities([LastCameraPicture(hass, manager)])


class LastCameraPicture(ImageEntity):
    """Stays available while the printer is off: it shows what was saved, not the camera."""

    _attr_has_entity_name = True
    _attr_translation_key = "last_picture"
    _attr_content_type = "image/jpeg"

    def __init__(self, hass: HomeAssistant, manager: CameraManager) -> None:
        """One per printer."""
        super().__init__(hass)
        self._manager = manager
        coordinator = manager.coordinator
        self._attr_unique_id = f"{coordinator.serial}_last_picture"
        self._attr_device_info = printer_device_info(coordinator)
        self._shown: tuple[object, ...] | None = None
        self._update_from_manager()

    async def async_added_to_hass(self) -> None:
        """Follow new snapshots, timelapse frames and finished timelapses."""
        await super().async_added_to_hass()
        self.async_on_remove(self._manager.async_add_listener(self._handle_manager_update))

    @callback
    def _handle_manager_update(self) -> None:
        if self._update_from_manager():
            self.async_write_ha_state()

    def _update_from_manager(self) -> bool:
        """Take over the manager's picture and timelapse; True if anything shown changed."""
        picture = self._manager.last_picture
        timelapse = self._manager.last_timelapse
        shown = (
            picture.captured_at if picture else None,
            picture.path if picture else None,
            timelapse,
        )
        if shown == self._shown:
            return False
        self._shown = shown
        self._attr_image_last_updated = picture.captured_at if picture else None
        attributes: dict[str, Any] = {
            "source": picture.source.value if picture else None,
            "file": str(picture.path) if picture and picture.path else None,
        }
        if timelapse is not None:
            attributes |= {
                "timelapse_file": str(timelapse.path),
                "timelapse_format": timelapse.format.value,
                "timelapse_frames": timelapse.frames,
                "timelapse_print": timelapse.print_name,
            }
        self._attr_extra_state_attributes = attributes
        return True

    async def async_image(self) -> bytes | None:
        """The JPEG kept in memory; None until the first snapshot or timelapse frame."""
        picture = self._manager.last_picture
        return picture.jpeg if picture is not None else None
