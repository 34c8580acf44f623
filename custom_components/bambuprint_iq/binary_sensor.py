"""Binary sensors: connection, printing, errors, door, AMS humidity alarms, failure watch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BambuConfigEntry, PrinterCoordinator
from .core.printer.enums import HmsSeverity
from .core.printer.filament import AmsUnit
from .core.printer.models import has_door_sensor
from .core.printer.state import PrinterState
from .dynamic_devices import async_track_ams_units
from .entity import (
    AMS,
    JOB,
    BambuEntity,
    BambuEntityDescription,
    ams_device_info,
    freeze_attributes,
)
from .failure_watch_report import WatchReport, WatchStatus
from .failure_watch_runner import FailureWatchRunner
from .history_entity import ALERT_BINARY_SENSORS, AlertBinarySensor

PARALLEL_UPDATES = 0

_SERIOUS = {HmsSeverity.FATAL, HmsSeverity.SERIOUS}
HUMID_LEVELS = {1, 2}  # letters E and D: Bambu advises drying the filament


@dataclass(frozen=True, kw_only=True)
class PrinterBinarySensorDescription(BambuEntityDescription, BinarySensorEntityDescription):
    """A yes/no fact about the printer."""

    value_fn: Callable[[PrinterState], bool | None]
    attributes_fn: Callable[[PrinterState], dict[str, Any] | None] = lambda _: None


def _has_error(state: PrinterState) -> bool:
    return bool(state.print_error) or any(error.severity in _SERIOUS for error in state.hms)


def _error_attributes(state: PrinterState) -> dict[str, Any] | None:
    if not _has_error(state):
        return None
    return {
        "print_error": state.print_error_code,
        "print_error_message": state.job.print_error_message,
        "hms": [error.code_str for error in state.hms if error.severity in _SERIOUS],
    }


def _door_exists(coordinator: PrinterCoordinator) -> bool:
    state = coordinator.data
    return has_door_sensor(coordinator.model, state.firmware_version) and (
        state.door_open is not None
    )


PRINTER_BINARY_SENSORS: tuple[PrinterBinarySensorDescription, ...] = (
    PrinterBinarySensorDescription(
        key="printing",
        translation_key="printing",
        depends_on=JOB,
        device_class=BinarySensorDeviceClass.RUNNING,
        value_fn=lambda s: s.is_printing,
    ),
    PrinterBinarySensorDescription(
        key="error",
        translation_key="error",
        depends_on=frozenset({"job", "hms"}),
        device_class=BinarySensorDeviceClass.PROBLEM,
        value_fn=_has_error,
        attributes_fn=_error_attributes,
    ),
    PrinterBinarySensorDescription(
        key="door",
        translation_key="door",
        depends_on=frozenset({"hardware"}),
        device_class=BinarySensorDeviceClass.DOOR,
        value_fn=lambda s: s.door_open,
        exists_fn=_door_exists,
    ),
)


@dataclass(frozen=True, kw_only=True)
class WatchBinarySensorDescription(BambuEntityDescription, BinarySensorEntityDescription):
    """A yes/no fact published by the in-print failure watch."""

    value_fn: Callable[[WatchReport], bool]
    attributes_fn: Callable[[WatchReport], dict[str, Any]]
    report_available_fn: Callable[[WatchReport], bool]


FAILURE_SUSPECTED = WatchBinarySensorDescription(
    key="failure_suspected",
    translation_key="failure_suspected",
    device_class=BinarySensorDeviceClass.PROBLEM,
    depends_on=frozenset(),  # reads the watch, not the printer: only availability matters
    value_fn=lambda report: report.failure_suspected,
    attributes_fn=WatchReport.attributes,
    report_available_fn=lambda report: report.status is not WatchStatus.DISABLED,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Printer binary sensors now; the humidity alarm for each AMS unit as it appears."""
    coordinator = entry.runtime_data.coordinator
    entities: list[BinarySensorEntity] = [
        PrinterBinarySensor(coordinator, description)
        for description in PRINTER_BINARY_SENSORS
        if description.exists_fn(coordinator)
    ]
    entities.append(OnlineBinarySensor(coordinator))
    recorder = entry.runtime_data.recorder
    entities.extend(AlertBinarySensor(recorder, d) for d in ALERT_BINARY_SENSORS)
    if (watch := entry.runtime_data.failure_watch) is not None:
        entities.append(FailureWatchBinarySensor(coordinator, watch, FAILURE_SUSPECTED))
    async_add_entities(entities)
    async_track_ams_units(
        entry,
        coordinator,
        lambda ams_id: async_add_entities([AmsHumidityHighBinarySensor(coordinator, ams_id)]),
    )


class PrinterBinarySensor(BambuEntity, BinarySensorEntity):
    """A printer-level yes/no value."""

    entity_description: PrinterBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """Read the value from the snapshot."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details of what is on (e.g. which error)."""
        return self.entity_description.attributes_fn(self.coordinator.data)

    def render(self) -> object:
        """Value plus attributes."""
        return (self.is_on, freeze_attributes(self.extra_state_attributes))


class OnlineBinarySensor(BambuEntity, BinarySensorEntity):
    """Whether Home Assistant currently has a live connection to the printer.

    Always available: being offline is exactly what it reports.
    """

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: PrinterCoordinator) -> None:
        """One per printer."""
        super().__init__(
            coordinator, BambuEntityDescription(key="online", translation_key="online")
        )

    @property
    def available(self) -> bool:
        """Never unavailable."""
        return True

    @property
    def is_on(self) -> bool:
        """True while the MQTT link is up."""
        return self.coordinator.last_update_success

    def render(self) -> object:
        """Only the connection flag."""
        return self.is_on


class AmsHumidityHighBinarySensor(BambuEntity, BinarySensorEntity):
    """On when the unit reads D or E: time to dry the filament."""

    _attr_device_class = BinarySensorDeviceClass.MOISTURE

    def __init__(self, coordinator: PrinterCoordinator, ams_id: int) -> None:
        """Bound to one unit by id."""
        unit = coordinator.data.ams_unit(ams_id)
        assert unit is not None
        super().__init__(
            coordinator,
            BambuEntityDescription(
                key="humidity_high", translation_key="ams_humidity_high", depends_on=AMS
            ),
            device_info=ams_device_info(coordinator, unit),
            unique_suffix=f"ams_{ams_id}_humidity_high",
        )
        self._ams_id = ams_id

    @property
    def _unit(self) -> AmsUnit | None:
        return self.coordinator.data.ams_unit(self._ams_id)

    @property
    def available(self) -> bool:
        """Unavailable while offline, without the unit, or without a humidity reading."""
        unit = self._unit
        return (
            self.coordinator.last_update_success
            and unit is not None
            and unit.humidity_level is not None
        )

    @property
    def is_on(self) -> bool | None:
        """Humidity level D or E."""
        unit = self._unit
        return None if unit is None else unit.humidity_level in HUMID_LEVELS

    def render(self) -> object:
        """Only the flag."""
        return self.is_on


class FailureWatchBinarySensor(BambuEntity, BinarySensorEntity):
    """On while the failure watch suspects spaghetti or detachment in the running print.

    Unavailable while the watch is switched off in the printer's options.
    """

    entity_description: WatchBinarySensorDescription

    def __init__(
        self,
        coordinator: PrinterCoordinator,
        watch: FailureWatchRunner,
        description: WatchBinarySensorDescription,
    ) -> None:
        """Bound to the entry's watch."""
        super().__init__(coordinator, description)
        self._watch = watch

    async def async_added_to_hass(self) -> None:
        """Follow the watch's reports as well as the printer's availability."""
        await super().async_added_to_hass()
        self.async_on_remove(self._watch.async_add_listener(self.async_write_if_changed))

    @property
    def available(self) -> bool:
        """Needs the printer online and the watch switched on."""
        return super().available and self.entity_description.report_available_fn(self._watch.report)

    @property
    def is_on(self) -> bool:
        """Failure suspected (or worse) by the smoothed score."""
        return self.entity_description.value_fn(self._watch.report)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Smoothed score, frame counts, last reason and check time."""
        return self.entity_description.attributes_fn(self._watch.report)

    def render(self) -> object:
        """Value plus attributes."""
        return (self.is_on, freeze_attributes(self.extra_state_attributes))
