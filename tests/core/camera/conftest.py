"""Fixtures for the camera core: the real simulated printer camera over TLS.

The simulator runs on its own thread and event loop (as a printer would be another
machine), so the client's CPU use can be measured on the test's loop alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
import io
import time

from PIL import Image
import pytest

from custom_components.bambuprint_iq.core.camera import (
    CameraEndpoint,
    CameraFrame,
    CameraTimings,
    SharedCameraStream,
    StreamOptions,
)
from custom_components.bambuprint_iq.core.printer.tls import PinnedCertificate
from simulator import PrinterInfo, SimulatedPrinter, SimulatorThread

FAST_TIMINGS = CameraTimings(
    connect_timeout=5.0, frame_timeout=5.0, backoff_initial=0.1, backoff_max=0.4
)
SIM_FRAME_INTERVAL = 0.5  # the simulator's fastest camera (speed >= 2)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the root fixture: the camera core needs no Home Assistant instance."""


@pytest.fixture
def sim(socket_enabled: None) -> Iterator[SimulatorThread]:
    """One simulated P1S whose camera sends a frame every 0.5 s."""
    with SimulatorThread([SimulatedPrinter("P1S", speed=5)]) as running:
        yield running


@pytest.fixture
def printer(sim: SimulatorThread) -> PrinterInfo:
    """Connection facts of the simulated printer."""
    return sim.printers[0]


def endpoint_for(
    info: PrinterInfo, *, access_code: str | None = None, fingerprint: str | None = None
) -> CameraEndpoint:
    """The endpoint the integration would build: pinned to the printer's leaf."""
    assert info.camera_port is not None
    return CameraEndpoint(
        host=info.host,
        port=info.camera_port,
        access_code=access_code or info.access_code,
        tls=PinnedCertificate(fingerprint=fingerprint or info.fingerprint, serial=info.serial),
    )


type StreamFactory = Callable[..., SharedCameraStream]


@pytest.fixture
async def make_stream() -> AsyncIterator[StreamFactory]:
    """Build shared streams with short timings; every one is closed after the test."""
    streams: list[SharedCameraStream] = []

    def build(
        endpoint: CameraEndpoint, *, idle_timeout: float = 5.0, **options: float
    ) -> SharedCameraStream:
        stream = SharedCameraStream(
            endpoint,
            timings=FAST_TIMINGS,
            options=StreamOptions(idle_timeout=idle_timeout, **options),
        )
        streams.append(stream)
        return stream

    yield build
    for stream in streams:
        await stream.async_close()


async def wait_until(
    predicate: Callable[[], bool], timeout: float = 5.0, what: str = "condition"
) -> None:
    """Poll ``predicate`` (it may read another thread's counters) until true or fail."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def open_jpeg(data: bytes) -> Image.Image:
    """Decode fully with Pillow (raises if the bytes are not a complete JPEG)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "JPEG"
    return image


async def collect(frames: AsyncIterator[CameraFrame], count: int) -> list[CameraFrame]:
    """The next ``count`` frames of a viewer."""
    result = []
    async for frame in frames:
        result.append(frame)
        if len(result) == count:
            break
    return result
