"""SSDP discovery: parsing printer NOTIFYs, and real UDP datagrams on a loopback port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
import socket

import pytest

from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.ssdp import (
    MAX_DATAGRAM_BYTES,
    SsdpDiscovery,
    SsdpListener,
    SsdpListenError,
    async_discover,
    parse_notify,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")

LOOPBACK = "127.0.0.1"


def notify(
    serial: str = "01P00C441000456",
    location: str = "192.168.20.31",
    *,
    model: str = "C12",
    extra: tuple[str, ...] = (),
    newline: str = "\r\n",
    drop: tuple[str, ...] = (),
) -> bytes:
    """A NOTIFY the way a printer sends it; ``drop`` removes headers by name."""
    lines = [
        "NOTIFY * HTTP/1.1",
        "HOST: 239.255.255.250:1990",
        "Server: UPnP/1.0",
        f"Location: {location}",
        "NT: urn:bambulab-com:device:3dprinter:1",
        "NTS: ssdp:alive",
        f"USN: {serial}",
        "Cache-Control: max-age=1800",
        f"DevModel.bambu.com: {model}",
        "DevName.bambu.com: Office P1S",
        "DevConnect.bambu.com: lan",
        "DevBind.bambu.com: free",
        "Devseclink.bambu.com: secure",
        "DevVersion.bambu.com: 01.08.02.00",
        "DevCap.bambu.com: 1",
        *extra,
    ]
    kept = [line for line in lines if line.split(":", 1)[0] not in drop]
    return (newline.join(kept) + newline + newline).encode("utf-8")


def test_parse_a_printer_announcement() -> None:
    found = parse_notify(notify())

    assert found == SsdpDiscovery(
        serial="01P00C441000456",
        host="192.168.20.31",
        model=PrinterModel.P1S,
        model_id="C12",
        name="Office P1S",
        connect_mode="lan",
        bind_state="free",
        firmware="01.08.02.00",
    )
    assert found.lan_only


def test_bare_newlines_lowercase_headers_and_unicode_names() -> None:
    datagram = (
        notify(newline="\n")
        .replace(b"Location", b"location")
        .replace(b"Office P1S", "Drucker \u00fc\u0431".encode())
    )

    found = parse_notify(datagram)

    assert found is not None
    assert (found.host, found.name) == ("192.168.20.31", "Drucker \u00fc\u0431")


def test_model_falls_back_to_the_serial_prefix() -> None:
    found = parse_notify(notify("03919A3B1900123", model="Z99"))

    assert found is not None
    assert (found.model, found.model_id) == (PrinterModel.A1, "Z99")


def test_announcement_without_nt_but_with_bambu_headers() -> None:
    found = parse_notify(notify(drop=("NT",)))

    assert found is not None
    assert found.serial == "01P00C441000456"


@pytest.mark.parametrize(
    "datagram",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nUSN: 01P00C441000456\r\nLocation: 10.0.0.2\r\n\r\n",
        notify().replace(b"ssdp:alive", b"ssdp:byebye"),
        notify().replace(b"3dprinter", b"mediaserver"),
        notify(drop=("NT", "DevModel.bambu.com")),
        notify(drop=("USN",)),
        notify(drop=("Location",)),
        notify("01P-00C44"),
        notify("short"),
        notify(location="http://192.168.20.31:80/desc.xml"),
        notify(location="printer.local"),
        notify(location="0.0.0.0"),
        notify(location="239.255.255.250"),
        notify(location="255.255.255.255"),
        notify(extra=("X-Padding: " + "x" * MAX_DATAGRAM_BYTES,)),
    ],
)
def test_everything_else_is_ignored(datagram: bytes) -> None:
    assert parse_notify(datagram) is None


def test_real_p2s_announcement(shared_dir: Path) -> None:
    path = shared_dir / "fixtures" / "payloads" / "P2S_ssdp_notify_1.txt"
    if not path.is_file():
        pytest.skip("captured SSDP datagram not present")

    found = parse_notify(path.read_bytes())

    assert found is not None
    assert (found.serial, found.host, found.model, found.model_id) == (
        "22E8BJ610801473",
        "10.13.1.30",
        PrinterModel.P2S,
        "N7",
    )
    assert (found.connect_mode, found.bind_state, found.firmware) == (
        "cloud",
        "occupied",
        "01.02.00.00",
    )
    assert found.name
    assert not found.lan_only


# -- real datagrams -------------------------------------------------------------------------


async def send(port: int, *datagrams: bytes) -> None:
    """Send each datagram from a fresh UDP socket to the loopback listener."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        asyncio.DatagramProtocol, remote_addr=(LOOPBACK, port)
    )
    try:
        for datagram in datagrams:
            transport.sendto(datagram)
    finally:
        transport.close()


@pytest.fixture
async def heard() -> AsyncIterator[tuple[SsdpListener, asyncio.Queue[SsdpDiscovery]]]:
    queue: asyncio.Queue[SsdpDiscovery] = asyncio.Queue()
    async with SsdpListener(queue.put_nowait, port=0, bind_address=LOOPBACK) as listener:
        yield listener, queue


async def test_listener_reports_printers_and_ignores_garbage(
    heard: tuple[SsdpListener, asyncio.Queue[SsdpDiscovery]],
) -> None:
    listener, queue = heard
    assert listener.port != 0

    await send(
        listener.port,
        b"\x16\x03\x01 not ssdp at all",
        notify("01P00C441000456", "192.168.20.31"),
        b"NOTIFY * HTTP/1.1\r\nUSN: x\r\n\r\n",
        notify("00M09A350100123", "192.168.20.40", model="BL-P001"),
    )

    async with asyncio.timeout(5):
        first, second = await queue.get(), await queue.get()
    assert (first.serial, first.model) == ("01P00C441000456", PrinterModel.P1S)
    assert (second.serial, second.model, second.host) == (
        "00M09A350100123",
        PrinterModel.X1C,
        "192.168.20.40",
    )
    await asyncio.sleep(0.1)
    assert queue.empty()


async def test_a_failing_callback_does_not_stop_the_listener() -> None:
    seen: list[str] = []

    def handle(discovery: SsdpDiscovery) -> None:
        seen.append(discovery.serial)
        if len(seen) == 1:
            raise RuntimeError("consumer bug")

    async with SsdpListener(handle, port=0, bind_address=LOOPBACK) as listener:
        await send(listener.port, notify("01P00C441000456"), notify("00M09A350100123"))
        async with asyncio.timeout(5):
            while len(seen) < 2:
                await asyncio.sleep(0.01)

    assert seen == ["01P00C441000456", "00M09A350100123"]


async def test_discover_returns_distinct_printers_with_their_latest_address() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((LOOPBACK, 0))
        port = probe.getsockname()[1]

    async def announce() -> None:
        await asyncio.sleep(0.1)
        await send(
            port,
            notify("01P00C441000456", "192.168.20.31"),
            notify("00M09A350100123", "192.168.20.40", model="BL-P001"),
            b"garbage",
            notify("01P00C441000456", "192.168.20.99"),
        )

    sender = asyncio.create_task(announce())
    found = await async_discover(0.6, port=port, bind_address=LOOPBACK)
    await sender

    assert {(item.serial, item.host) for item in found} == {
        ("01P00C441000456", "192.168.20.99"),
        ("00M09A350100123", "192.168.20.40"),
    }


async def test_port_shared_with_other_listeners() -> None:
    first = SsdpListener(lambda _: None, port=0, bind_address=LOOPBACK)
    async with first:
        second = SsdpListener(lambda _: None, port=first.port, bind_address=LOOPBACK)
        async with second:
            assert second.port == first.port


async def test_port_held_exclusively_by_someone_else() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as holder:
        holder.bind((LOOPBACK, 0))
        port = holder.getsockname()[1]
        listener = SsdpListener(lambda _: None, port=port, bind_address=LOOPBACK)

        with pytest.raises(SsdpListenError):
            await listener.async_start()
        await listener.async_stop()


async def test_listener_validation_and_restart_rules() -> None:
    with pytest.raises(ValueError, match="port"):
        SsdpListener(lambda _: None, port=70000)
    with pytest.raises(ValueError, match="duration"):
        await async_discover(0)
    async with SsdpListener(lambda _: None, port=0, bind_address=LOOPBACK) as listener:
        with pytest.raises(RuntimeError):
            await listener.async_start()
    await listener.async_stop()  # stopping twice is harmless
