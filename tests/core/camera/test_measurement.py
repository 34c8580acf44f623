"""Relay cost of the shared stream: frames/s and client CPU per frame, one and five viewers.

Prints its figures; the assertions only check that the relay works and stays shared.
The simulator runs on its own thread, so ``time.thread_time()`` on the test's thread is
the client's cost alone: TLS decryption, frame parsing and MJPEG chunk building.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from custom_components.bambuprint_iq.core.camera import SharedCameraStream, mjpeg_chunks
from simulator import PrinterInfo, SimulatorThread

from .conftest import StreamFactory, endpoint_for

pytestmark = pytest.mark.usefixtures("socket_enabled")
MEASURE_SECONDS = 3.0


async def _relay(
    stream: SharedCameraStream, counts: list[int], sizes: list[int], index: int
) -> None:
    async with stream.watch(max_fps=30.0) as viewer:
        async for chunk in mjpeg_chunks(viewer):
            counts[index] += 1
            sizes[index] += len(chunk)


@pytest.mark.parametrize("viewers", [1, 5])
async def test_relay_rate_and_cpu_per_frame(
    sim: SimulatorThread,
    printer: PrinterInfo,
    make_stream: StreamFactory,
    viewers: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stream = make_stream(endpoint_for(printer))
    await stream.get_frame()  # connection set up outside the measured window
    counts, sizes = [0] * viewers, [0] * viewers
    received_before = stream.stats.frames_received
    cpu_before, wall_before = time.thread_time(), time.monotonic()
    tasks = [asyncio.create_task(_relay(stream, counts, sizes, i)) for i in range(viewers)]
    await asyncio.sleep(MEASURE_SECONDS)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    cpu = time.thread_time() - cpu_before
    wall = time.monotonic() - wall_before
    upstream = stream.stats.frames_received - received_before
    delivered = sum(counts)

    with capsys.disabled():
        print(
            f"\ncamera relay, {viewers} viewer(s): upstream {upstream / wall:.2f} frames/s, "
            f"relayed {delivered / wall:.2f} frames/s ({sum(sizes) / wall / 1024:.0f} KiB/s), "
            f"client CPU {1000 * cpu / max(1, upstream):.2f} ms per upstream frame, "
            f"{1000 * cpu / max(1, delivered):.2f} ms per relayed frame, "
            f"{100 * cpu / wall:.1f}% of one core"
        )

    assert upstream >= 3
    assert min(counts) >= upstream - 2  # every viewer kept up with the camera
    stats = sim.camera_stats(printer.serial)
    assert stats is not None
    assert (stats.active, stats.peak) == (1, 1)
