"""Buttons: pause, resume and stop, offered only where the printer accepts them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BambuConfigEntry
from .core.printer import commands
from .core.printer.capabilities import Capability
from .core.printer.commands import Command
from .core.printer.enums import GcodeState
from .entity import JOB, BambuEntity, BambuEntityDescription, supported

PARALLEL_UPDATES = 1  # one command at a time per printer


@dataclass(frozen=True, kw_only=True)
class PrinterButtonDescription(BambuEntityDescription, ButtonEntityDescription):
    """A command and the job states in which it makes sense."""

    command_fn: Callable[[str], Command]


BUTTONS: tuple[PrinterButtonDescription, ...] = (
    PrinterButtonDescription(
        key="pause",
        translation_key="pause",
        requires=Capability.CONTROL,
        depends_on=JOB,
        available_fn=lambda s: s.gcode_state in (GcodeState.PREPARE, GcodeState.RUNNING),
        command_fn=commands.pause,
    ),
    PrinterButtonDescription(
        key="resume",
        translation_key="resume",
        requires=Capability.CONTROL,
        depends_on=JOB,
        available_fn=lambda s: s.gcode_state is GcodeState.PAUSE,
        command_fn=commands.resume,
    ),
    PrinterButtonDescription(
        key="stop",
        translation_key="stop",
        requires=Capability.CONTROL,
        depends_on=JOB,
        available_fn=lambda s: s.is_printing,
        command_fn=commands.stop,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons this printer supports."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(
        PrinterButton(coordinator, description)
        for description in BUTTONS
        if supported(coordinator, description)
    )


class PrinterButton(BambuEntity, ButtonEntity):
    """Sends one print command."""

    entity_description: PrinterButtonDescription

    async def async_press(self) -> None:
        """Send the command; the printer's refusal surfaces as a translated error."""
        await self.coordinator.async_send_command(self.entity_description.command_fn)

    def render(self) -> object:
        """Buttons publish no value; only availability changes matter."""
        return None
