"""Fixtures: printer-like certificates and a real TLS MQTT broker on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest

from custom_components.bambuprint_iq.core.printer.tls import PinnedCertificate

from .fake_printer_broker import FakePrinterBroker, LeafCertificate, make_leaf_certificate

SERIAL = "01P00A391800123"
OTHER_SERIAL = "00M09C470100456"
ACCESS_CODE = "73916428"


@dataclass(frozen=True)
class PrinterCertificates:
    """The printer's leaf, a renewed leaf for the same serial, and another printer's leaf."""

    printer: LeafCertificate
    renewed: LeafCertificate
    other_printer: LeafCertificate


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> PrinterCertificates:
    """Generated once per run; EC keys keep it fast."""
    root = tmp_path_factory.mktemp("printer-certs")
    return PrinterCertificates(
        printer=make_leaf_certificate(root / "printer", SERIAL, "Test Device CA"),
        renewed=make_leaf_certificate(root / "renewed", SERIAL, "Test Device CA"),
        other_printer=make_leaf_certificate(root / "other", OTHER_SERIAL, "Test Device CA"),
    )


@pytest.fixture
def pinned(certificates: PrinterCertificates) -> PinnedCertificate:
    """The policy a correctly set-up integration would use for the test printer."""
    return PinnedCertificate(fingerprint=certificates.printer.fingerprint, serial=SERIAL)


type BrokerFactory = Callable[..., Awaitable[FakePrinterBroker]]


@pytest.fixture
async def broker_factory(
    socket_enabled: None, certificates: PrinterCertificates
) -> AsyncIterator[BrokerFactory]:
    """Start brokers on demand; every one of them is shut down after the test."""
    started: list[FakePrinterBroker] = []

    async def start(
        certificate: LeafCertificate | None = None, *, replies: bool = True
    ) -> FakePrinterBroker:
        broker = FakePrinterBroker(
            certificate=certificate or certificates.printer,
            serial=SERIAL,
            access_code=ACCESS_CODE,
            replies=replies,
        )
        started.append(broker)
        await broker.start()
        return broker

    yield start
    for broker in started:
        await broker.stop()


@pytest.fixture
async def printer_broker(broker_factory: BrokerFactory) -> FakePrinterBroker:
    """A broker presenting the test printer's certificate and answering requests."""
    return await broker_factory()
