"""The chamber light: works on secured printers too (lights are not signed commands)."""

from __future__ import annotations

from typing import Any

from homeassistant.components.light import LightEntity
from homeassistant.components.light.const import ColorMode
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BambuConfigEntry, PrinterCoordinator
from .core.printer import commands
from .core.printer.capabilities import Capability
from .entity import BambuEntity, BambuEntityDescription, supported

PARALLEL_UPDATES = 1

CHAMBER_LIGHT = BambuEntityDescription(
    key="chamber_light",
    translation_key="chamber_light",
    requires=Capability.LIGHT,
    depends_on=frozenset({"lights"}),
    exists_fn=lambda c: c.data.chamber_light is not None,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the chamber light when the printer reports one and the method allows it."""
    coordinator = entry.runtime_data.coordinator
    if supported(coordinator, CHAMBER_LIGHT):
        async_add_entities([ChamberLight(coordinator, CHAMBER_LIGHT)])


class ChamberLight(BambuEntity, LightEntity):
    """On/off; H2 printers have two chamber lights, switched together."""

    _attr_color_mode = ColorMode.ONOFF
    _attr_supported_color_modes = {ColorMode.ONOFF}

    def __init__(
        self, coordinator: PrinterCoordinator, description: BambuEntityDescription
    ) -> None:
        """One per printer."""
        super().__init__(coordinator, description)

    @property
    def is_on(self) -> bool | None:
        """As the printer last reported it."""
        return self.coordinator.data.chamber_light_on

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch the light on and wait for the printer to confirm."""
        await self._async_switch(on=True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch the light off and wait for the printer to confirm."""
        await self._async_switch(on=False)

    async def _async_switch(self, *, on: bool) -> None:
        model = self.coordinator.model
        await self.coordinator.async_send_command(
            lambda sequence_id: commands.chamber_light(on, model, sequence_id)
        )

    def render(self) -> object:
        """Only on/off is published."""
        return self.is_on
