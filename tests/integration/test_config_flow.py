"""Config flow against real simulated printers: every step, error and abort."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.bambuprint_iq import config_flow
from custom_components.bambuprint_iq.const import (
    CONF_ACCESS_CODE,
    CONF_FINGERPRINT,
    CONF_FULL_REFRESH_MINUTES,
    CONF_METHOD,
    CONF_MODEL,
    CONF_MQTT_PORT,
    CONF_SERIAL,
    CONF_SKIP_TLS_VERIFY,
    DOMAIN,
)
from simulator.fleet import PrinterInfo, SimulatedPrinter
from simulator.sim_thread import SimulatorThread

from .conftest import TEST_SPEED, entry_for, flow_input


def _colon_fingerprint(fingerprint: str) -> str:
    return ":".join(fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()


async def _start(hass: HomeAssistant, method: str) -> str:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert set(result["menu_options"]) == {"developer", "local", "cloud", "assistant"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": method}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == method
    return str(result["flow_id"])


@pytest.mark.parametrize("method", ["developer", "local"])
async def test_full_flow_pins_certificate(
    hass: HomeAssistant, printer: PrinterInfo, method: str
) -> None:
    """Form → fingerprint shown → entry with the pinned fingerprint and detected model."""
    flow_id = await _start(hass, method)
    result = await hass.config_entries.flow.async_configure(flow_id, flow_input(printer))
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "certificate"
    placeholders = result["description_placeholders"]
    assert placeholders["fingerprint"] == _colon_fingerprint(printer.fingerprint)
    assert placeholders["serial"] == printer.serial

    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == printer.serial
    data = result["data"]
    assert data[CONF_FINGERPRINT] == printer.fingerprint
    assert data[CONF_METHOD] == method
    assert data[CONF_MODEL] == "P1S"
    assert data[CONF_MQTT_PORT] == printer.mqtt_port
    assert data[CONF_SKIP_TLS_VERIFY] is False
    assert result["title"] == f"P1S {printer.serial[-4:]}"
    assert result["options"] == {CONF_FULL_REFRESH_MINUTES: 60}


async def test_serial_is_normalised(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Lower-case input with spaces still matches the certificate's serial."""
    flow_id = await _start(hass, "developer")
    user_input = flow_input(printer, serial=f"  {printer.serial.lower()} ")
    result = await hass.config_entries.flow.async_configure(flow_id, user_input)
    assert result["step_id"] == "certificate"


async def test_wrong_access_code_then_fixed(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """The refusal comes back as a field error on the access code; a retry succeeds."""
    flow_id = await _start(hass, "developer")
    result = await hass.config_entries.flow.async_configure(
        flow_id, flow_input(printer, access_code="00000000")
    )
    assert result["step_id"] == "certificate"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "developer"
    assert result["errors"] == {CONF_ACCESS_CODE: "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(flow_id, flow_input(printer))
    assert result["step_id"] == "certificate"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_wrong_serial(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """A certificate naming another serial means another printer answered."""
    flow_id = await _start(hass, "developer")
    result = await hass.config_entries.flow.async_configure(
        flow_id, flow_input(printer, serial="01P00A000000000")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_SERIAL: "wrong_serial"}


async def test_unreachable_host(hass: HomeAssistant, socket_enabled: None) -> None:
    """Nothing listening: a host error, quickly."""
    sock_server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = sock_server.sockets[0].getsockname()[1]
    sock_server.close()
    await sock_server.wait_closed()
    flow_id = await _start(hass, "developer")
    info = PrinterInfo(
        model="P1S", product_name="Bambu Lab P1S", serial="01P00A000000001",
        access_code="12345678", host="127.0.0.1", mqtt_port=port, camera_port=None,
        fingerprint="0" * 64, secured=False,
    )  # fmt: skip
    result = await hass.config_entries.flow.async_configure(flow_id, flow_input(info))
    assert result["errors"] == {CONF_HOST: "cannot_connect"}


@pytest.fixture
async def plain_tcp_server(socket_enabled: None) -> AsyncIterator[int]:
    """Something that accepts TCP but does not speak TLS (e.g. a web server on that port)."""

    async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(_answer, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def test_not_a_printer(hass: HomeAssistant, plain_tcp_server: int) -> None:
    """A non-TLS service on the port is reported as such, not as 'unreachable'."""
    flow_id = await _start(hass, "developer")
    info = PrinterInfo(
        model="P1S", product_name="Bambu Lab P1S", serial="01P00A000000001",
        access_code="12345678", host="127.0.0.1", mqtt_port=plain_tcp_server, camera_port=None,
        fingerprint="0" * 64, secured=False,
    )  # fmt: skip
    result = await hass.config_entries.flow.async_configure(flow_id, flow_input(info))
    assert result["errors"] == {CONF_HOST: "not_a_printer"}


async def test_skip_tls_verify_unreachable(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Without the certificate step, an unreachable port is still a host error."""
    flow_id = await _start(hass, "developer")
    result = await hass.config_entries.flow.async_configure(
        flow_id, flow_input(printer, skip_tls_verify=True, mqtt_port=1)
    )
    assert result["errors"] == {CONF_HOST: "cannot_connect"}


async def test_skip_tls_verify(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """The explicit opt-out skips the certificate step and stores no fingerprint."""
    flow_id = await _start(hass, "local")
    result = await hass.config_entries.flow.async_configure(
        flow_id, flow_input(printer, skip_tls_verify=True)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_SKIP_TLS_VERIFY] is True
    assert CONF_FINGERPRINT not in result["data"]


@pytest.mark.parametrize(
    "printers", [[SimulatedPrinter(model="X1C", secured=True, seed=2, speed=TEST_SPEED)]]
)
async def test_developer_method_on_secured_printer_explains(
    hass: HomeAssistant, printer: PrinterInfo
) -> None:
    """Developer Mode is off on the printer: the flow says control will be missing."""
    flow_id = await _start(hass, "developer")
    await hass.config_entries.flow.async_configure(flow_id, flow_input(printer))
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "signed_commands"
    result = await hass.config_entries.flow.async_configure(flow_id, {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_MODEL] == "X1C"


async def test_already_configured(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """The same serial cannot be added twice."""
    entry_for(printer).add_to_hass(hass)
    flow_id = await _start(hass, "local")
    result = await hass.config_entries.flow.async_configure(flow_id, flow_input(printer))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_silent_printer(
    hass: HomeAssistant, printer: PrinterInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Login accepted but no status: a base error instead of hanging the flow.

    The simulator's printer logic is real; to make it silent we point the flow at the right
    broker with a serial whose topics nobody serves (the certificate check is skipped).
    """
    monkeypatch.setattr(config_flow, "PROBE_TIMEOUT", 1.0)
    flow_id = await _start(hass, "local")
    result = await hass.config_entries.flow.async_configure(
        flow_id, flow_input(printer, serial="01P00A000009999", skip_tls_verify=True)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "no_response"}


async def test_reauth(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Only the access code is asked; a wrong one is refused, the right one stored."""
    entry = entry_for(printer, access_code="00000000")
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["serial"] == printer.serial

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_CODE: "11111111"}
    )
    assert result["errors"] == {CONF_ACCESS_CODE: "invalid_auth"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_ACCESS_CODE: f" {printer.access_code} "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data[CONF_ACCESS_CODE] == printer.access_code


def _reconfigure_input(info: PrinterInfo, **overrides: object) -> dict[str, object]:
    data = flow_input(info, **overrides)
    data.pop(CONF_SERIAL)
    return data


async def test_reconfigure_new_address(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Same certificate at a new address: updated without asking again."""
    entry = entry_for(printer, host="192.0.2.1", access_code="00000000")
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _reconfigure_input(printer)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_HOST] == printer.host
    assert entry.data[CONF_ACCESS_CODE] == printer.access_code


async def test_reconfigure_errors(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """A wrong access code and an unreachable port are field errors on the same form."""
    entry = entry_for(printer)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _reconfigure_input(printer, access_code="00000000")
    )
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {CONF_ACCESS_CODE: "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _reconfigure_input(printer, mqtt_port=1)
    )
    assert result["errors"] == {CONF_HOST: "cannot_connect"}


async def test_reconfigure_skip_tls(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """Switching the opt-out on applies without a certificate step."""
    entry = entry_for(printer)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _reconfigure_input(printer, skip_tls_verify=True)
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data[CONF_SKIP_TLS_VERIFY] is True


@pytest.mark.parametrize(
    "printers",
    [
        [
            SimulatedPrinter(model="P1S", seed=3, speed=TEST_SPEED),
            SimulatedPrinter(model="A1", seed=4, speed=TEST_SPEED),
        ]
    ],
)
async def test_reconfigure_to_another_printer_aborts(
    hass: HomeAssistant, simulator: SimulatorThread
) -> None:
    """Pointing an entry at a different printer is refused."""
    first, second = simulator.printers
    entry = entry_for(first)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _reconfigure_input(second)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "different_device"


async def test_reconfigure_with_changed_certificate(
    hass: HomeAssistant, printer: PrinterInfo, socket_enabled: None
) -> None:
    """Same serial, new certificate (e.g. after a mainboard swap): shown and confirmed."""
    entry = entry_for(printer)
    entry.add_to_hass(hass)
    replacement = SimulatedPrinter(
        model="P1S", serial=printer.serial, access_code=printer.access_code, seed=9
    )
    with SimulatorThread([replacement]) as other:
        new = other.printers[0]
        assert new.fingerprint != printer.fingerprint
        result = await entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _reconfigure_input(new)
        )
        assert result["step_id"] == "certificate"
        assert result["description_placeholders"]["fingerprint"] == _colon_fingerprint(
            new.fingerprint
        )
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert result["reason"] == "reconfigure_successful"
        assert entry.data[CONF_FINGERPRINT] == new.fingerprint
        assert entry.data[CONF_MQTT_PORT] == new.mqtt_port
        await hass.async_block_till_done()  # the reload connects to the replacement
        assert entry.state is ConfigEntryState.LOADED
        await hass.config_entries.async_unload(entry.entry_id)


async def test_options_flow(hass: HomeAssistant, printer: PrinterInfo) -> None:
    """The full-refresh interval is an option with a 5-minute floor."""
    entry = entry_for(printer)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_FULL_REFRESH_MINUTES: 15, "room_sensors": [], "stall_minutes": 30},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {
        CONF_FULL_REFRESH_MINUTES: 15,
        "room_sensors": [],
        "nozzle_deviation": 15,
        "bed_deviation": 5,
        "stall_minutes": 30,
        "history_retention_days": 0,
        "timelapse": False,
        "camera_max_fps": 2,
        "failure_watch_enabled": False,  # the watch is off unless switched on
        "failure_watch_interval_minutes": 5,
        "failure_watch_max_frames_per_hour": 12,
        "failure_watch_suspect_percent": 60,
        "failure_watch_pause_percent": 85,
        "failure_watch_auto_pause": False,
    }
