"""The shipped blueprints load as Home Assistant blueprints and the alerts really fire."""

from __future__ import annotations

from pathlib import Path
import shutil

from homeassistant.components.blueprint import models
from homeassistant.components.blueprint.schemas import BLUEPRINT_SCHEMA
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest
from pytest_homeassistant_custom_component.common import async_capture_events

BLUEPRINTS = Path(__file__).resolve().parents[2] / "blueprints" / "automation" / "bambuprint_iq"


@pytest.mark.parametrize("path", sorted(BLUEPRINTS.glob("*.yaml")), ids=lambda p: p.name)
def test_blueprint_schema(path: Path) -> None:
    """Each file is a valid automation blueprint with named inputs."""
    blueprint = models.Blueprint(
        load_yaml_dict(str(path)), expected_domain="automation", schema=BLUEPRINT_SCHEMA
    )
    assert blueprint.name.startswith("BambuPrint IQ")
    assert blueprint.inputs


async def _automation_from(hass: HomeAssistant, name: str, inputs: dict[str, object]) -> None:
    target = Path(hass.config.path("blueprints", "automation", "bambuprint_iq"))
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(BLUEPRINTS / name, target / name)
    config = {
        "automation": {
            "use_blueprint": {"path": f"bambuprint_iq/{name}", "input": inputs},
        }
    }
    assert await async_setup_component(hass, "automation", config)
    await hass.async_block_till_done()


# Stands in for the user's notify action: an event tests can capture.
NOTIFY = [{"event": "bp_notified", "event_data": {"entity": "{{ trigger.entity_id }}"}}]


async def test_failure_alert_notifies(hass: HomeAssistant) -> None:
    """A problem sensor turning on runs the notification action."""
    fired = async_capture_events(hass, "bp_notified")
    hass.states.async_set("binary_sensor.p1s_print_stalled", "off", {"device_class": "problem"})
    await _automation_from(
        hass,
        "print_failure_alert.yaml",
        {"problem_sensors": ["binary_sensor.p1s_print_stalled"], "notify": NOTIFY},
    )
    hass.states.async_set("binary_sensor.p1s_print_stalled", "on", {"device_class": "problem"})
    await hass.async_block_till_done()
    assert [e.data["entity"] for e in fired] == ["binary_sensor.p1s_print_stalled"]


async def test_humidity_alert_waits_for_the_delay(hass: HomeAssistant) -> None:
    """Humidity D/E must persist for the chosen time before anyone is bothered."""
    fired = async_capture_events(hass, "bp_notified")
    hass.states.async_set("binary_sensor.ams_a_needs_drying", "off", {"device_class": "moisture"})
    await _automation_from(
        hass,
        "ams_humidity_alert.yaml",
        {
            "humidity_sensors": ["binary_sensor.ams_a_needs_drying"],
            "delay": {"seconds": 0},
            "notify": NOTIFY,
        },
    )
    hass.states.async_set("binary_sensor.ams_a_needs_drying", "on", {"device_class": "moisture"})
    await hass.async_block_till_done()
    assert [e.data["entity"] for e in fired] == ["binary_sensor.ams_a_needs_drying"]
