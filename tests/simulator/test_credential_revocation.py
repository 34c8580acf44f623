"""Revoking an extra broker login (a cloud token) cuts its clients off and refuses it after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator import SimulatedPrinter, SimulatorThread

from .helpers import PrinterClient, raw_connack

pytestmark = pytest.mark.usefixtures("socket_enabled")

CLOUD_USER = "u_4242"
TOKEN = "token-abc"
REFUSED = bytes([0x20, 0x02, 0x00, 0x05])
ACCEPTED = bytes([0x20, 0x02, 0x00, 0x00])


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread([SimulatedPrinter("P1S", seed=3, speed=30)]) as running:
        yield running


def test_revoked_login_is_disconnected_and_refused(sim: SimulatorThread) -> None:
    """The token's live session drops at once; the LAN login keeps working."""
    info = sim.printers[0]
    sim.add_credentials(info.serial, CLOUD_USER, TOKEN)
    cloud = PrinterClient(info, username=CLOUD_USER, password=TOKEN)
    lan = PrinterClient(info)
    try:
        assert cloud.connect() == 0
        assert lan.connect() == 0
        assert sim.revoke_credentials(info.serial, CLOUD_USER, TOKEN) is True
        assert cloud.disconnected.wait(5.0)
        assert not lan.disconnected.is_set()
    finally:
        cloud.close()
        lan.close()
    assert raw_connack(info, CLOUD_USER, TOKEN) == REFUSED
    assert raw_connack(info, "bblp", info.access_code) == ACCEPTED
    # Revoking something never accepted changes nothing.
    assert sim.revoke_credentials(info.serial, CLOUD_USER, TOKEN) is False


def test_revoking_while_the_broker_is_down(sim: SimulatorThread) -> None:
    """A stopped broker has nobody to disconnect; the login stays refused after restart."""
    info = sim.printers[0]
    sim.add_credentials(info.serial, CLOUD_USER, TOKEN)
    sim.stop_broker(info.serial)
    assert sim.revoke_credentials(info.serial, CLOUD_USER, TOKEN) is True
    sim.start_broker(info.serial)
    assert raw_connack(info, CLOUD_USER, TOKEN) == REFUSED
