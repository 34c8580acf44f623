"""Per printer: the newest generated preset for its nozzle and the filament in use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from .const import SIGNAL_PROFILES_CHANGED
from .coordinator import PrinterCoordinator
from .core.printer.models import spec_for
from .core.profiles.errors import ProfileError
from .core.profiles.printers import find_preset
from .entity import BambuEntity, BambuEntityDescription
from .profile_view import download_url
from .services_library import profile_library


@dataclass(frozen=True, kw_only=True)
class ProfileSensorDescription(BambuEntityDescription, SensorEntityDescription):
    """A sensor whose value comes from the profile library."""


RECOMMENDED_PROFILE = ProfileSensorDescription(
    key="recommended_profile",
    translation_key="recommended_profile",
    depends_on=frozenset({"active_tray", "hardware", "version"}),
)


class RecommendedProfileSensor(BambuEntity, SensorEntity):
    """Name of the preset to pick in Bambu Studio; unknown until one was generated."""

    def __init__(self, coordinator: PrinterCoordinator) -> None:
        """One per printer."""
        super().__init__(coordinator, RECOMMENDED_PROFILE)
        self._preset: dict[str, Any] | None = None
        self._looked_up_for: tuple[str | None, str | None] | None = None

    async def async_added_to_hass(self) -> None:
        """Look up now, and again whenever profiles change."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, SIGNAL_PROFILES_CHANGED, self._async_refresh)
        )
        await self._async_refresh()

    def _printer_preset(self) -> str | None:
        model = self.coordinator.model
        if model is None:
            return None
        try:
            diameter = self.coordinator.data.nozzle_diameter or 0.4
            return find_preset(spec_for(model).display_name, diameter).name
        except ProfileError:
            return None

    def _filament_type(self) -> str | None:
        tray = self.coordinator.data.active_tray
        return tray.tray_type if tray is not None else None

    async def _async_refresh(self) -> None:
        # The first lookup reads the packaged printer list from disk: not in the event loop.
        printer_preset = await self.hass.async_add_executor_job(self._printer_preset)
        filament_type = self._filament_type()
        self._looked_up_for = (printer_preset, filament_type)
        found = None
        if printer_preset is not None:
            library = profile_library(self.hass)
            found = await library.async_latest_preset_for(
                printer_preset, filament_type=filament_type
            )
        if found is None:
            self._preset = None
        else:
            self._preset = {
                "name": found.name,
                "printer_preset": found.printer_preset,
                "path": str(found.path),
                "url": download_url(found.path.relative_to(profile_library(self.hass).root)),
            }
        self.async_write_if_changed()

    @callback
    def _handle_coordinator_update(self) -> None:
        if (self._printer_preset(), self._filament_type()) != self._looked_up_for:
            self.hass.async_create_task(self._async_refresh())
            return
        super()._handle_coordinator_update()

    @property
    def native_value(self) -> str | None:
        """The preset name as Bambu Studio lists it."""
        return self._preset["name"] if self._preset else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Where to download it."""
        return self._preset

    def render(self) -> object:
        """Name and file."""
        return None if self._preset is None else tuple(sorted(self._preset.items()))
