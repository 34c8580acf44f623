"""Reconfigure entries that came from the cloud: other region, to the LAN and back."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
import voluptuous as vol

from custom_components.bambuprint_iq.cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
)
from custom_components.bambuprint_iq.const import (
    CONF_ACCESS_CODE,
    CONF_FINGERPRINT,
    CONF_METHOD,
    DOMAIN,
)
from simulator.sim_thread import SimulatorThread
from tests.fakes.bambu_cloud import FakeBambuCloud

from .cloud_support import (  # noqa: F401 - the *_fixture names are fixtures
    EMAIL,
    PASSWORD,
    add_via_cloud,
    address_input,
    assert_no_secrets,
    choose,
    closed_port,
    cloud_broker_fixture,
    cloud_data,
    cloud_fixture,
    form_schema,
    login_type_fixture,
    printers_fixture,
    start_reconfigure,
    suggested,
    visible,
)
from .conftest import flow_input
from .test_entities import state_of, wait_for


def _defaults(result: ConfigFlowResult) -> dict[str, Any]:
    return {str(k): k.default() for k in form_schema(result) if k.default is not vol.UNDEFINED}


def _cloud_entry(serial: str, token: str, **data: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        unique_id=serial,
        title="Workshop P1S",
        data={**cloud_data(serial, token), **data},
    )


async def test_cloud_printer_moves_to_the_lan_and_back(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    cloud: FakeBambuCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Cloud → LAN (address the printer reports, certificate pinned) → new address → cloud."""
    caplog.set_level(logging.DEBUG)
    first = simulator.printers[0]
    entry = await add_via_cloud(hass, first.serial)
    assert state_of(hass, entry, "print_status") == "idle"
    shown: list[ConfigFlowResult] = []

    result = await start_reconfigure(hass, entry)
    shown.append(result)
    assert result["step_id"] == "reconfigure_cloud"
    assert result["menu_options"] == ["reconfigure_region", "reconfigure_to_local"]
    result = await choose(hass, result["flow_id"], "reconfigure_to_local")
    shown.append(result)
    assert result["step_id"] == "reconfigure_to_local"
    assert suggested(result, "host") == first.host  # reported by the printer over the cloud
    flow_id = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow_id, address_input(first.host, closed_port())
    )
    assert result["errors"] == {"host": "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow_id, address_input(first.host, first.mqtt_port, first.camera_port)
    )
    shown.append(result)
    assert result["step_id"] == "certificate"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_METHOD] == "developer"
    assert entry.data[CONF_ACCESS_CODE] == first.access_code
    assert entry.data[CONF_FINGERPRINT] == first.fingerprint
    assert entry.data[CONF_CLOUD_ACCOUNT] == EMAIL  # kept, to switch back later
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "idle")

    # A LAN entry from the cloud: the usual address form, or back to the cloud.
    result = await start_reconfigure(hass, entry)
    assert result["menu_options"] == ["reconfigure_address", "reconfigure_to_cloud"]
    result = await choose(hass, result["flow_id"], "reconfigure_address")
    assert result["step_id"] == "reconfigure"
    lan_form = flow_input(first)
    del lan_form["serial"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], lan_form)
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_METHOD] == "developer"

    result = await start_reconfigure(hass, entry)
    result = await choose(hass, result["flow_id"], "reconfigure_to_cloud")
    shown.append(result)
    assert result["step_id"] == "reconfigure_to_cloud"
    assert result["description_placeholders"] == {"name": "Workshop P1S"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_METHOD] == "cloud"
    assert CONF_ACCESS_CODE not in entry.data
    assert entry.state is ConfigEntryState.LOADED
    await wait_for(hass, lambda: state_of(hass, entry, "print_status") == "idle")
    secrets = (PASSWORD, cloud.last_token(EMAIL), first.access_code)
    assert_no_secrets(secrets, caplog.text, entry.title, *map(visible, shown))


async def test_moving_to_the_lan_is_refused_cleanly(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """Every way the LAN move can fail ends in a clear error or abort, never a half entry."""
    first, second = simulator.printers
    entry = _cloud_entry(first.serial, cloud.issue_token(EMAIL))
    entry.add_to_hass(hass)  # not loaded: no reported address to offer

    async def to_local() -> ConfigFlowResult:
        result = await start_reconfigure(hass, entry)
        return await choose(hass, result["flow_id"], "reconfigure_to_local")

    result = await to_local()
    assert suggested(result, "host") == ""
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address_input(second.host, second.mqtt_port)
    )
    assert result["reason"] == "different_device"

    devices = cloud.accounts[EMAIL].devices
    devices[0]["dev_access_code"] = "wrong123"
    result = await to_local()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], address_input(first.host, first.mqtt_port)
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["step_id"] == "reconfigure_to_local"
    assert result["errors"] == {"base": "cloud_access_code_refused"}

    devices[0]["dev_access_code"] = None
    assert (await to_local())["reason"] == "no_access_code"
    removed = devices.pop(0)
    assert (await to_local())["reason"] == "printer_not_on_account"
    devices.insert(0, removed)
    cloud.server_error_status = 503
    assert (await to_local())["reason"] == "cloud_unavailable"
    cloud.server_error_status = None
    cloud.revoke_all_tokens()
    assert (await to_local())["reason"] == "cloud_token_rejected"
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, CONF_CLOUD_CREDENTIALS: {"access_token": "x"}}
    )
    assert (await to_local())["reason"] == "cloud_token_rejected"
    assert entry.data[CONF_METHOD] == "cloud"


@pytest.mark.parametrize("login_type", ["verifyCode"])
async def test_switch_region(
    hass: HomeAssistant, simulator: SimulatorThread, cloud: FakeBambuCloud
) -> None:
    """Sign in to the other region (code step reused); the printer must be on that account."""
    first = simulator.printers[0]
    entry = _cloud_entry(first.serial, cloud.issue_token(EMAIL))
    entry.add_to_hass(hass)

    async def sign_in_to_china(password: str = PASSWORD) -> ConfigFlowResult:
        result = await start_reconfigure(hass, entry)
        result = await choose(hass, result["flow_id"], "reconfigure_region")
        assert result["step_id"] == "reconfigure_region"
        assert _defaults(result) == {"region": "china", "email": EMAIL}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"region": "china", "email": EMAIL, "password": password}
        )
        if result["type"] is FlowResultType.FORM and result["step_id"] == "cloud_code":
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {"code": cloud.last_code(EMAIL)}
            )
        return result

    result = await sign_in_to_china("wrong")
    assert result["errors"] == {"password": "invalid_auth"}
    assert _defaults(result)["region"] == "china"

    devices = cloud.accounts[EMAIL].devices
    removed = devices.pop(0)
    assert (await sign_in_to_china())["reason"] == "printer_not_on_account"
    devices.insert(0, removed)
    cloud.token_lifetime = -10
    assert (await sign_in_to_china())["reason"] == "cloud_token_rejected"
    cloud.token_lifetime = 3600
    assert entry.data[CONF_REGION] == "global"

    result = await sign_in_to_china()
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_REGION] == "china"
    assert entry.data[CONF_CLOUD_CREDENTIALS]["region"] == "china"
    assert entry.data[CONF_CLOUD_CREDENTIALS]["access_token"] == cloud.last_token(EMAIL)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
