"""Entities fed by the print history: statistics sensors and alert binary sensors.

They follow the recorder (not the MQTT stream), so they stay available while the printer is
off: the history is still true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfMass
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.typing import StateType

from .core.history import DryingUrgency, Outcome
from .core.history.alerts import AlertKind
from .entity import ams_device_info, printer_device_info
from .history_recorder import HistorySummary, PrinterHistoryRecorder


@dataclass(frozen=True, kw_only=True)
class HistorySensorDescription(SensorEntityDescription):
    """A statistic of one printer's recorded prints."""

    value_fn: Callable[[HistorySummary], StateType] = lambda _: None
    attributes_fn: Callable[[PrinterHistoryRecorder], dict[str, Any] | None] = lambda _: None
    recorder_value_fn: Callable[[PrinterHistoryRecorder], StateType] | None = None
    """For values that are not part of the summary (e.g. the last analysis)."""


HISTORY_SENSORS: tuple[HistorySensorDescription, ...] = (
    HistorySensorDescription(
        key="success_rate",
        translation_key="success_rate",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
        value_fn=lambda s: s.success_rate,
        attributes_fn=lambda recorder: recorder.as_attributes(),
    ),
    HistorySensorDescription(
        key="prints_total",
        translation_key="prints_total",
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda s: s.total,
    ),
    HistorySensorDescription(
        key="prints_today",
        translation_key="prints_today",
        state_class=SensorStateClass.TOTAL,
        value_fn=lambda s: s.today,
    ),
    HistorySensorDescription(
        key="filament_used",
        translation_key="filament_used",
        device_class=SensorDeviceClass.WEIGHT,
        native_unit_of_measurement=UnitOfMass.GRAMS,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=lambda s: s.filament_grams,
    ),
    HistorySensorDescription(
        key="last_outcome",
        translation_key="last_outcome",
        device_class=SensorDeviceClass.ENUM,
        options=[outcome.value for outcome in Outcome],
        value_fn=lambda s: s.last_outcome.value if s.last_outcome else None,
        attributes_fn=lambda r: {"record_id": r.summary.last_record_id} if r.summary else None,
    ),
    HistorySensorDescription(
        key="last_analysis_score",
        translation_key="last_analysis_score",
        state_class=SensorStateClass.MEASUREMENT,
        recorder_value_fn=lambda r: r.last_analysis["score"] if r.last_analysis else None,
        attributes_fn=lambda r: r.last_analysis,
    ),
)


@dataclass(frozen=True, kw_only=True)
class AlertBinarySensorDescription(BinarySensorEntityDescription):
    """On while the alert of this kind is active for any subject (heater, unit ...)."""

    kind: AlertKind


ALERT_BINARY_SENSORS: tuple[AlertBinarySensorDescription, ...] = (
    AlertBinarySensorDescription(
        key="temperature_deviation",
        translation_key="temperature_deviation",
        device_class=BinarySensorDeviceClass.PROBLEM,
        kind=AlertKind.TEMPERATURE_DEVIATION,
    ),
    AlertBinarySensorDescription(
        key="print_stalled",
        translation_key="print_stalled",
        device_class=BinarySensorDeviceClass.PROBLEM,
        kind=AlertKind.PRINT_STALLED,
    ),
    AlertBinarySensorDescription(
        key="filament_runout",
        translation_key="filament_runout",
        device_class=BinarySensorDeviceClass.PROBLEM,
        kind=AlertKind.FILAMENT_RUNOUT,
    ),
)


class _HistoryEntity(Entity):
    """Bound to the printer device; refreshed by the recorder."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, recorder: PrinterHistoryRecorder, key: str) -> None:
        self.recorder = recorder
        coordinator = recorder.coordinator
        self._attr_unique_id = f"{coordinator.serial}_{key}"
        self._attr_device_info = printer_device_info(coordinator)

    async def async_added_to_hass(self) -> None:
        """Follow the recorder until removed."""
        self.async_on_remove(self.recorder.async_add_listener(self.async_write_ha_state))


class HistorySensor(_HistoryEntity, SensorEntity):
    """A statistic; unknown until the first print is recorded."""

    entity_description: HistorySensorDescription

    def __init__(
        self, recorder: PrinterHistoryRecorder, description: HistorySensorDescription
    ) -> None:
        """One statistic of one printer."""
        super().__init__(recorder, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> StateType:
        """Read from the latest summary."""
        if self.entity_description.recorder_value_fn is not None:
            return self.entity_description.recorder_value_fn(self.recorder)
        summary = self.recorder.summary
        return None if summary is None else self.entity_description.value_fn(summary)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Sample sizes and intervals where they apply."""
        return self.entity_description.attributes_fn(self.recorder)


class AlertBinarySensor(_HistoryEntity, BinarySensorEntity):
    """One alert kind; attributes say which subjects and why."""

    entity_description: AlertBinarySensorDescription

    def __init__(
        self, recorder: PrinterHistoryRecorder, description: AlertBinarySensorDescription
    ) -> None:
        """One alert kind of one printer."""
        super().__init__(recorder, description.key)
        self.entity_description = description

    @property
    def is_on(self) -> bool:
        """Active for at least one subject."""
        return bool(self.recorder.alerts.get(self.entity_description.kind))

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The active alerts' subjects and messages."""
        active = self.recorder.alerts.get(self.entity_description.kind)
        if not active:
            return None
        return {"alerts": [{"subject": a.subject, "message": a.message} for a in active]}


class DryingAdviceSensor(_HistoryEntity, SensorEntity):
    """Per AMS unit: the most urgent drying advice among its loaded spools."""

    _attr_device_class = SensorDeviceClass.ENUM
    _attr_options = [urgency.value for urgency in DryingUrgency]
    _attr_translation_key = "drying_advice"

    def __init__(self, recorder: PrinterHistoryRecorder, ams_id: int) -> None:
        """Bound to one AMS unit."""
        super().__init__(recorder, f"ams_{ams_id}_drying_advice")
        coordinator = recorder.coordinator
        unit = coordinator.data.ams_unit(ams_id)
        assert unit is not None
        self._attr_device_info = ams_device_info(coordinator, unit)
        self._ams_id = ams_id

    @property
    def native_value(self) -> str | None:
        """due, soon, none or unknown (no drying data for the material)."""
        drying = self.recorder.drying
        return None if drying is None else drying.unit_urgency(self._ams_id)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Advice per loaded slot: humid hours, budget, drying temperature and time, reason."""
        drying = self.recorder.drying
        advice = drying.advice.get(self._ams_id) if drying is not None else None
        return {"trays": [a.as_dict() for a in advice]} if advice else None
