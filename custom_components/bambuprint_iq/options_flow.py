"""Options of a printer entry: what can change without re-adding the printer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.data_entry_flow import section
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
    CONF_WATCH_AUTO_PAUSE,
    CONF_WATCH_ENABLED,
    CONF_WATCH_INTERVAL_MINUTES,
    CONF_WATCH_MAX_FRAMES_PER_HOUR,
    CONF_WATCH_PAUSE_PERCENT,
    CONF_WATCH_SUSPECT_PERCENT,
    DEFAULT_CAMERA_FPS,
    DEFAULT_FULL_REFRESH_MINUTES,
    MIN_FULL_REFRESH_MINUTES,
)
from .failure_watch_options import (
    DEFAULT_INTERVAL_MINUTES,
    DEFAULT_MAX_FRAMES_PER_HOUR,
    DEFAULT_PAUSE_PERCENT,
    DEFAULT_SUSPECT_PERCENT,
    FRAMES_PER_HOUR_RANGE,
    INTERVAL_RANGE,
    PAUSE_RANGE,
    SUSPECT_RANGE,
    thresholds_valid,
)
from .flow_selectors import number_box as _number
from .history_options import (
    DEFAULT_BED_DEVIATION,
    DEFAULT_NOZZLE_DEVIATION,
    DEFAULT_STALL_MINUTES,
)
from .room_sensors import suggested_room_sensors

WATCH_SECTION: Final = "failure_watch"
"""Form-only grouping; the watch's values are stored flat next to the other options."""
_WATCH_DEFAULTS: Final[Mapping[str, bool | int]] = {
    CONF_WATCH_ENABLED: False,
    CONF_WATCH_INTERVAL_MINUTES: DEFAULT_INTERVAL_MINUTES,
    CONF_WATCH_MAX_FRAMES_PER_HOUR: DEFAULT_MAX_FRAMES_PER_HOUR,
    CONF_WATCH_SUSPECT_PERCENT: DEFAULT_SUSPECT_PERCENT,
    CONF_WATCH_PAUSE_PERCENT: DEFAULT_PAUSE_PERCENT,
    CONF_WATCH_AUTO_PAUSE: False,
}


def _watch_values(source: Mapping[str, Any]) -> dict[str, bool | int]:
    """The watch options in ``source`` (stored options or the form's section), typed.

    A stored value that is not a number shows as its default rather than breaking the form.
    """
    values: dict[str, bool | int] = {}
    for key, default in _WATCH_DEFAULTS.items():
        raw = source.get(key, default)
        if isinstance(default, bool):
            values[key] = bool(raw)
            continue
        try:
            values[key] = int(raw)
        except (TypeError, ValueError, OverflowError):
            values[key] = default
    return values


def _watch_schema(values: Mapping[str, bool | int]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_WATCH_ENABLED, default=values[CONF_WATCH_ENABLED]): bool,
            vol.Required(
                CONF_WATCH_INTERVAL_MINUTES, default=values[CONF_WATCH_INTERVAL_MINUTES]
            ): _number(*INTERVAL_RANGE, "min"),
            vol.Required(
                CONF_WATCH_MAX_FRAMES_PER_HOUR, default=values[CONF_WATCH_MAX_FRAMES_PER_HOUR]
            ): _number(*FRAMES_PER_HOUR_RANGE, "frames/h"),
            vol.Required(
                CONF_WATCH_SUSPECT_PERCENT, default=values[CONF_WATCH_SUSPECT_PERCENT]
            ): _number(*SUSPECT_RANGE, "%"),
            vol.Required(
                CONF_WATCH_PAUSE_PERCENT, default=values[CONF_WATCH_PAUSE_PERCENT]
            ): _number(*PAUSE_RANGE, "%"),
            vol.Required(CONF_WATCH_AUTO_PAUSE, default=values[CONF_WATCH_AUTO_PAUSE]): bool,
        }
    )


class BambuPrintIQOptionsFlow(OptionsFlow):
    """Settings that can change without re-adding the printer."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Refresh interval, room sensors, alert thresholds, camera and the failure watch."""
        errors: dict[str, str] = {}
        watch = _watch_values(self.config_entry.options)
        if user_input is not None:
            watch = _watch_values(user_input.get(WATCH_SECTION, {}))
            if not thresholds_valid(
                watch[CONF_WATCH_SUSPECT_PERCENT], watch[CONF_WATCH_PAUSE_PERCENT]
            ):
                errors["base"] = "watch_pause_not_above_suspect"
        if user_input is not None and not errors:
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
                    **watch,
                }
            )
        options = {**self.config_entry.options, **(user_input or {})}
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
                vol.Required(WATCH_SECTION, default=lambda: dict(watch)): section(
                    _watch_schema(watch), {"collapsed": not watch[CONF_WATCH_ENABLED]}
                ),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema, errors=errors)
