"""PrinterMqttClient against a real TLS MQTT broker on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import ssl
import threading
import time

import pytest

from custom_components.bambuprint_iq.core.printer.errors import (
    CannotConnect,
    CertificateMismatch,
    InvalidAccessCode,
    NotConnected,
    SerialMismatch,
)
from custom_components.bambuprint_iq.core.printer.mqtt import PrinterMqttClient
from custom_components.bambuprint_iq.core.printer.tls import (
    InsecureSkipVerify,
    PinnedCertificate,
    TlsPolicy,
)

from .conftest import ACCESS_CODE, SERIAL, BrokerFactory, PrinterCertificates
from .fake_printer_broker import FakePrinterBroker, free_port
from .raw_mqtt import coalescing_server


class Recorder:
    """Collects what a client reports through its callbacks."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.changes: list[bool] = []
        self.message_arrived = asyncio.Event()

    def on_message(self, payload: bytes) -> None:
        self.messages.append(payload)
        self.message_arrived.set()

    def on_connection_change(self, connected: bool) -> None:
        self.changes.append(connected)

    async def wait_for_messages(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.messages) < count:
                self.message_arrived.clear()
                await self.message_arrived.wait()


def make_client(
    port: int,
    policy: TlsPolicy,
    recorder: Recorder,
    access_code: str = ACCESS_CODE,
) -> PrinterMqttClient:
    return PrinterMqttClient(
        host="127.0.0.1",
        port=port,
        serial=SERIAL,
        access_code=access_code,
        tls_policy=policy,
        on_message=recorder.on_message,
        on_connection_change=recorder.on_connection_change,
    )


async def settle() -> None:
    """Give the broker's fire-and-forget plugin events a moment to land in the journal."""
    await asyncio.sleep(0.2)


async def test_pinned_connect_subscribes_and_disconnects(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    recorder = Recorder()
    client = make_client(printer_broker.port, pinned, recorder)

    await client.async_connect(timeout=5)
    connected_before = client.connected

    assert client.client_id.startswith("bambuprint-iq-")
    assert recorder.changes == [True]
    await settle()
    assert printer_broker.journal.logins == [("bblp", True)]
    assert "SubscribePacket" in printer_broker.journal.packets

    await client.async_disconnect()

    assert (connected_before, client.connected) == (True, False)
    assert recorder.changes == [True, False]
    await settle()
    assert printer_broker.journal.packets[-1] == "DisconnectPacket"


async def test_changed_certificate_fails_before_credentials_are_sent(
    broker_factory: BrokerFactory, certificates: PrinterCertificates, pinned: PinnedCertificate
) -> None:
    broker = await broker_factory(certificates.renewed)
    recorder = Recorder()
    client = make_client(broker.port, pinned, recorder)

    with pytest.raises(CertificateMismatch) as caught:
        await client.async_connect(timeout=5)

    assert caught.value.fingerprint == certificates.renewed.fingerprint
    assert caught.value.pinned_fingerprint == certificates.printer.fingerprint
    assert not client.connected
    assert recorder.changes == []
    await settle()
    # The broker never parsed a CONNECT, so the access code never left the client.
    assert broker.journal.packets == []
    assert broker.journal.logins == []


async def test_certificate_naming_another_serial_is_refused(
    broker_factory: BrokerFactory, certificates: PrinterCertificates
) -> None:
    broker = await broker_factory(certificates.other_printer)
    # Even the right fingerprint does not help when the leaf names another printer.
    policy = PinnedCertificate(fingerprint=certificates.other_printer.fingerprint, serial=SERIAL)
    client = make_client(broker.port, policy, Recorder())

    with pytest.raises(SerialMismatch) as caught:
        await client.async_connect(timeout=5)

    assert caught.value.common_name == certificates.other_printer.common_name
    await settle()
    assert broker.journal.packets == []


async def test_insecure_policy_accepts_any_certificate(
    broker_factory: BrokerFactory, certificates: PrinterCertificates
) -> None:
    broker = await broker_factory(certificates.other_printer)
    client = make_client(broker.port, InsecureSkipVerify(), Recorder())

    await client.async_connect(timeout=5)

    assert client.connected
    await client.async_disconnect()


async def test_wrong_access_code_is_reported_as_such(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    recorder = Recorder()
    client = make_client(printer_broker.port, pinned, recorder, access_code="00000000")

    with pytest.raises(InvalidAccessCode):
        await client.async_connect(timeout=5)

    assert not client.connected
    assert recorder.changes == []
    await settle()
    assert printer_broker.journal.logins == [("bblp", False)]


async def test_closed_port_fails_fast(socket_enabled: None, pinned: PinnedCertificate) -> None:
    client = make_client(free_port(), pinned, Recorder())
    started = time.monotonic()

    with pytest.raises(CannotConnect):
        await client.async_connect(timeout=5)

    assert time.monotonic() - started < 2
    await client.async_disconnect()  # harmless after a failed connect


async def test_publish_and_receive_round_trip(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    recorder = Recorder()
    client = make_client(printer_broker.port, pinned, recorder)
    await client.async_connect(timeout=5)

    await client.async_publish({"info": {"sequence_id": "0", "command": "get_version"}})
    await recorder.wait_for_messages(1)
    await client.async_publish(b'{"pushing":{"sequence_id":"0","command":"pushall"}}', qos=1)
    await recorder.wait_for_messages(2)

    assert printer_broker.journal.commands == ["info.get_version", "pushing.pushall"]
    version = json.loads(recorder.messages[0])
    assert version["info"]["module"][0]["sn"] == SERIAL
    assert json.loads(recorder.messages[1])["print"]["msg"] == 0
    await client.async_disconnect()


async def test_burst_of_reports_is_delivered_completely_and_in_order(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    """Many small reports share TLS records; none may be stuck in the TLS buffer."""
    recorder = Recorder()
    client = make_client(printer_broker.port, pinned, recorder)
    await client.async_connect(timeout=5)

    for index in range(60):
        await printer_broker.publish_report(json.dumps({"print": {"n": index}}).encode())
    await recorder.wait_for_messages(60)

    assert [json.loads(m)["print"]["n"] for m in recorder.messages] == list(range(60))
    await client.async_disconnect()


async def test_broker_going_away_is_reported_once(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    recorder = Recorder()
    client = make_client(printer_broker.port, pinned, recorder)
    await client.async_connect(timeout=5)

    await printer_broker.stop()
    async with asyncio.timeout(5):
        await client.async_wait_closed()

    assert recorder.changes == [True, False]
    assert not client.connected
    with pytest.raises(NotConnected):
        await client.async_publish({"info": {"command": "get_version"}})


async def test_a_client_connects_only_once(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    client = make_client(printer_broker.port, pinned, Recorder())
    await client.async_connect(timeout=5)
    await client.async_disconnect()

    with pytest.raises(RuntimeError):
        await client.async_connect(timeout=5)


async def test_access_code_stays_out_of_repr(pinned: PinnedCertificate) -> None:
    client = make_client(8883, pinned, Recorder())

    assert ACCESS_CODE not in repr(client)
    assert ACCESS_CODE not in repr(client.settings)
    assert SERIAL in repr(client)


@pytest.mark.parametrize(
    ("field", "value"),
    [("serial", "01P/#"), ("serial", ""), ("host", ""), ("port", 0), ("access_code", "")],
)
def test_unusable_settings_are_rejected(
    field: str, value: object, pinned: PinnedCertificate
) -> None:
    arguments: dict[str, object] = {
        "host": "127.0.0.1",
        "serial": SERIAL,
        "access_code": ACCESS_CODE,
        "tls_policy": pinned,
        "on_message": Recorder().on_message,
        "on_connection_change": Recorder().on_connection_change,
        field: value,
    }
    with pytest.raises(ValueError, match="must"):
        PrinterMqttClient(**arguments)  # type: ignore[arg-type]


async def test_printers_do_not_cost_a_thread_each(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    loop = asyncio.get_running_loop()
    # Let the shared executor grow to its limit first, so only per-client threads could
    # still add to the count.
    await asyncio.gather(*(loop.run_in_executor(None, time.sleep, 0.02) for _ in range(32)))
    before = set(threading.enumerate())
    recorders = [Recorder() for _ in range(10)]
    clients = [make_client(printer_broker.port, pinned, recorder) for recorder in recorders]

    await asyncio.gather(*(client.async_connect(timeout=10) for client in clients))
    for index in range(3):
        await printer_broker.publish_report(json.dumps({"print": {"n": index}}).encode())
    await asyncio.gather(*(recorder.wait_for_messages(3, timeout=10) for recorder in recorders))

    assert all(client.connected for client in clients)
    # Unrelated libraries may start a helper thread of their own at any time; one thread
    # per client would add ten.
    new_threads = set(threading.enumerate()) - before
    assert len(new_threads) <= 1, sorted(thread.name for thread in new_threads)
    await asyncio.gather(*(client.async_disconnect() for client in clients))


async def test_reports_sharing_one_tls_record_are_all_delivered(
    socket_enabled: None, certificates: PrinterCertificates, pinned: PinnedCertificate
) -> None:
    """Without draining the TLS buffer, the second and third report would sit there unseen."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates.printer.certfile, certificates.printer.keyfile)
    reports = [json.dumps({"print": {"n": n}}).encode() for n in range(3)]
    recorder = Recorder()

    async with coalescing_server(context, reports, f"device/{SERIAL}/report") as port:
        client = make_client(port, pinned, recorder)
        await client.async_connect(timeout=5)
        try:
            await recorder.wait_for_messages(3, timeout=2)
        finally:
            await client.async_disconnect()

    assert recorder.messages == reports


async def test_disconnect_while_another_task_is_connecting(
    socket_enabled: None, pinned: PinnedCertificate
) -> None:
    """The TLS handshake is stuck in the executor; disconnect waits for it, then cleans up."""
    released = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await released.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    recorder = Recorder()
    client = PrinterMqttClient(
        host="127.0.0.1",
        port=port,
        serial=SERIAL,
        access_code=ACCESS_CODE,
        tls_policy=pinned,
        on_message=recorder.on_message,
        on_connection_change=recorder.on_connection_change,
        keepalive=1,  # paho's handshake timeout, so the stuck thread gives up quickly
    )
    connecting = asyncio.create_task(client.async_connect(timeout=10))
    await asyncio.sleep(0.2)

    async with asyncio.timeout(5):
        await client.async_disconnect()
    with pytest.raises(CannotConnect):
        await connecting

    assert not client.connected
    assert recorder.changes == []
    released.set()
    server.close()
    await server.wait_closed()
