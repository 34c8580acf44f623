"""Cloud MQTT: the printer reached with ``u_<uid>`` + token, and public-CA TLS verification.

The simulated printer's broker plays the cloud broker: it is given the account's
``u_<uid>`` + token login. Its certificate is self-made (CN = serial, no SAN), so the MQTT
test skips certificate checks; the public-CA policy is tested on its own against a local
TLS server with a test CA.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import json
import ssl

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.cloud import (
    BambuCloudClient,
    CloudCredentials,
    PublicCaVerification,
    async_public_ca_context,
    cloud_mqtt_settings,
)
from custom_components.bambuprint_iq.core.cloud.mqtt_settings import CloudMqttSettings
from custom_components.bambuprint_iq.core.printer.connection import pushall_request
from custom_components.bambuprint_iq.core.printer.errors import InvalidAccessCode
from custom_components.bambuprint_iq.core.printer.mqtt import PrinterMqttClient
from custom_components.bambuprint_iq.core.printer.tls import InsecureSkipVerify
from simulator import SimulatedPrinter, SimulatorThread
from tests.fakes.bambu_cloud import FakeAccount, FakeBambuCloud, device_entry

from .tls_certs import ServerCertificate, make_server_certificate

EMAIL = "cloudmqtt@example.com"
PASSWORD = "printer-owner-password"
UID = 4_040_404


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[SimulatorThread]:
    sim = SimulatorThread([SimulatedPrinter("P1S", seed=7, speed=30)])
    await asyncio.to_thread(sim.start)
    try:
        yield sim
    finally:
        await asyncio.to_thread(sim.close)


@pytest.fixture
async def signed_in(
    simulator: SimulatorThread,
) -> AsyncIterator[tuple[FakeBambuCloud, CloudCredentials]]:
    printer = simulator.printers[0]
    account = FakeAccount(
        email=EMAIL,
        password=PASSWORD,
        uid=UID,
        devices=[device_entry(printer.serial, access_code=printer.access_code)],
    )
    async with FakeBambuCloud([account]) as cloud, aiohttp.ClientSession() as session:
        client = BambuCloudClient(session, endpoints=cloud.endpoints())
        credentials = await client.async_login(EMAIL, PASSWORD)
        assert isinstance(credentials, CloudCredentials)
        (device,) = await client.async_get_devices(credentials)
        assert device.serial == printer.serial
        yield cloud, credentials


def _client_for(settings: CloudMqttSettings, received: asyncio.Queue[bytes]) -> PrinterMqttClient:
    # The simulator's broker certificate is self-made; see the module docstring.
    return PrinterMqttClient.from_settings(
        settings.to_connection_settings(InsecureSkipVerify()),
        on_message=received.put_nowait,
        on_connection_change=lambda _up: None,
    )


async def test_printer_status_through_the_cloud_login(
    simulator: SimulatorThread, signed_in: tuple[FakeBambuCloud, CloudCredentials]
) -> None:
    cloud, credentials = signed_in
    printer = simulator.printers[0]
    await asyncio.to_thread(
        simulator.add_credentials,
        printer.serial,
        credentials.mqtt_username,
        credentials.access_token,
    )
    settings = cloud_mqtt_settings(
        credentials, printer.serial, endpoints=cloud.endpoints(mqtt_port=printer.mqtt_port)
    )
    assert (settings.username, settings.password) == (f"u_{UID}", credentials.access_token)
    assert settings.report_topic == f"device/{printer.serial}/report"
    assert settings.request_topic == f"device/{printer.serial}/request"
    received: asyncio.Queue[bytes] = asyncio.Queue()
    client = _client_for(settings, received)

    await client.async_connect(10.0)
    try:
        await client.async_publish(pushall_request())
        status = await _next_full_status(received)
    finally:
        await client.async_disconnect()

    assert status["command"] == "push_status"
    assert isinstance(status.get("gcode_state"), str)


async def test_cloud_broker_refuses_a_token_it_does_not_know(
    simulator: SimulatorThread, signed_in: tuple[FakeBambuCloud, CloudCredentials]
) -> None:
    cloud, credentials = signed_in
    printer = simulator.printers[0]
    await asyncio.to_thread(
        simulator.add_credentials,
        printer.serial,
        credentials.mqtt_username,
        credentials.access_token,
    )
    newer = CloudCredentials.from_storage(
        {**credentials.to_storage(), "access_token": cloud.issue_token(EMAIL)}
    )
    settings = cloud_mqtt_settings(
        newer, printer.serial, endpoints=cloud.endpoints(mqtt_port=printer.mqtt_port)
    )
    client = _client_for(settings, asyncio.Queue())

    with pytest.raises(InvalidAccessCode):
        await client.async_connect(10.0)
    await client.async_disconnect()


async def _next_full_status(received: asyncio.Queue[bytes]) -> dict[str, object]:
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await received.get())
            body = message.get("print") if isinstance(message, dict) else None
            if (
                isinstance(body, dict)
                and body.get("command") == "push_status"
                and "gcode_state" in body
            ):
                return body


@pytest.mark.parametrize("serial", ["+", "#", "a/b", "01P/+/x", ""])
def test_serials_that_would_widen_the_subscription_are_refused(serial: str) -> None:
    with pytest.raises(ValueError, match="serial"):
        CloudMqttSettings(host="h", port=8883, username="u_1", password="t", serial=serial)


# -- public-CA TLS ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server_certificate(tmp_path_factory: pytest.TempPathFactory) -> ServerCertificate:
    return make_server_certificate(tmp_path_factory.mktemp("public-ca"))


@pytest.fixture
async def tls_port(
    socket_enabled: None, server_certificate: ServerCertificate
) -> AsyncIterator[int]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(server_certificate.cert_file, server_certificate.key_file)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # TLS is started here, not by the server, so a refused handshake ends in this handler
        # instead of reaching the event loop's exception handler.
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.start_tls(context)
            writer.write(b"hello")
            await writer.drain()
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def _handshake(port: int, context: ssl.SSLContext, server_hostname: str) -> bytes:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=context, server_hostname=server_hostname
    )
    try:
        return await reader.read(5)
    finally:
        writer.close()
        with contextlib.suppress(OSError, ssl.SSLError):
            await writer.wait_closed()


async def test_public_ca_policy_accepts_a_valid_chain_and_name(
    tls_port: int, server_certificate: ServerCertificate
) -> None:
    policy = PublicCaVerification(ca_file=str(server_certificate.ca_file))
    context = await async_public_ca_context(policy)

    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert await async_public_ca_context(policy) is context
    assert await _handshake(tls_port, context, "localhost") == b"hello"


async def test_public_ca_policy_refuses_a_wrong_host_name(
    tls_port: int, server_certificate: ServerCertificate
) -> None:
    context = await async_public_ca_context(
        PublicCaVerification(ca_file=str(server_certificate.ca_file))
    )

    with pytest.raises(ssl.SSLCertVerificationError):
        await _handshake(tls_port, context, "us.mqtt.bambulab.com")


async def test_public_bundle_does_not_trust_a_private_ca(tls_port: int) -> None:
    context = await async_public_ca_context(PublicCaVerification())

    with pytest.raises(ssl.SSLCertVerificationError):
        await _handshake(tls_port, context, "localhost")
