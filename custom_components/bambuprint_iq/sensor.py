"""Sensors: printer telemetry, AMS units and their trays, all described as data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .coordinator import BambuConfigEntry, PrinterCoordinator
from .core.printer.capabilities import Summary
from .core.printer.enums import GcodeState, SpeedLevel
from .core.printer.models import spec_for
from .core.printer.stages import IDLE_STAGE_KEY, STAGE_KEYS, UNKNOWN_STAGE_KEY
from .core.printer.state import PrinterState
from .dynamic_devices import async_track_ams_units
from .entity import (
    FANS,
    JOB,
    TEMPERATURES,
    BambuEntity,
    BambuEntityDescription,
    freeze_attributes,
)
from .history_entity import HISTORY_SENSORS, DryingAdviceSensor, HistorySensor
from .profile_sensor import RecommendedProfileSensor
from .sensor_ams import AMS_SENSORS, TRAY_SENSORS, AmsSensor, TraySensor

PARALLEL_UPDATES = 0  # push-fed; nothing to poll

_ACTIVE = {GcodeState.PREPARE, GcodeState.RUNNING, GcodeState.PAUSE}


@dataclass(frozen=True, kw_only=True)
class PrinterSensorDescription(BambuEntityDescription, SensorEntityDescription):
    """A printer-level sensor: how to read its value (and attributes) from a snapshot."""

    value_fn: Callable[[PrinterState], StateType | datetime]
    attributes_fn: Callable[[PrinterState], dict[str, Any] | None] = lambda _: None
    stable_within: timedelta | None = None
    """Ignore timestamp changes smaller than this (estimates drift by seconds every message)."""


def _end_time(state: PrinterState) -> datetime | None:
    if state.gcode_state not in _ACTIVE or state.remaining_minutes is None:
        return None
    now = dt_util.utcnow().replace(second=0, microsecond=0)
    return now + timedelta(minutes=state.remaining_minutes)


def _current_file(state: PrinterState) -> str | None:
    return state.subtask_name or state.gcode_file or None


def _hms_attributes(state: PrinterState) -> dict[str, Any] | None:
    if not state.hms:
        return None
    return {
        "errors": [
            {
                "code": error.code_str,
                "severity": error.severity.value,
                "module": error.module.value,
                "message": error.message,
                "url": error.wiki_url,
            }
            for error in state.hms
        ]
    }


def _speed_profile(state: PrinterState) -> str | None:
    level = state.speed_level
    return level.name.lower() if level is not None else None


def _has_value(read: Callable[[PrinterState], object]) -> Callable[[PrinterCoordinator], bool]:
    """Create the entity only when the printer reports the value at all."""
    return lambda coordinator: read(coordinator.data) is not None


def _whole_degrees(
    read: Callable[[PrinterState], float | None],
) -> Callable[[PrinterState], int | None]:
    """Printers report 1/16 °C steps that jitter on every message; their own screens show whole
    degrees, and so do we. This alone removes most state writes of an idle printer."""

    def _read(state: PrinterState) -> int | None:
        value = read(state)
        return None if value is None else round(value)

    return _read


def _temperature(
    key: str, read: Callable[[PrinterState], float | None], **kwargs: Any
) -> PrinterSensorDescription:
    return PrinterSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=_whole_degrees(read),
        depends_on=TEMPERATURES,
        **kwargs,
    )


def _fan(
    key: str, read: Callable[[PrinterState], int | None], **kwargs: Any
) -> PrinterSensorDescription:
    return PrinterSensorDescription(
        key=key,
        translation_key=key,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=read,
        exists_fn=_has_value(read),
        depends_on=FANS,
        **kwargs,
    )


PRINTER_SENSORS: tuple[PrinterSensorDescription, ...] = (
    PrinterSensorDescription(
        key="print_status",
        depends_on=JOB,
        translation_key="print_status",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in GcodeState],
        value_fn=lambda s: s.gcode_state.value,
    ),
    PrinterSensorDescription(
        key="stage",
        depends_on=JOB,
        translation_key="stage",
        device_class=SensorDeviceClass.ENUM,
        options=[IDLE_STAGE_KEY, UNKNOWN_STAGE_KEY, *STAGE_KEYS.values()],
        value_fn=lambda s: s.stage_key,
    ),
    PrinterSensorDescription(
        key="progress",
        depends_on=JOB,
        translation_key="progress",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.progress,
    ),
    PrinterSensorDescription(
        key="current_layer",
        depends_on=JOB,
        translation_key="current_layer",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: s.layer,
    ),
    PrinterSensorDescription(
        key="total_layers",
        depends_on=JOB,
        translation_key="total_layers",
        value_fn=lambda s: s.total_layers,
    ),
    PrinterSensorDescription(
        key="remaining_time",
        depends_on=JOB,
        translation_key="remaining_time",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_unit_of_measurement=UnitOfTime.HOURS,
        suggested_display_precision=1,
        value_fn=lambda s: s.remaining_minutes,
    ),
    PrinterSensorDescription(
        key="end_time",
        depends_on=JOB,
        translation_key="end_time",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_end_time,
        stable_within=timedelta(minutes=2),
    ),
    PrinterSensorDescription(
        key="current_file",
        depends_on=JOB,
        translation_key="current_file",
        value_fn=_current_file,
    ),
    _temperature("nozzle_temperature", lambda s: s.nozzle_temp),
    _temperature("nozzle_target_temperature", lambda s: s.nozzle_target_temp),
    _temperature("bed_temperature", lambda s: s.bed_temp),
    _temperature("bed_target_temperature", lambda s: s.bed_target_temp),
    _temperature(
        "chamber_temperature",
        lambda s: s.chamber_temp,
        exists_fn=lambda c: c.model is not None and spec_for(c.model).has_chamber_temperature,
    ),
    _fan("part_fan_speed", lambda s: s.part_fan),
    _fan("aux_fan_speed", lambda s: s.aux_fan),
    _fan("chamber_fan_speed", lambda s: s.chamber_fan),
    _fan(
        "heatbreak_fan_speed",
        lambda s: s.heatbreak_fan,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
    PrinterSensorDescription(
        key="speed_profile",
        depends_on=JOB,
        translation_key="speed_profile",
        device_class=SensorDeviceClass.ENUM,
        options=[level.name.lower() for level in SpeedLevel],
        value_fn=_speed_profile,
    ),
    PrinterSensorDescription(
        key="hms_errors",
        depends_on=frozenset({"hms"}),
        translation_key="hms_errors",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda s: len(s.hms),
        attributes_fn=_hms_attributes,
    ),
    PrinterSensorDescription(
        key="wifi_signal",
        depends_on=frozenset({"network"}),
        translation_key="wifi_signal",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,  # changes every second; opt in if wanted
        value_fn=lambda s: s.wifi_signal_dbm,
    ),
    PrinterSensorDescription(
        key="firmware",
        depends_on=frozenset({"version"}),
        translation_key="firmware",
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.firmware_version,
    ),
    PrinterSensorDescription(
        key="nozzle_diameter",
        depends_on=frozenset({"hardware"}),
        translation_key="nozzle_diameter",
        native_unit_of_measurement="mm",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.nozzle_diameter,
    ),
)


@dataclass(frozen=True, kw_only=True)
class ConnectionSensorDescription(BambuEntityDescription, SensorEntityDescription):
    """A sensor about the link itself (method, capabilities) rather than the printer state."""

    value_fn: Callable[[PrinterCoordinator], StateType]
    attributes_fn: Callable[[PrinterCoordinator], dict[str, Any] | None] = lambda _: None


def _capability_attributes(coordinator: PrinterCoordinator) -> dict[str, Any]:
    capabilities = coordinator.capabilities
    return {
        "method": coordinator.method.value,
        "available": sorted(str(c) for c in capabilities.available),
        "missing": {str(c): str(reason) for c, reason in sorted(capabilities.missing.items())},
    }


CONNECTION_SENSORS: tuple[ConnectionSensorDescription, ...] = (
    ConnectionSensorDescription(
        key="connection_capabilities",
        depends_on=frozenset({"signed_commands_required", "version", "ams", "has_status"}),
        translation_key="connection_capabilities",
        device_class=SensorDeviceClass.ENUM,
        options=[summary.value for summary in Summary],
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda c: c.capabilities.summary.value,
        attributes_fn=_capability_attributes,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Create printer sensors now and AMS/tray sensors whenever a unit appears."""
    coordinator = entry.runtime_data.coordinator
    entities: list[SensorEntity] = [
        PrinterSensor(coordinator, description)
        for description in PRINTER_SENSORS
        if description.exists_fn(coordinator)
    ]
    entities.extend(
        ConnectionSensor(coordinator, description)
        for description in CONNECTION_SENSORS
        if description.exists_fn(coordinator)
    )
    recorder = entry.runtime_data.recorder
    entities.extend(HistorySensor(recorder, description) for description in HISTORY_SENSORS)
    entities.append(RecommendedProfileSensor(coordinator))
    async_add_entities(entities)

    def _add_unit_entities(ams_id: int) -> None:
        unit_entities: list[SensorEntity] = [
            AmsSensor(coordinator, description, ams_id)
            for description in AMS_SENSORS
            if description.exists_fn(coordinator, ams_id)
        ]
        unit = coordinator.data.ams_unit(ams_id)
        slots = [tray.slot for tray in unit.trays] if unit is not None else []
        unit_entities.extend(
            TraySensor(coordinator, description, ams_id, slot)
            for slot in slots
            for description in TRAY_SENSORS
        )
        unit_entities.append(DryingAdviceSensor(entry.runtime_data.recorder, ams_id))
        async_add_entities(unit_entities)

    async_track_ams_units(entry, coordinator, _add_unit_entities)


class PrinterSensor(BambuEntity, SensorEntity):
    """A printer-level value."""

    entity_description: PrinterSensorDescription

    def __init__(
        self, coordinator: PrinterCoordinator, description: PrinterSensorDescription
    ) -> None:
        """Keep the last timestamp so small estimate drifts do not cause writes."""
        super().__init__(coordinator, description)
        self._stable_value: StateType | datetime = None

    @property
    def native_value(self) -> StateType | datetime:
        """Read the value; timestamps only move when they moved by more than the tolerance."""
        value = self.entity_description.value_fn(self.coordinator.data)
        tolerance = self.entity_description.stable_within
        previous = self._stable_value
        if (
            tolerance is not None
            and isinstance(value, datetime)
            and isinstance(previous, datetime)
            and abs(value - previous) < tolerance
        ):
            return previous
        self._stable_value = value
        return value

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Details that belong with the value (e.g. the list of HMS errors)."""
        return self.entity_description.attributes_fn(self.coordinator.data)

    def render(self) -> object:
        """Value plus attributes: the two things a state write would publish."""
        return (self.native_value, freeze_attributes(self.extra_state_attributes))


class ConnectionSensor(BambuEntity, SensorEntity):
    """Says which features the chosen method offers, and for each missing one, why."""

    entity_description: ConnectionSensorDescription

    @property
    def native_value(self) -> StateType:
        """A summary; the attributes carry the details."""
        return self.entity_description.value_fn(self.coordinator)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Available features and the reason for each missing one."""
        return self.entity_description.attributes_fn(self.coordinator)

    def render(self) -> object:
        """Value plus attributes."""
        return (self.native_value, freeze_attributes(self.extra_state_attributes))
