"""The shared stream: one upstream link for every viewer, opened on demand, closed when idle."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from custom_components.bambuprint_iq.core.camera import (
    CameraAccessDenied,
    CameraEndpoint,
    CameraStreamClosed,
    CameraUnavailable,
)
from custom_components.bambuprint_iq.core.printer.errors import CertificateMismatch
from simulator import CameraFault, PrinterInfo, SimulatorThread

from .conftest import (
    SIM_FRAME_INTERVAL,
    StreamFactory,
    collect,
    endpoint_for,
    open_jpeg,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")


def _active(sim: SimulatorThread, serial: str) -> tuple[int, int, int, int]:
    stats = sim.camera_stats(serial)
    assert stats is not None
    return stats.active, stats.peak, stats.accepted, stats.rejected


async def test_nothing_connects_until_asked(
    sim: SimulatorThread, printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer))
    await asyncio.sleep(0.3)
    assert _active(sim, printer.serial) == (0, 0, 0, 0)
    assert not stream.stats.upstream_open


async def test_two_viewers_and_stills_share_one_upstream(
    sim: SimulatorThread, printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer))
    async with stream.watch() as first, stream.watch() as second:
        frames_a, frames_b = await asyncio.gather(collect(first, 3), collect(second, 3))
        still = await stream.get_frame(max_age=5.0)
        assert stream.stats.viewers == 2
        active, peak, accepted, _ = _active(sim, printer.serial)
        assert (active, peak, accepted) == (1, 1, 1)
    for frame in (*frames_a, *frames_b, still):
        open_jpeg(frame.jpeg)
    # Both viewers were fed from the same upstream frames.
    assert {f.sequence for f in frames_a} & {f.sequence for f in frames_b}
    assert stream.stats.connects == 1


async def test_idle_close_and_reopen_on_demand(
    sim: SimulatorThread, printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer), idle_timeout=0.3)
    first = await stream.get_frame()
    assert _active(sim, printer.serial)[0] == 1
    await wait_until(lambda: _active(sim, printer.serial)[0] == 0, what="idle close")
    assert not stream.stats.upstream_open
    # A still within max_age is served from the cache without touching the printer.
    assert await stream.get_frame(max_age=60.0) is first
    assert _active(sim, printer.serial)[2] == 1
    # An older cache reconnects.
    second = await stream.get_frame(max_age=0.0)
    assert second.sequence > first.sequence
    assert _active(sim, printer.serial)[1:3] == (1, 2)  # never two links at once
    assert stream.latest is second


async def test_a_returning_viewer_cancels_the_idle_close(
    sim: SimulatorThread, printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer), idle_timeout=0.5)
    await stream.get_frame()
    await asyncio.sleep(0.2)
    async with stream.watch() as viewer:
        await collect(viewer, 2)
        await asyncio.sleep(0.5)
        assert _active(sim, printer.serial)[:3] == (1, 1, 1)
    assert stream.stats.connects == 1


async def test_wrong_access_code_is_raised_and_not_retried(
    sim: SimulatorThread, printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer, access_code="00000000"))
    started = time.monotonic()
    with pytest.raises(CameraAccessDenied, match="access code"):
        await stream.get_frame(timeout=10.0)
    assert time.monotonic() - started < 3.0
    rejected = _active(sim, printer.serial)[3]
    assert rejected == 2  # a second hang-up confirms it is the code, not a busy printer
    # Further requests fail at once without knocking on the printer again.
    with pytest.raises(CameraAccessDenied):
        await stream.get_frame()
    with pytest.raises(CameraAccessDenied):
        async with stream.watch():
            pass
    await asyncio.sleep(0.3)
    assert _active(sim, printer.serial)[3] == rejected
    assert not stream.stats.upstream_open


async def test_certificate_mismatch_reaches_waiting_viewers(
    printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer, fingerprint="cd" * 32))
    with pytest.raises(CertificateMismatch):
        async with stream.watch() as viewer:
            await collect(viewer, 1)


@pytest.mark.parametrize("fault", list(CameraFault))
async def test_broken_frames_are_skipped_and_streaming_continues(
    sim: SimulatorThread, printer: PrinterInfo, make_stream: StreamFactory, fault: CameraFault
) -> None:
    stream = make_stream(endpoint_for(printer))
    async with stream.watch() as viewer:
        before = await collect(viewer, 1)
        sim.inject_camera_fault(printer.serial, fault)
        after = await collect(viewer, 3)
    for frame in (*before, *after):
        open_jpeg(frame.jpeg)
    stats = stream.stats
    assert stats.connects == 2  # resynchronised by reconnecting
    assert stats.last_error is not None
    if fault is CameraFault.GARBAGE_HEADER:
        assert stats.frames_rejected == 1


async def test_frame_rate_cap(printer: PrinterInfo, make_stream: StreamFactory) -> None:
    stream = make_stream(endpoint_for(printer))
    async with stream.watch(max_fps=1.0) as viewer:
        stamps = []
        async for _ in viewer:
            stamps.append(time.monotonic())
            if len(stamps) == 4:
                break
        gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
        assert min(gaps) >= 0.99
        assert viewer.skipped >= 2  # the camera sends two frames per second
    async with stream.watch(max_fps=100.0) as fast:
        frames = await collect(fast, 3)
    gaps = [b.received_monotonic - a.received_monotonic for a, b in itertools.pairwise(frames)]
    assert min(gaps) >= SIM_FRAME_INTERVAL * 0.8  # never faster than the camera itself


async def test_slow_viewer_skips_frames_instead_of_buffering(
    printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer))
    async with stream.watch(max_fps=50.0) as slow:
        first = await collect(slow, 1)
        await asyncio.sleep(5 * SIM_FRAME_INTERVAL)  # a client that stopped reading
        latest_before = stream.latest
        (next_frame,) = await collect(slow, 1)
    assert latest_before is not None
    # It gets the newest frame, not the oldest it missed.
    assert next_frame.sequence >= latest_before.sequence
    assert next_frame.sequence - first[0].sequence >= 2
    assert slow.skipped == next_frame.sequence - first[0].sequence - 1 >= 1


async def test_still_times_out_with_the_cause(
    printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    closed_port = CameraEndpoint(
        host="127.0.0.1", port=1, access_code=printer.access_code, tls=endpoint_for(printer).tls
    )
    stream = make_stream(closed_port)
    with pytest.raises(CameraUnavailable) as info:
        await stream.get_frame(timeout=0.5)
    assert info.value.__cause__ is not None
    assert "cannot reach" in str(info.value.__cause__)


async def test_close_ends_viewers_quietly(printer: PrinterInfo, make_stream: StreamFactory) -> None:
    stream = make_stream(endpoint_for(printer))
    received = []

    async def watch() -> None:
        async with stream.watch() as viewer:
            async for frame in viewer:
                received.append(frame)

    watcher = asyncio.create_task(watch())
    await wait_until(lambda: len(received) >= 1, what="first frame")
    await stream.async_close()
    await asyncio.wait_for(watcher, 2.0)
    assert not stream.stats.upstream_open
    with pytest.raises(CameraStreamClosed):
        await stream.get_frame(max_age=0.0)
