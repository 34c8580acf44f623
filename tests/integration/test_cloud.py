"""Bambu Cloud sign-in and cloud MQTT end to end (fake cloud API, simulator as the broker).

See ``cloud_support`` for how the fake cloud and the simulated cloud broker are wired up.
"""

from __future__ import annotations

import json
import logging

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bambuprint_iq.cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
)
from custom_components.bambuprint_iq.const import CONF_METHOD, DOMAIN
from simulator.sim_thread import SimulatorThread
from tests.fakes.bambu_cloud import FakeBambuCloud

from .cloud_support import (  # noqa: F401 - the *_fixture names are fixtures
    EMAIL,
    PASSWORD,
    UID,
    choose,
    cloud_broker_fixture,
    cloud_data,
    cloud_fixture,
    login_type_fixture,
    printers_fixture,
    sign_in,
    start_cloud_flow,
)
from .test_entities import state_of, wait_for


async def test_password_sign_in_adds_printers(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    cloud: FakeBambuCloud,
    caplog: pytest.LogCaptureFixture,
    hass_client: ClientSessionGenerator,
) -> None:
    """Sign in → pick both printers → one entry now, one discovered to confirm; both live."""
    caplog.set_level(logging.DEBUG)
    first, second = simulator.printers
    flow_id = await start_cloud_flow(hass)
    result = await sign_in(hass, flow_id)
    assert result["step_id"] == "cloud_printers"
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"printers": [first.serial, second.serial]}
    )
    # Neither printer was heard on the LAN: the cloud, or an address to type, for each.
    for serial in (first.serial, second.serial):
        assert result["step_id"] == "cloud_path_unseen"
        assert result["description_placeholders"]["serial"] == serial
        assert result["menu_options"] == ["cloud_path_cloud", "cloud_address"]
        result = await choose(hass, flow_id, "cloud_path_cloud")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Workshop P1S"
    data = result["data"]
    assert data[CONF_METHOD] == "cloud"
    assert data[CONF_CLOUD_ACCOUNT] == EMAIL
    assert "password" not in json.dumps(data)
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    assert state_of(hass, entry, "print_status") == "idle"
    capabilities = hass.states.get(
        next(
            s.entity_id
            for s in hass.states.async_all("sensor")
            if s.entity_id.endswith("connection_capabilities")
        )
    )
    assert capabilities.attributes["method"] == "cloud"

    # The second printer waits under "Discovered" for a one-click confirmation.
    discovered = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["step_id"] for f in discovered] == ["cloud_confirm"]
    assert discovered[0]["context"]["unique_id"] == second.serial

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    token = cloud.last_token(EMAIL)
    for secret in (PASSWORD, token, first.access_code):
        assert secret not in json.dumps(diagnostics)
        assert secret not in caplog.text


async def test_wrong_password_and_outages(hass: HomeAssistant, cloud: FakeBambuCloud) -> None:
    """Each failure lands next to the right field, and the flow can continue."""
    flow_id = await start_cloud_flow(hass)
    result = await sign_in(hass, flow_id, password="wrong")
    assert result["errors"] == {"password": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"region": "china", "email": "13800000000", "password": PASSWORD}
    )
    assert result["errors"] == {"email": "phone_not_supported"}
    cloud.cloudflare_status = 403
    result = await sign_in(hass, flow_id)
    assert result["errors"] == {"base": "cloudflare"}
    cloud.cloudflare_status = None
    cloud.server_error_status = 503
    result = await sign_in(hass, flow_id)
    assert result["errors"] == {"base": "cloud_unavailable"}
    cloud.server_error_status = None
    result = await sign_in(hass, flow_id)
    assert result["step_id"] == "cloud_printers"


@pytest.mark.parametrize("login_type", ["verifyCode"])
async def test_email_code_wrong_expired_and_resend(
    hass: HomeAssistant, cloud: FakeBambuCloud
) -> None:
    """A wrong code and an expired code are told apart; a new code can be requested."""
    flow_id = await start_cloud_flow(hass)
    result = await sign_in(hass, flow_id)
    assert result["step_id"] == "cloud_code"
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": "000000"})
    assert result["errors"] == {"code": "code_incorrect"}
    cloud.advance(cloud.code_lifetime + 1)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"code": cloud.last_code(EMAIL)}
    )
    assert result["errors"] == {"code": "code_expired"}
    sent = len(cloud.codes_sent(EMAIL))
    result = await hass.config_entries.flow.async_configure(flow_id, {"send_new_code": True})
    assert result["step_id"] == "cloud_code"
    assert len(cloud.codes_sent(EMAIL)) == sent + 1
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"code": cloud.last_code(EMAIL)}
    )
    assert result["step_id"] == "cloud_printers"


@pytest.mark.parametrize("login_type", ["tfa"])
async def test_two_factor_and_fallback(hass: HomeAssistant, cloud: FakeBambuCloud) -> None:
    """2FA works; when Bambu refuses it (CSRF), an e-mailed code takes over."""
    flow_id = await start_cloud_flow(hass)
    result = await sign_in(hass, flow_id)
    assert result["step_id"] == "cloud_tfa"
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": "111111"})
    assert result["errors"] == {"code": "code_incorrect"}
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": "135790"})
    assert result["step_id"] == "cloud_printers"

    # A token the cloud marks as already expired cannot list printers: the flow stops cleanly.
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    cloud.token_lifetime = -10
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": "135790"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cloud_token_rejected"
    cloud.token_lifetime = 3600

    cloud.tfa_csrf_refusal = True
    flow_id = await start_cloud_flow(hass)
    result = await sign_in(hass, flow_id)
    result = await hass.config_entries.flow.async_configure(flow_id, {"code": "135790"})
    assert result["step_id"] == "cloud_code"
    assert result["description_placeholders"]["reason"] == "tfa_unavailable"


async def test_expired_token_asks_to_sign_in_again(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """An expired token fails setup with reauth; signing in stores a new token."""
    first = simulator.printers[0]
    cloud.token_lifetime = 10
    stale = cloud.issue_token(EMAIL)
    cloud.advance(60)
    credentials = {
        "region": "global", "account": EMAIL, "access_token": stale, "uid": str(UID),
        "expires_at": "2020-01-01T00:00:00+00:00",
    }  # fmt: skip
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=first.serial,
        title="Workshop P1S",
        data={
            CONF_METHOD: "cloud", "serial": first.serial, "model": "P1S", CONF_REGION: "global",
            CONF_CLOUD_ACCOUNT: EMAIL, CONF_CLOUD_CREDENTIALS: credentials,
        },
    )  # fmt: skip
    entry.add_to_hass(hass)
    sibling = MockConfigEntry(
        domain=DOMAIN,
        unique_id=simulator.printers[1].serial,
        data={**entry.data, "serial": simulator.printers[1].serial},
        disabled_by=ConfigEntryDisabler.USER,
    )
    sibling.add_to_hass(hass)  # another printer of the same account, not loaded
    cloud.token_lifetime = 3600
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["step_id"] == "reauth_cloud"
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"password": "nope"})
    assert result["errors"] == {"password": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {"password": PASSWORD})
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_CLOUD_CREDENTIALS]["access_token"] == cloud.last_token(EMAIL)
    assert sibling.data[CONF_CLOUD_CREDENTIALS]["access_token"] == cloud.last_token(EMAIL)


async def test_all_printers_already_added(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """Nothing left to add: the flow says so instead of showing an empty list."""
    for info in simulator.printers:
        MockConfigEntry(domain=DOMAIN, unique_id=info.serial, data={}).add_to_hass(hass)
    flow_id = await start_cloud_flow(hass)
    result = await sign_in(hass, flow_id)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "no_new_printers"


async def test_confirm_a_further_printer(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """A printer offered under "Discovered" is added with one click and connects."""
    first = simulator.printers[0]
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    data = {
        "serial": first.serial, "title": "Workshop P1S", "options": {},
        "data": cloud_data(first.serial, cloud.last_token(EMAIL)),
    }  # fmt: skip
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "integration_discovery"}, data=data
    )
    assert result["step_id"] == "cloud_confirm"
    assert result["description_placeholders"] == {"name": "Workshop P1S", "serial": first.serial}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Workshop P1S"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    again = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "integration_discovery"}, data=data
    )
    assert again["reason"] == "already_configured"
    for broken in ({**data, "title": 7}, {**data, "data": None}, {**data, "serial": "OTHER1234"}):
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": "integration_discovery"}, data=broken
        )
        assert result["reason"] == "invalid_discovery_info"


async def test_cloud_outage_and_recovery(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """The cloud broker goes away: entities unavailable; it comes back: live again."""
    first = simulator.printers[0]
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    await hass.config_entries.flow.async_configure(flow_id, {"printers": [first.serial]})
    result = await choose(hass, flow_id, "cloud_path_cloud")
    await hass.async_block_till_done()
    entry = result["result"]
    assert state_of(hass, entry, "print_status") == "idle"
    await hass.async_add_executor_job(simulator.stop_broker, first.serial)
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "unavailable", 30)
    await hass.async_add_executor_job(simulator.start_broker, first.serial)
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "idle", 60)
