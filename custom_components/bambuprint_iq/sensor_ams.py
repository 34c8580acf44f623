"""Sensors of AMS units and their trays; each unit is its own device below the printer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfTemperature, UnitOfTime
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.typing import StateType

from .coordinator import PrinterCoordinator
from .core.printer.enums import AmsKind
from .core.printer.filament import AmsUnit, Tray
from .core.printer.state import PrinterState
from .entity import (
    AMS,
    BambuEntity,
    BambuEntityDescription,
    ams_device_info,
    freeze_attributes,
)
from .tray_specs import SIGNAL_TRAY_SPECS

HUMIDITY_LETTERS = ["A", "B", "C", "D", "E"]
_DRYER_KINDS = {AmsKind.AMS_2_PRO, AmsKind.AMS_HT}
AMS_AND_ACTIVE_TRAY = AMS | {"active_tray"}


@dataclass(frozen=True, kw_only=True)
class AmsSensorDescription(SensorEntityDescription):
    """A value of one AMS unit."""

    value_fn: Callable[[AmsUnit, PrinterState], StateType]
    exists_fn: Callable[[PrinterCoordinator, int], bool] = lambda _c, _i: True


@dataclass(frozen=True, kw_only=True)
class TraySensorDescription(SensorEntityDescription):
    """A value of one tray (slot) of an AMS unit."""

    value_fn: Callable[[Tray], StateType]
    attributes_fn: Callable[[Tray], dict[str, Any] | None] = lambda _: None


def _unit_reports(read: Callable[[AmsUnit], object]) -> Callable[[PrinterCoordinator, int], bool]:
    """Create the entity only if this unit reports the value (firmware and model vary)."""

    def _exists(coordinator: PrinterCoordinator, ams_id: int) -> bool:
        unit = coordinator.data.ams_unit(ams_id)
        return unit is not None and read(unit) is not None

    return _exists


def _unit_is_dryer(coordinator: PrinterCoordinator, ams_id: int) -> bool:
    unit = coordinator.data.ams_unit(ams_id)
    return unit is not None and unit.kind in _DRYER_KINDS


def _active_slot(unit: AmsUnit, state: PrinterState) -> int | None:
    """Slot (1-4) of this unit currently feeding the extruder, if any."""
    tray = state.active_tray
    if tray is None or tray.ams_id != unit.id:
        return None
    return tray.slot + 1


AMS_SENSORS: tuple[AmsSensorDescription, ...] = (
    AmsSensorDescription(
        key="humidity_level",
        translation_key="ams_humidity_level",
        device_class=SensorDeviceClass.ENUM,
        options=HUMIDITY_LETTERS,
        value_fn=lambda unit, _: unit.humidity_letter,
    ),
    AmsSensorDescription(
        key="humidity",
        translation_key="ams_humidity",
        device_class=SensorDeviceClass.HUMIDITY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda unit, _: unit.humidity_percent,
        exists_fn=_unit_reports(lambda unit: unit.humidity_percent),
    ),
    AmsSensorDescription(
        key="temperature",
        translation_key="ams_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda unit, _: unit.temperature,
        exists_fn=_unit_reports(lambda unit: unit.temperature),
    ),
    AmsSensorDescription(
        key="drying_remaining",
        translation_key="ams_drying_remaining",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        value_fn=lambda unit, _: unit.drying_remaining_minutes or 0,
        exists_fn=_unit_is_dryer,
    ),
    AmsSensorDescription(
        key="active_slot",
        translation_key="ams_active_slot",
        value_fn=_active_slot,
    ),
)


def _tray_attributes(tray: Tray) -> dict[str, Any] | None:
    if tray.empty:
        return None
    return {
        "name": tray.sub_brand,
        "filament_id": tray.info_idx,
        "color": tray.color,
        "nozzle_temp_min": tray.nozzle_temp_min,
        "nozzle_temp_max": tray.nozzle_temp_max,
        "k": tray.k,
        "bambu_spool": tray.is_bambu,
    }


TRAY_SENSORS: tuple[TraySensorDescription, ...] = (
    TraySensorDescription(
        key="type",
        translation_key="tray_type",
        value_fn=lambda tray: "empty" if tray.empty else (tray.tray_type or None),
        attributes_fn=_tray_attributes,
    ),
    TraySensorDescription(
        key="color",
        translation_key="tray_color",
        value_fn=lambda tray: None if tray.empty else tray.color,
    ),
    TraySensorDescription(
        key="remaining",
        translation_key="tray_remaining",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda tray: None if tray.empty else tray.remaining,
    ),
)


class _AmsEntity(BambuEntity):
    """Binds to one AMS unit by id; unavailable while the unit is not reported."""

    def __init__(
        self,
        coordinator: PrinterCoordinator,
        description: SensorEntityDescription,
        ams_id: int,
        suffix: str,
    ) -> None:
        unit = coordinator.data.ams_unit(ams_id)
        assert unit is not None
        super().__init__(
            coordinator,
            BambuEntityDescription(key=description.key, depends_on=AMS_AND_ACTIVE_TRAY),
            device_info=ams_device_info(coordinator, unit),
            unique_suffix=f"ams_{ams_id}_{suffix}",
        )
        self.entity_description = description
        self._ams_id = ams_id

    @property
    def unit(self) -> AmsUnit | None:
        """The unit in the latest snapshot."""
        return self.coordinator.data.ams_unit(self._ams_id)

    @property
    def available(self) -> bool:
        """Unavailable while the printer is offline or the unit is gone."""
        return self.coordinator.last_update_success and self.unit is not None


class AmsSensor(_AmsEntity, SensorEntity):
    """Humidity, temperature and drying state of one unit."""

    entity_description: AmsSensorDescription

    def __init__(
        self, coordinator: PrinterCoordinator, description: AmsSensorDescription, ams_id: int
    ) -> None:
        """One sensor of one unit."""
        super().__init__(coordinator, description, ams_id, description.key)

    @property
    def native_value(self) -> StateType:
        """Read the unit's value."""
        unit = self.unit
        return (
            None if unit is None else self.entity_description.value_fn(unit, self.coordinator.data)
        )

    def render(self) -> object:
        """Only the value is published."""
        return self.native_value


class TraySensor(_AmsEntity, SensorEntity):
    """Material, colour and remaining amount of one slot."""

    entity_description: TraySensorDescription

    def __init__(
        self,
        coordinator: PrinterCoordinator,
        description: TraySensorDescription,
        ams_id: int,
        slot: int,
    ) -> None:
        """One sensor of one slot; slots are numbered from 1 for people."""
        super().__init__(coordinator, description, ams_id, f"tray_{slot}_{description.key}")
        self._slot = slot
        self._attr_translation_placeholders = {"slot": str(slot + 1)}

    @property
    def tray(self) -> Tray | None:
        """The slot in the latest snapshot."""
        unit = self.unit
        if unit is None:
            return None
        return next((tray for tray in unit.trays if tray.slot == self._slot), None)

    @property
    def native_value(self) -> StateType:
        """Read the slot's value."""
        tray = self.tray
        return None if tray is None else self.entity_description.value_fn(tray)

    async def async_added_to_hass(self) -> None:
        """Also refresh when recommended settings for a third-party spool arrive."""
        await super().async_added_to_hass()
        signal = f"{SIGNAL_TRAY_SPECS}_{self.coordinator.config_entry.entry_id}"
        self.async_on_remove(
            async_dispatcher_connect(self.hass, signal, self.async_write_if_changed)
        )

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Filament details for the type sensor, plus looked-up settings for other brands."""
        tray = self.tray
        if tray is None:
            return None
        attributes = self.entity_description.attributes_fn(tray)
        specs = self.coordinator.config_entry.runtime_data.tray_specs
        recommended = specs.for_tray(tray) if specs is not None and attributes else None
        if recommended:
            attributes = {**(attributes or {}), "recommended": recommended}
        return attributes

    def render(self) -> object:
        """Value plus attributes."""
        return (self.native_value, freeze_attributes(self.extra_state_attributes))
