"""Certificate probing and the pinning policy, against real TLS listeners on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from datetime import UTC, datetime
import ssl
import time

import pytest

from custom_components.bambuprint_iq.core.printer.errors import (
    CannotConnect,
    CertificateMismatch,
    ConnectionTimeout,
    NotAPrinter,
    SerialMismatch,
)
from custom_components.bambuprint_iq.core.printer.tls import (
    InsecureSkipVerify,
    PinnedCertificate,
    async_probe_certificate,
    async_ssl_context,
    check_peer_certificate,
    normalize_fingerprint,
)

from .conftest import OTHER_SERIAL, SERIAL, PrinterCertificates
from .fake_printer_broker import FakePrinterBroker, free_port

type Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def plain_tcp_server(handler: Handler) -> AsyncIterator[int]:
    """A loopback TCP server without TLS; yields its port."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


async def test_probe_reads_the_leaf_without_logging_in(
    printer_broker: FakePrinterBroker, certificates: PrinterCertificates
) -> None:
    info = await async_probe_certificate("127.0.0.1", printer_broker.port, timeout=5)

    assert info.fingerprint == certificates.printer.fingerprint
    assert info.common_name == SERIAL
    assert info.issuer_common_name == "Test Device CA"
    assert info.not_before < datetime.now(UTC) < info.not_after
    await asyncio.sleep(0.2)
    assert printer_broker.journal.packets == []


async def test_probe_with_serial_accepts_any_case(printer_broker: FakePrinterBroker) -> None:
    info = await async_probe_certificate(
        "127.0.0.1", printer_broker.port, serial=SERIAL.lower(), timeout=5
    )

    assert info.common_name == SERIAL


async def test_probe_refuses_a_leaf_for_another_serial(printer_broker: FakePrinterBroker) -> None:
    with pytest.raises(SerialMismatch) as caught:
        await async_probe_certificate(
            "127.0.0.1", printer_broker.port, serial=OTHER_SERIAL, timeout=5
        )

    assert caught.value.expected_serial == OTHER_SERIAL
    assert caught.value.common_name == SERIAL


async def test_probe_of_a_closed_port_fails_fast(socket_enabled: None) -> None:
    started = time.monotonic()

    with pytest.raises(CannotConnect):
        await async_probe_certificate("127.0.0.1", free_port(), timeout=5)

    assert time.monotonic() - started < 2


async def test_probe_of_something_that_is_not_tls(socket_enabled: None) -> None:
    async def http_like(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()

    async with plain_tcp_server(http_like) as port:
        with pytest.raises(NotAPrinter):
            await async_probe_certificate("127.0.0.1", port, timeout=5)


async def test_probe_of_a_silent_peer_times_out(socket_enabled: None) -> None:
    released = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await released.wait()
        writer.close()

    async with plain_tcp_server(silent) as port:
        started = time.monotonic()
        with pytest.raises(ConnectionTimeout):
            await async_probe_certificate("127.0.0.1", port, timeout=0.3)
        assert time.monotonic() - started < 2
        released.set()


def test_pin_check_order_and_outcomes(certificates: PrinterCertificates) -> None:
    pinned = PinnedCertificate(fingerprint=certificates.printer.fingerprint, serial=SERIAL)

    check_peer_certificate(pinned, certificates.printer.der)
    with pytest.raises(CertificateMismatch):
        check_peer_certificate(pinned, certificates.renewed.der)
    with pytest.raises(SerialMismatch):
        check_peer_certificate(pinned, certificates.other_printer.der)
    with pytest.raises(NotAPrinter):
        check_peer_certificate(pinned, None)
    with pytest.raises(NotAPrinter):
        check_peer_certificate(pinned, b"not a certificate")
    check_peer_certificate(InsecureSkipVerify(), b"anything goes")


def test_fingerprints_are_normalised_and_validated(certificates: PrinterCertificates) -> None:
    canonical = certificates.printer.fingerprint
    colon_form = ":".join(canonical[i : i + 2] for i in range(0, 64, 2)).upper()

    assert normalize_fingerprint(colon_form) == canonical
    assert normalize_fingerprint(f"  {canonical.upper()} ") == canonical
    with pytest.raises(ValueError, match="SHA-256"):
        normalize_fingerprint("abc")
    with pytest.raises(ValueError, match="fingerprint"):
        PinnedCertificate(fingerprint=colon_form, serial=SERIAL)
    with pytest.raises(ValueError, match="serial"):
        PinnedCertificate(fingerprint=canonical, serial="")


async def test_contexts_are_built_once_per_policy(certificates: PrinterCertificates) -> None:
    policy = PinnedCertificate(fingerprint=certificates.printer.fingerprint, serial=SERIAL)

    first = await async_ssl_context(policy)
    second = await async_ssl_context(
        PinnedCertificate(fingerprint=certificates.printer.fingerprint, serial=SERIAL)
    )
    insecure = await async_ssl_context(InsecureSkipVerify())

    assert first is second
    assert insecure is not first
    assert not first.check_hostname
    assert not first.verify_flags & ssl.VERIFY_X509_STRICT
