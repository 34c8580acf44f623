"""Failure-watch options: the printer options form and how stored options are read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers import config_validation as cv
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bambuprint_iq.const import (
    CONF_CAMERA_FPS,
    CONF_FULL_REFRESH_MINUTES,
    CONF_METHOD,
    CONF_SERIAL,
    CONF_WATCH_AUTO_PAUSE,
    CONF_WATCH_ENABLED,
    CONF_WATCH_INTERVAL_MINUTES,
    CONF_WATCH_MAX_FRAMES_PER_HOUR,
    CONF_WATCH_PAUSE_PERCENT,
    CONF_WATCH_SUSPECT_PERCENT,
    DOMAIN,
)
from custom_components.bambuprint_iq.failure_watch_options import (
    InvalidWatchOptions,
    WatchSettings,
    watch_settings,
)
from custom_components.bambuprint_iq.options_flow import WATCH_SECTION

OLD_OPTIONS = {CONF_FULL_REFRESH_MINUTES: 30, "room_sensors": [], CONF_CAMERA_FPS: 3}


def _as_frontend_fields(schema: object) -> list[dict[str, object]]:
    """The form as the frontend receives it (Home Assistant 2026 serialises with probatio)."""
    try:
        import voluptuous_serialize

        convert = voluptuous_serialize.convert
    except ImportError:
        import probatio

        convert = probatio.to_field_list
    return convert(schema, custom_serializer=cv.custom_serializer)  # type: ignore[no-any-return]


@pytest.fixture
def printer_entry(hass: HomeAssistant) -> MockConfigEntry:
    """A printer entry whose options were saved before the watch existed (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="01P00A000000001",
        data={CONF_SERIAL: "01P00A000000001", CONF_METHOD: "developer"},
        options=OLD_OPTIONS,
    )
    entry.add_to_hass(hass)
    return entry


def _watch_input(**values: Any) -> dict[str, Any]:
    return {
        CONF_WATCH_ENABLED: True,
        CONF_WATCH_INTERVAL_MINUTES: 2,
        CONF_WATCH_MAX_FRAMES_PER_HOUR: 20,
        CONF_WATCH_SUSPECT_PERCENT: 55,
        CONF_WATCH_PAUSE_PERCENT: 90,
        CONF_WATCH_AUTO_PAUSE: True,
        **values,
    }


def _section_defaults(result: Any) -> dict[str, Any]:
    """The defaults the form shows inside the watch section."""
    for key, value in result["data_schema"].schema.items():
        if key == WATCH_SECTION:
            return {str(k): k.default() for k in value.schema.schema}
    raise AssertionError("the form has no failure watch section")


async def test_form_defaults_validation_and_saved_keys(
    hass: HomeAssistant, printer_entry: MockConfigEntry
) -> None:
    """Off by default; pause must be above suspect; valid input is stored flat."""
    result = await hass.config_entries.options.async_init(printer_entry.entry_id)
    assert result["step_id"] == "init"
    serialized = _as_frontend_fields(result["data_schema"])
    section = next(field for field in serialized if field["name"] == WATCH_SECTION)
    assert section["type"] == "expandable"
    assert section["expanded"] is False  # collapsed while the watch is off
    assert _section_defaults(result) == {
        CONF_WATCH_ENABLED: False,
        CONF_WATCH_INTERVAL_MINUTES: 5,
        CONF_WATCH_MAX_FRAMES_PER_HOUR: 12,
        CONF_WATCH_SUSPECT_PERCENT: 60,
        CONF_WATCH_PAUSE_PERCENT: 85,
        CONF_WATCH_AUTO_PAUSE: False,
    }
    bad = {**OLD_OPTIONS, WATCH_SECTION: _watch_input(**{CONF_WATCH_PAUSE_PERCENT: 55})}
    result = await hass.config_entries.options.async_configure(result["flow_id"], bad)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "watch_pause_not_above_suspect"}
    assert _section_defaults(result)[CONF_WATCH_PAUSE_PERCENT] == 55  # the input is kept
    assert _section_defaults(result)[CONF_WATCH_INTERVAL_MINUTES] == 2

    good = {**OLD_OPTIONS, WATCH_SECTION: _watch_input()}
    result = await hass.config_entries.options.async_configure(result["flow_id"], good)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    options = printer_entry.options
    assert WATCH_SECTION not in options
    assert options[CONF_FULL_REFRESH_MINUTES] == 30
    assert {k: options[k] for k in _watch_input()} == _watch_input()
    settings = watch_settings(options)
    assert settings.enabled
    assert settings.auto_pause
    assert settings.interval == timedelta(minutes=2)
    assert settings.max_frames_per_hour == 20
    assert (settings.thresholds.suspect, settings.thresholds.pause) == (0.55, 0.9)

    result = await hass.config_entries.options.async_init(printer_entry.entry_id)
    assert _section_defaults(result) == _watch_input()  # the form shows what was saved


async def test_form_survives_damaged_stored_values(hass: HomeAssistant) -> None:
    """A hand-edited option that is not a number shows as its default."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_SERIAL: "01P00A000000002", CONF_METHOD: "local"},
        options={**OLD_OPTIONS, CONF_WATCH_INTERVAL_MINUTES: "often"},
    )
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert _section_defaults(result)[CONF_WATCH_INTERVAL_MINUTES] == 5


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (CONF_WATCH_INTERVAL_MINUTES, 0),
        (CONF_WATCH_INTERVAL_MINUTES, 61),
        (CONF_WATCH_MAX_FRAMES_PER_HOUR, 100),
        (CONF_WATCH_SUSPECT_PERCENT, 100),
        (CONF_WATCH_PAUSE_PERCENT, 101),
    ],
)
async def test_out_of_range_values_are_refused_by_the_form(
    hass: HomeAssistant, printer_entry: MockConfigEntry, key: str, value: int
) -> None:
    """The number boxes carry the limits, so nothing outside them can be saved."""
    result = await hass.config_entries.options.async_init(printer_entry.entry_id)
    with pytest.raises(InvalidData, match=key):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {**OLD_OPTIONS, WATCH_SECTION: _watch_input(**{key: value})}
        )
    assert CONF_WATCH_ENABLED not in printer_entry.options


def test_options_without_watch_keys_read_as_defaults() -> None:
    """Options saved before the watch existed: watch off, documented defaults."""
    assert watch_settings(OLD_OPTIONS) == WatchSettings()
    assert watch_settings({}).enabled is False
    # The number selector stores floats; whole values are fine.
    assert watch_settings({CONF_WATCH_INTERVAL_MINUTES: 10.0}).interval == timedelta(minutes=10)


@pytest.mark.parametrize(
    "options",
    [
        {CONF_WATCH_SUSPECT_PERCENT: 80, CONF_WATCH_PAUSE_PERCENT: 80},
        {CONF_WATCH_INTERVAL_MINUTES: 2.5},
        {CONF_WATCH_MAX_FRAMES_PER_HOUR: "12"},
        {CONF_WATCH_MAX_FRAMES_PER_HOUR: True},
        {CONF_WATCH_ENABLED: "yes"},
        {CONF_WATCH_PAUSE_PERCENT: float("inf")},
    ],
)
def test_stored_options_the_form_cannot_make_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidWatchOptions):
        watch_settings(options)
