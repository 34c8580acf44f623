"""Base entity: device wiring, availability, and the write-only-on-change rule.

Printers push a message every second or two, and most messages change one or two values
(nozzle temperature, wifi signal). Each entity renders what it would publish and writes to Home
Assistant only when that differs from what it published last, so an idle printer costs a handful
of state writes per minute instead of one per entity per message.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .ams_naming import KIND_NAMES, ams_label
from .const import DOMAIN
from .coordinator import PrinterCoordinator
from .core.printer.capabilities import Capability
from .core.printer.models import spec_for
from .core.printer.state import AmsUnit, PrinterState


@dataclass(frozen=True, kw_only=True)
class BambuEntityDescription(EntityDescription):
    """What every description can say about when its entity exists and is available."""

    exists_fn: Callable[[PrinterCoordinator], bool] = lambda _: True
    available_fn: Callable[[PrinterState], bool] = lambda _: True
    requires: Capability | None = None
    depends_on: frozenset[str] | None = None
    """PrinterState fields the entity reads; updates touching none of them skip it entirely."""


# Groups of PrinterState fields, for ``depends_on``.
JOB = frozenset({"job"})
TEMPERATURES = frozenset({"temperatures"})
FANS = frozenset({"fans"})
AMS = frozenset({"ams"})


def supported(coordinator: PrinterCoordinator, description: BambuEntityDescription) -> bool:
    """Create an entity only when the connection method and firmware allow its feature."""
    required = description.requires
    if required is not None and required not in coordinator.capabilities:
        return False
    return description.exists_fn(coordinator)


def printer_device_info(coordinator: PrinterCoordinator) -> DeviceInfo:
    """The printer itself; AMS units hang below it."""
    state = coordinator.data
    model = coordinator.model
    return DeviceInfo(
        identifiers={(DOMAIN, coordinator.serial)},
        manufacturer="Bambu Lab",
        model=spec_for(model).display_name if model is not None else None,
        model_id=model.value if model is not None else None,
        name=coordinator.config_entry.title,
        serial_number=coordinator.serial,
        sw_version=state.firmware_version if state is not None else None,
    )


def ams_device_info(coordinator: PrinterCoordinator, unit: AmsUnit) -> DeviceInfo:
    """One device per AMS unit, so trays and humidity group the way the hardware does."""
    return DeviceInfo(
        identifiers={(DOMAIN, f"{coordinator.serial}_ams_{unit.id}")},
        manufacturer="Bambu Lab",
        model=KIND_NAMES[unit.kind],
        name=f"{coordinator.config_entry.title} {ams_label(unit)}",
        serial_number=unit.serial or None,
        sw_version=unit.firmware_version or None,
        via_device=(DOMAIN, coordinator.serial),
    )


class BambuEntity(CoordinatorEntity[PrinterCoordinator]):
    """Common behaviour; subclasses say what they render."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: PrinterCoordinator,
        description: BambuEntityDescription,
        *,
        device_info: DeviceInfo | None = None,
        unique_suffix: str | None = None,
    ) -> None:
        """Bind the description; unique ids are serial-based so they survive IP changes."""
        super().__init__(coordinator)
        self.entity_description = description
        self._bambu_description = description
        suffix = unique_suffix or description.key
        self._attr_unique_id = f"{coordinator.serial}_{suffix}"
        self._attr_device_info = device_info or printer_device_info(coordinator)
        self._last_rendered: Hashable | None = None

    @property
    def state_data(self) -> PrinterState:
        """The latest immutable printer snapshot."""
        return self.coordinator.data

    @property
    def available(self) -> bool:
        """Unavailable while the printer is unreachable, or when the value does not apply."""
        return (
            super().available
            and self.coordinator.data is not None
            and self._bambu_description.available_fn(self.coordinator.data)
        )

    def render(self) -> Hashable:
        """What this entity would publish now; equal renders mean no state write."""
        raise NotImplementedError

    def _render_with_availability(self) -> Hashable:
        available = self.available
        return (available, self.render() if available else None)

    async def async_added_to_hass(self) -> None:
        """Remember the first published render so the next update compares against it."""
        await super().async_added_to_hass()
        self._last_rendered = self._render_with_availability()

    @callback
    def _handle_coordinator_update(self) -> None:
        depends_on = self._bambu_description.depends_on
        changed = self.coordinator.last_changed_fields
        if depends_on is not None and changed is not None and depends_on.isdisjoint(changed):
            return
        self.async_write_if_changed()

    @callback
    def async_write_if_changed(self) -> None:
        """Write the state only when what the entity would publish differs from the last write."""
        rendered = self._render_with_availability()
        if rendered == self._last_rendered:
            return
        self._last_rendered = rendered
        self.coordinator.write_stats.count_write(self._bambu_description.key)
        self.async_write_ha_state()


def freeze_attributes(attributes: dict[str, Any] | None) -> Hashable:
    """A hashable, order-independent view of state attributes for change detection."""
    if not attributes:
        return None
    return tuple(sorted((key, _freeze(value)) for key, value in attributes.items()))


def _freeze(value: Any) -> Hashable:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value  # type: ignore[no-any-return]
