"""Print speed profile as a select, where the printer accepts speed commands."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BambuConfigEntry, PrinterCoordinator
from .core.printer import commands
from .core.printer.capabilities import Capability
from .core.printer.enums import SpeedLevel
from .entity import JOB, BambuEntity, BambuEntityDescription, supported

PARALLEL_UPDATES = 1

SPEED_PROFILE = BambuEntityDescription(
    key="speed_profile_select",
    translation_key="speed_profile",
    requires=Capability.SPEED,
    depends_on=JOB,
    available_fn=lambda s: s.is_printing,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the speed select when the printer accepts speed commands."""
    coordinator = entry.runtime_data.coordinator
    if supported(coordinator, SPEED_PROFILE):
        async_add_entities([SpeedProfileSelect(coordinator, SPEED_PROFILE)])


class SpeedProfileSelect(BambuEntity, SelectEntity):
    """Silent, standard, sport or ludicrous; only meaningful during a print."""

    _attr_options = [level.name.lower() for level in SpeedLevel]

    def __init__(
        self, coordinator: PrinterCoordinator, description: BambuEntityDescription
    ) -> None:
        """One per printer."""
        super().__init__(coordinator, description)

    @property
    def current_option(self) -> str | None:
        """The profile the printer reports."""
        level = self.coordinator.data.speed_level
        return level.name.lower() if level is not None else None

    async def async_select_option(self, option: str) -> None:
        """Ask the printer to change speed and wait for its confirmation."""
        level = SpeedLevel[option.upper()]
        await self.coordinator.async_send_command(
            lambda sequence_id: commands.print_speed(level, sequence_id)
        )

    def render(self) -> object:
        """Only the option is published."""
        return self.current_option
