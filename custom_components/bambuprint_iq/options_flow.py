"""Options of a printer entry: what can change without re-adding the printer."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig
import voluptuous as vol

from .const import (
    CONF_BED_DEVIATION,
    CONF_CAMERA_FPS,
    CONF_FULL_REFRESH_MINUTES,
    CONF_NOZZLE_DEVIATION,
    CONF_RETENTION_DAYS,
    CONF_ROOM_SENSORS,
    CONF_STALL_MINUTES,
    CONF_TIMELAPSE,
    DEFAULT_CAMERA_FPS,
    DEFAULT_FULL_REFRESH_MINUTES,
    MIN_FULL_REFRESH_MINUTES,
)
from .flow_selectors import number_box as _number
from .history_options import (
    DEFAULT_BED_DEVIATION,
    DEFAULT_NOZZLE_DEVIATION,
    DEFAULT_STALL_MINUTES,
)
from .room_sensors import suggested_room_sensors


class BambuPrintIQOptionsFlow(OptionsFlow):
    """Settings that can change without re-adding the printer."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Refresh interval, the room sensors recorded with each print, alert thresholds."""
        if user_input is not None:
            return self.async_create_entry(
                data={
                    CONF_FULL_REFRESH_MINUTES: int(user_input[CONF_FULL_REFRESH_MINUTES]),
                    CONF_ROOM_SENSORS: list(user_input.get(CONF_ROOM_SENSORS, [])),
                    CONF_NOZZLE_DEVIATION: int(user_input[CONF_NOZZLE_DEVIATION]),
                    CONF_BED_DEVIATION: int(user_input[CONF_BED_DEVIATION]),
                    CONF_STALL_MINUTES: int(user_input[CONF_STALL_MINUTES]),
                    CONF_RETENTION_DAYS: int(user_input[CONF_RETENTION_DAYS]),
                    CONF_TIMELAPSE: bool(user_input[CONF_TIMELAPSE]),
                    CONF_CAMERA_FPS: int(user_input[CONF_CAMERA_FPS]),
                }
            )
        options = self.config_entry.options
        rooms = options.get(CONF_ROOM_SENSORS)
        if rooms is None:
            rooms = suggested_room_sensors(self.hass, self.config_entry)
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_FULL_REFRESH_MINUTES,
                    default=options.get(CONF_FULL_REFRESH_MINUTES, DEFAULT_FULL_REFRESH_MINUTES),
                ): _number(MIN_FULL_REFRESH_MINUTES, 1440, "min"),
                vol.Optional(CONF_ROOM_SENSORS, default=rooms): EntitySelector(
                    EntitySelectorConfig(
                        domain="sensor", device_class=["temperature", "humidity"], multiple=True
                    )
                ),
                vol.Required(
                    CONF_NOZZLE_DEVIATION,
                    default=options.get(CONF_NOZZLE_DEVIATION, DEFAULT_NOZZLE_DEVIATION),
                ): _number(5, 50, "°C"),
                vol.Required(
                    CONF_BED_DEVIATION,
                    default=options.get(CONF_BED_DEVIATION, DEFAULT_BED_DEVIATION),
                ): _number(4, 30, "°C"),
                vol.Required(
                    CONF_STALL_MINUTES,
                    default=options.get(CONF_STALL_MINUTES, DEFAULT_STALL_MINUTES),
                ): _number(1, 240, "min"),
                vol.Required(
                    CONF_RETENTION_DAYS, default=options.get(CONF_RETENTION_DAYS, 0)
                ): _number(0, 3650, "d"),
                vol.Required(CONF_TIMELAPSE, default=options.get(CONF_TIMELAPSE, False)): bool,
                vol.Required(
                    CONF_CAMERA_FPS, default=options.get(CONF_CAMERA_FPS, DEFAULT_CAMERA_FPS)
                ): _number(1, 15, "fps"),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)
