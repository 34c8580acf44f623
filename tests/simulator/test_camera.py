"""The port-6000 style JPEG camera, exercised with a hand-written asyncio TLS client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import io
import struct

from PIL import Image
import pytest

from simulator import CameraFault, PrinterInfo, SimulatedPrinter, SimulatorFleet

from .helpers import client_context

pytestmark = pytest.mark.usefixtures("socket_enabled")


def auth_packet(username: str, code: str) -> bytes:
    """The 80-byte packet, built from the protocol description."""
    return (
        struct.pack("<IIII", 0x40, 0x3000, 0, 0)
        + username.encode().ljust(32, b"\0")
        + code.encode().ljust(32, b"\0")
    )


@contextlib.asynccontextmanager
async def camera_stream(
    info: PrinterInfo, code: str | None = None
) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    assert info.camera_port is not None
    reader, writer = await asyncio.open_connection(
        info.host, info.camera_port, ssl=client_context(), server_hostname=info.serial
    )
    try:
        writer.write(auth_packet("bblp", info.access_code if code is None else code))
        await writer.drain()
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


async def read_frame(reader: asyncio.StreamReader) -> bytes:
    header = await asyncio.wait_for(reader.readexactly(16), 10)
    length, itrack, flags, reserved = struct.unpack("<IIII", header)
    assert (itrack, flags, reserved) == (0, 1, 0)
    assert 0 < length < 2_000_000
    return await asyncio.wait_for(reader.readexactly(length), 10)


@pytest.fixture
async def fleet() -> AsyncIterator[SimulatorFleet]:
    printers = [
        SimulatedPrinter("P1S", seed=2, speed=5),
        SimulatedPrinter("A1MINI", seed=2, speed=5),
        SimulatedPrinter("X1C", seed=2),
    ]
    async with SimulatorFleet(printers) as running:
        yield running


async def test_good_code_streams_valid_changing_jpegs(fleet: SimulatorFleet) -> None:
    info = fleet.printers[0]
    async with camera_stream(info) as (reader, _writer):
        first = await read_frame(reader)
        second = await read_frame(reader)
    for jpeg in (first, second):
        assert jpeg[:2] == b"\xff\xd8"
        assert jpeg[-2:] == b"\xff\xd9"
        image = Image.open(io.BytesIO(jpeg))
        assert image.format == "JPEG"
        assert image.size == (1280, 720)
    assert first != second


async def test_wrong_code_is_closed_without_a_byte(fleet: SimulatorFleet) -> None:
    info = fleet.printers[1]
    async with camera_stream(info, code="99999999") as (reader, _writer):
        try:
            data = await asyncio.wait_for(reader.read(4096), 5)
        except (ConnectionError, OSError):
            data = b""
    assert data == b""
    stats = fleet.camera_stats(info.serial)
    assert stats is not None
    assert (stats.rejected, stats.accepted) == (1, 0)


async def test_connections_are_counted(fleet: SimulatorFleet) -> None:
    info = fleet.printers[0]
    async with camera_stream(info) as (first, _), camera_stream(info) as (second, _):
        await read_frame(first)
        await read_frame(second)
        stats = fleet.camera_stats(info.serial)
        assert stats is not None
        assert (stats.active, stats.peak) == (2, 2)
    for _ in range(50):
        stats = fleet.camera_stats(info.serial)
        assert stats is not None
        if stats.active == 0:
            break
        await asyncio.sleep(0.05)
    assert (stats.active, stats.peak, stats.accepted) == (0, 2, 2)
    assert fleet.camera_stats(fleet.printers[2].serial) is None  # X1C streams RTSP instead
    assert fleet.printers[2].camera_port is None


@pytest.mark.parametrize("fault", list(CameraFault))
async def test_injected_fault_breaks_one_frame_then_closes(
    fleet: SimulatorFleet, fault: CameraFault
) -> None:
    info = fleet.printers[0]
    fleet.inject_camera_fault(info.serial, fault)
    async with camera_stream(info) as (reader, _writer):
        header = await asyncio.wait_for(reader.readexactly(16), 10)
        length, _itrack, flags, _reserved = struct.unpack("<IIII", header)
        rest = await asyncio.wait_for(reader.read(4_000_000), 10)
        while chunk := await asyncio.wait_for(reader.read(4_000_000), 10):
            rest += chunk
    if fault is CameraFault.TRUNCATED_FRAME:
        assert flags == 1
        assert 0 < len(rest) < length
    else:
        assert flags != 1 or length > 10_000_000
        assert rest == b""
    async with camera_stream(info) as (reader, _writer):
        assert (await read_frame(reader))[:2] == b"\xff\xd8"  # next stream is healthy again
