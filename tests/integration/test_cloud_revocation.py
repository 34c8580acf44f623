"""A cloud token revoked while the printer is live: unavailable, sign in again, live again.

Revocation happens where it does for real: the cloud API refuses the token and the cloud
broker cuts the session off and refuses the next login (CONNACK 5).
"""

from __future__ import annotations

import logging

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.bambuprint_iq.cloud_setup import CONF_CLOUD_CREDENTIALS
from custom_components.bambuprint_iq.config_flow_cloud_base import lan_entry_data
from custom_components.bambuprint_iq.const import CONF_ACCESS_CODE, CONF_FINGERPRINT, DOMAIN
from simulator.config import PrinterInfo
from simulator.sim_thread import SimulatorThread
from tests.fakes.bambu_cloud import FakeBambuCloud

from .cloud_support import (  # noqa: F401 - the *_fixture names are fixtures
    CLOUD_USER,
    EMAIL,
    PASSWORD,
    add_via_cloud,
    assert_no_secrets,
    cloud_broker_fixture,
    cloud_data,
    cloud_fixture,
    login_type_fixture,
    printers_fixture,
    visible,
)
from .test_entities import state_of, wait_for

STALE_CODE = "stale000"


def _lan_sibling(info: PrinterInfo, token: str) -> MockConfigEntry:
    """A LAN entry set up from the same account, whose access code has since changed."""
    data = lan_entry_data(
        serial=info.serial,
        model="P1S",
        access_code=STALE_CODE,
        host=info.host,
        ports=(info.mqtt_port, info.camera_port or 6000),
        account=cloud_data(info.serial, token),
    )
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=info.serial,
        data={**data, CONF_FINGERPRINT: info.fingerprint},
        disabled_by=ConfigEntryDisabler.USER,  # only its stored data matters here
    )


async def test_token_revoked_while_running(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    cloud: FakeBambuCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Revocation → entities unavailable + cloud reauth → new token → entities back."""
    caplog.set_level(logging.DEBUG)
    first, second = simulator.printers
    entry = await add_via_cloud(hass, first.serial)
    assert state_of(hass, entry, "print_status") == "idle"
    revoked = cloud.last_token(EMAIL)
    sibling = _lan_sibling(second, revoked)
    sibling.add_to_hass(hass)

    cloud.revoke_token(revoked)
    assert await hass.async_add_executor_job(
        simulator.revoke_credentials, first.serial, CLOUD_USER, revoked
    )
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "unavailable", 20)
    await wait_for(hass, lambda: bool(hass.config_entries.flow.async_progress_by_handler(DOMAIN)))
    (flow,) = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flow["context"]["source"] == SOURCE_REAUTH
    assert flow["context"]["entry_id"] == entry.entry_id
    assert flow["step_id"] == "reauth_cloud"
    assert entry.state is ConfigEntryState.LOADED  # running, waiting for the user
    assert state_of(hass, entry, "print_status") == "unavailable"

    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"password": PASSWORD})
    assert result["reason"] == "reauth_successful"
    renewed = cloud.last_token(EMAIL)
    assert renewed != revoked
    assert entry.data[CONF_CLOUD_CREDENTIALS]["access_token"] == renewed
    await hass.async_block_till_done()  # the reload with the new token
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "idle", 30)

    # The LAN printer of the same account got the new token and its current access code.
    assert sibling.data[CONF_CLOUD_CREDENTIALS]["access_token"] == renewed
    assert sibling.data[CONF_ACCESS_CODE] == second.access_code
    assert_no_secrets(
        (PASSWORD, revoked, renewed, first.access_code, second.access_code),
        caplog.text,
        visible(flow),
        visible(result),
    )


async def test_access_codes_stay_when_the_list_fails(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """A sign-in whose token cannot list printers still stores it; codes wait for next time."""
    first, second = simulator.printers
    cloud.token_lifetime = 10
    stale = cloud.issue_token(EMAIL)
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=first.serial, data=cloud_data(first.serial, stale)
    )
    entry.add_to_hass(hass)
    sibling = _lan_sibling(second, stale)
    sibling.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_cloud"
    cloud.token_lifetime = -10  # the fresh token is refused by the device list at once
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"password": PASSWORD}
    )
    assert result["reason"] == "reauth_successful"
    assert sibling.data[CONF_ACCESS_CODE] == STALE_CODE
    assert sibling.data[CONF_CLOUD_CREDENTIALS]["access_token"] == cloud.last_token(EMAIL)
