"""Fixtures and helpers for the Bambu Cloud tests: a fake cloud, and the simulator as its broker.

The loopback fake of the Bambu Cloud API answers the sign-in calls, and the first simulated
printer's broker plays Bambu's cloud broker: every token a sign-in issues is registered there
as ``u_<uid>`` + token, as the real cloud broker accepts the cloud's own tokens. The broker's
certificate is self-made, so the tests trust it explicitly instead of the public CA chain the
production code requires.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
import json
import socket
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    SOURCE_USER,
    ConfigEntry,
    ConfigFlowResult,
)
from homeassistant.core import HomeAssistant
import pytest

from custom_components.bambuprint_iq.cloud_setup import (
    CLOUD_ENDPOINTS,
    CLOUD_TLS,
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
    LAN_PORTS,
)
from custom_components.bambuprint_iq.const import CONF_METHOD, DOMAIN
from custom_components.bambuprint_iq.core.printer.tls import InsecureSkipVerify
from custom_components.bambuprint_iq.discovery import (
    SSDP_BIND,
    SSDP_LISTENER,
    async_seen_host,
)
from simulator.config import PrinterInfo, SimulatedPrinter
from simulator.sim_thread import SimulatorThread
from tests.fakes.bambu_cloud import FakeAccount, FakeBambuCloud

from .conftest import TEST_SPEED
from .test_entities import wait_for

EMAIL = "maker@example.com"
PASSWORD = "correct horse"
UID = 4242
CLOUD_USER = f"u_{UID}"
NAMES = ("Workshop P1S", "Garage P1S")


def device(info: PrinterInfo, name: str) -> dict[str, object]:
    """The device-list entry of a simulated printer (with its real access code)."""
    return {
        "dev_id": info.serial, "name": name, "online": True, "print_status": "IDLE",
        "dev_model_name": "C12", "dev_product_name": "P1S", "nozzle_diameter": 0.4,
        "dev_access_code": f"{info.access_code}\n",
    }  # fmt: skip


@pytest.fixture(name="printers")
def printers_fixture() -> list[SimulatedPrinter]:
    """Two printers on the account."""
    return [
        SimulatedPrinter(model="P1S", seed=11, speed=TEST_SPEED),
        SimulatedPrinter(model="P1S", seed=12, speed=TEST_SPEED),
    ]


@pytest.fixture(name="login_type")
def login_type_fixture() -> str:
    """How the account signs in; parametrised by tests."""
    return "password"


@pytest.fixture(name="cloud_broker")
def cloud_broker_fixture() -> int:
    """Index of the simulated printer whose broker plays the cloud broker.

    It relays only that printer, so a test's cloud entries must be for that printer.
    """
    return 0


@pytest.fixture(name="cloud")
async def cloud_fixture(
    hass: HomeAssistant, simulator: SimulatorThread, login_type: str, cloud_broker: int
) -> AsyncIterator[FakeBambuCloud]:
    """The fake cloud, with the integration pointed at it and at the simulated broker."""
    relay = simulator.printers[cloud_broker]
    account = FakeAccount(
        EMAIL, PASSWORD, UID, login_type=login_type,  # type: ignore[arg-type]
        devices=[device(info, name) for info, name in zip(simulator.printers, NAMES, strict=False)],
    )  # fmt: skip
    async with FakeBambuCloud([account]) as fake:
        fake.token_listeners.append(
            lambda _email, token: allow_on_broker(simulator, token)  # worker thread
        )
        hass.data[CLOUD_ENDPOINTS] = lambda region: fake.endpoints(
            mqtt_host=relay.host, mqtt_port=relay.mqtt_port
        )
        hass.data[CLOUD_TLS] = InsecureSkipVerify()  # self-made broker cert, see module doc
        hass.data[SSDP_BIND] = ("127.0.0.1", 0)  # only what a test announces is heard
        ports = {
            info.serial: (info.mqtt_port, info.camera_port or 6000) for info in simulator.printers
        }
        hass.data[LAN_PORTS] = ports.__getitem__
        yield fake


def allow_on_broker(simulator: SimulatorThread, token: str) -> None:
    """Let the simulated cloud broker accept ``token`` (blocking: run in a worker thread)."""
    for info in simulator.printers:
        simulator.add_credentials(info.serial, CLOUD_USER, token)


async def start_cloud_flow(hass: HomeAssistant) -> str:
    """Open the config flow and pick "Bambu Cloud"."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert "cloud" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "cloud"}
    )
    assert result["step_id"] == "cloud"
    return str(result["flow_id"])


async def sign_in(hass: HomeAssistant, flow_id: str, password: str = PASSWORD) -> ConfigFlowResult:
    """Submit the sign-in form for the test account."""
    return await hass.config_entries.flow.async_configure(
        flow_id, {"region": "global", "email": EMAIL, "password": password}
    )


async def choose(hass: HomeAssistant, flow_id: str, option: str) -> ConfigFlowResult:
    """Pick a menu option."""
    return await hass.config_entries.flow.async_configure(flow_id, {"next_step_id": option})


async def add_via_cloud(hass: HomeAssistant, serial: str) -> ConfigEntry:
    """Sign in and add one printer through the cloud; returns the loaded entry."""
    flow_id = await start_cloud_flow(hass)
    await sign_in(hass, flow_id)
    await hass.config_entries.flow.async_configure(flow_id, {"printers": [serial]})
    result = await choose(hass, flow_id, "cloud_path_cloud")
    await hass.async_block_till_done()
    entry = result["result"]
    assert isinstance(entry, ConfigEntry)
    return entry


async def announce(hass: HomeAssistant, serial: str, host: str) -> None:
    """Send the SSDP NOTIFY a printer broadcasts to the integration's listener."""
    lines = [
        "NOTIFY * HTTP/1.1", "Host: 239.255.255.250:1990", f"Location: {host}",
        "NT: urn:bambulab-com:device:3dprinter:1", "NTS: ssdp:alive", f"USN: {serial}",
        "DevModel.bambu.com: C12", "DevConnect.bambu.com: cloud", "DevBind.bambu.com: occupied",
    ]  # fmt: skip
    port = hass.data[SSDP_LISTENER].port
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), ("127.0.0.1", port))
    await wait_for(hass, lambda: async_seen_host(hass, serial) == host)


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def form_schema(result: ConfigFlowResult) -> dict[Any, Any]:
    """The fields of a form result."""
    schema = result.get("data_schema")
    assert schema is not None
    fields: dict[Any, Any] = schema.schema
    return fields


def suggested(result: ConfigFlowResult, key: str) -> Any:
    """The value a form pre-fills for ``key`` (None when it suggests nothing)."""
    for marker in form_schema(result):
        if str(marker) == key and marker.description:
            return marker.description.get("suggested_value")
    return None


async def start_reconfigure(hass: HomeAssistant, entry: ConfigEntry) -> ConfigFlowResult:
    """Open the reconfigure flow of ``entry``."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_RECONFIGURE, "entry_id": entry.entry_id}
    )


def cloud_data(serial: str, token: str, region: str = "global") -> dict[str, Any]:
    """Entry data of a cloud printer signed in with ``token``."""
    return {
        CONF_METHOD: "cloud", "serial": serial, "model": "P1S", CONF_REGION: region,
        CONF_CLOUD_ACCOUNT: EMAIL,
        CONF_CLOUD_CREDENTIALS: {"region": region, "account": EMAIL, "access_token": token,
                                 "uid": str(UID), "expires_at": None},
    }  # fmt: skip


def address_input(host: str, mqtt_port: int, camera_port: int | None = None) -> dict[str, Any]:
    """What a user types into a cloud printer's address form."""
    return {"host": host, "advanced": {"mqtt_port": mqtt_port, "camera_port": camera_port or 6000}}


def visible(result: Mapping[str, object]) -> dict[str, object]:
    """The parts of a flow result a user sees (the entry data is not shown)."""
    return {
        "title": result.get("title"),
        "placeholders": result.get("description_placeholders"),
        "errors": result.get("errors"),
        "reason": result.get("reason"),
    }


def assert_no_secrets(secrets: Iterable[str], *shown: Mapping[str, object] | str) -> None:
    """None of ``secrets`` appears in flow results, titles, placeholders, logs or diagnostics."""
    text = "\n".join(
        item if isinstance(item, str) else json.dumps(item, default=str) for item in shown
    )
    for secret in secrets:
        assert secret not in text
