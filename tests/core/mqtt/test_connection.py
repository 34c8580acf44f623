"""PrinterConnection (the per-printer supervisor) against a real TLS MQTT broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
import contextlib
import logging
import random

import pytest

from custom_components.bambuprint_iq.core.printer.connection import (
    ConnectionTimings,
    PrinterConnection,
    backoff_delay,
)
from custom_components.bambuprint_iq.core.printer.errors import (
    CertificateMismatch,
    InvalidAccessCode,
    NotConnected,
    PrinterConnectionError,
)
from custom_components.bambuprint_iq.core.printer.tls import PinnedCertificate

from .conftest import ACCESS_CODE, SERIAL, BrokerFactory, PrinterCertificates
from .fake_printer_broker import FakePrinterBroker, free_port

FAST = ConnectionTimings(
    connect_timeout=10,
    publish_timeout=10,
    backoff_initial=0.05,
    backoff_max=0.2,
    watchdog_timeout=30,
    pushall_min_interval=300,
)
PACKAGE_LOGGER = "custom_components.bambuprint_iq"
GET_VERSION = "info.get_version"
PUSHALL = "pushing.pushall"


class Observer:
    """Collects everything a PrinterConnection reports."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.availability: list[bool] = []
        self.fatal: list[PrinterConnectionError] = []

    def on_message(self, payload: bytes) -> None:
        self.messages.append(payload)

    def on_availability(self, available: bool) -> None:
        self.availability.append(available)

    def on_fatal_error(self, error: PrinterConnectionError) -> None:
        self.fatal.append(error)


def make_connection(
    port: int,
    policy: PinnedCertificate,
    observer: Observer,
    *,
    timings: ConnectionTimings = FAST,
    access_code: str = ACCESS_CODE,
    keepalive: int = 10,
) -> PrinterConnection:
    return PrinterConnection(
        host="127.0.0.1",
        port=port,
        serial=SERIAL,
        access_code=access_code,
        tls_policy=policy,
        on_message=observer.on_message,
        on_availability=observer.on_availability,
        on_fatal_error=observer.on_fatal_error,
        keepalive=keepalive,
        timings=timings,
        rng=random.Random(7),
    )


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll until ``condition`` holds; fail the test with a timeout otherwise."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running(connection: PrinterConnection) -> AsyncIterator[PrinterConnection]:
    await connection.async_start()
    try:
        yield connection
    finally:
        await connection.async_stop()


def our_records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(PACKAGE_LOGGER) and record.levelno == level
    ]


async def test_connect_asks_for_versions_then_full_status(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    observer = Observer()
    async with running(make_connection(printer_broker.port, pinned, observer)) as connection:
        await eventually(lambda: len(observer.messages) == 2)

        available_while_running = connection.available
        assert observer.availability == [True]
        assert printer_broker.journal.commands == [GET_VERSION, PUSHALL]
        assert b"get_version" in observer.messages[0]
        assert b"push_status" in observer.messages[1]

        await connection.async_publish({"print": {"sequence_id": "0", "command": "pause"}}, 1)
        await eventually(lambda: printer_broker.journal.commands[-1] == "print.pause")

    assert (available_while_running, connection.available) == (True, False)
    assert observer.availability == [True]  # stopping is not reported as an outage
    assert observer.fatal == []


async def test_pushall_requests_respect_interval_and_force_once_per_link(
    printer_broker: FakePrinterBroker, pinned: PinnedCertificate
) -> None:
    timings = ConnectionTimings(backoff_initial=0.05, backoff_max=0.2, pushall_min_interval=0.5)
    observer = Observer()
    connection = make_connection(printer_broker.port, pinned, observer, timings=timings)
    async with running(connection):
        await eventually(lambda: connection.available)

        assert await connection.async_request_pushall() is False
        # Forcing is allowed once per link, and this link already had its pushall.
        assert await connection.async_request_pushall(force=True) is False
        await asyncio.sleep(0.55)
        assert await connection.async_request_pushall() is True
        assert await connection.async_request_pushall() is False
        await eventually(lambda: printer_broker.journal.commands.count(PUSHALL) == 2)

    assert printer_broker.journal.commands == [GET_VERSION, PUSHALL, PUSHALL]
    assert await connection.async_request_pushall(force=True) is False  # stopped


async def test_outage_is_logged_once_and_recovery_once(
    printer_broker: FakePrinterBroker,
    pinned: PinnedCertificate,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=PACKAGE_LOGGER)
    observer = Observer()
    connection = make_connection(printer_broker.port, pinned, observer)
    async with running(connection):
        await eventually(lambda: printer_broker.journal.commands == [GET_VERSION, PUSHALL])

        await printer_broker.stop()
        await eventually(lambda: not connection.available)
        # Several reconnect attempts fail while the broker is down.
        await eventually(lambda: len(our_records(caplog, logging.DEBUG)) > 0, timeout=1)
        await asyncio.sleep(0.6)
        await printer_broker.start()
        await eventually(lambda: connection.available)

        assert observer.availability == [True, False, True]
        # Only a short blip: versions are asked again, the full status is not.
        await eventually(lambda: printer_broker.journal.commands.count(GET_VERSION) == 2)
        assert printer_broker.journal.commands.count(PUSHALL) == 1
        # A caller may still force one full status on this fresh link, but only one.
        assert await connection.async_request_pushall(force=True) is True
        assert await connection.async_request_pushall(force=True) is False

    retries = [m for m in our_records(caplog, logging.DEBUG) if "still unavailable" in m]
    assert len(retries) >= 2
    infos = our_records(caplog, logging.INFO)
    assert len([m for m in infos if "is unavailable" in m]) == 1
    assert len([m for m in infos if "reachable again" in m]) == 1
    assert our_records(caplog, logging.WARNING) == []
    assert ACCESS_CODE not in caplog.text


async def test_silent_link_is_replaced(
    broker_factory: BrokerFactory, pinned: PinnedCertificate
) -> None:
    broker = await broker_factory(replies=False)
    timings = ConnectionTimings(backoff_initial=0.05, backoff_max=0.2, watchdog_timeout=0.4)
    observer = Observer()
    async with running(make_connection(broker.port, pinned, observer, timings=timings)):
        await eventually(lambda: len(broker.journal.logins) >= 2)
        await eventually(lambda: observer.availability[-1:] == [True])
        await eventually(lambda: broker.journal.commands.count(GET_VERSION) >= 2)

    assert observer.availability[:3] == [True, False, True]
    assert broker.journal.commands[:3] == [GET_VERSION, PUSHALL, GET_VERSION]


async def test_wrong_access_code_stops_retrying(
    printer_broker: FakePrinterBroker,
    pinned: PinnedCertificate,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=PACKAGE_LOGGER)
    wrong_code = "11223344"
    observer = Observer()
    connection = make_connection(printer_broker.port, pinned, observer, access_code=wrong_code)
    async with running(connection):
        await eventually(lambda: observer.fatal != [])
        await asyncio.sleep(0.3)  # several backoff periods: no new attempt may follow

        assert [type(error) for error in observer.fatal] == [InvalidAccessCode]
        assert len(printer_broker.journal.logins) == 1
        assert observer.availability == []
        assert not connection.available

    assert len(our_records(caplog, logging.WARNING)) == 1
    assert wrong_code not in caplog.text
    assert wrong_code not in repr(connection)


async def test_changed_certificate_is_fatal_and_nothing_is_sent(
    broker_factory: BrokerFactory, certificates: PrinterCertificates, pinned: PinnedCertificate
) -> None:
    broker = await broker_factory(certificates.renewed)
    observer = Observer()
    async with running(make_connection(broker.port, pinned, observer)):
        await eventually(lambda: observer.fatal != [])
        await asyncio.sleep(0.2)

    [error] = observer.fatal
    assert isinstance(error, CertificateMismatch)
    assert error.fingerprint == certificates.renewed.fingerprint
    assert broker.journal.packets == []


async def test_stop_while_the_printer_is_unreachable(
    socket_enabled: None, pinned: PinnedCertificate
) -> None:
    observer = Observer()
    connection = make_connection(free_port(), pinned, observer)
    await connection.async_start()
    await asyncio.sleep(0.3)

    await connection.async_stop()

    assert not connection.available
    assert observer.availability == []
    assert observer.fatal == []
    with pytest.raises(NotConnected):
        await connection.async_publish({"info": {"command": "get_version"}})


async def test_stop_during_a_stuck_tls_handshake(
    socket_enabled: None, pinned: PinnedCertificate
) -> None:
    """The handshake runs in an executor thread; stopping must not wait for it or leak it."""
    released = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await released.wait()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = make_connection(port, pinned, Observer(), keepalive=1)
    await connection.async_start()
    await asyncio.sleep(0.2)

    async with asyncio.timeout(1):
        await connection.async_stop()

    released.set()
    server.close()
    await server.wait_closed()


async def test_start_twice_is_refused(socket_enabled: None, pinned: PinnedCertificate) -> None:
    connection = make_connection(free_port(), pinned, Observer())
    async with running(connection):
        with pytest.raises(RuntimeError):
            await connection.async_start()


def test_backoff_grows_to_the_cap_with_jitter() -> None:
    class Highest(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return b

    rng = random.Random(3)
    for attempt in range(12):
        delay = backoff_delay(attempt, 1.0, 60.0, rng)
        assert 0.5 <= delay <= min(60.0, 2.0**attempt)
    assert [backoff_delay(n, 1.0, 60.0, Highest()) for n in range(8)] == [
        1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0,
    ]  # fmt: skip
    assert backoff_delay(500, 1.0, 60.0, Highest()) == 60.0


@pytest.mark.parametrize(
    "arguments",
    [{"backoff_initial": 0}, {"backoff_initial": 5, "backoff_max": 1}, {"watchdog_timeout": 0}],
)
def test_nonsensical_timings_are_rejected(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        ConnectionTimings(**arguments)
