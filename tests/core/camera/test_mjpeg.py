"""MJPEG (multipart/x-mixed-replace) chunks, also served through a real aiohttp server."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
import pytest

from custom_components.bambuprint_iq.core.camera import (
    MJPEG_CONTENT_TYPE,
    CameraFrame,
    SharedCameraStream,
    mjpeg_chunks,
    mjpeg_content_type,
    mjpeg_part,
)
from simulator import PrinterInfo

from .conftest import StreamFactory, endpoint_for, open_jpeg, wait_until


def test_part_layout() -> None:
    part = mjpeg_part(b"\xff\xd8JPEG\xff\xd9", "b0und")
    assert part == (
        b"--b0und\r\nContent-Type: image/jpeg\r\nContent-Length: 8\r\n\r\n\xff\xd8JPEG\xff\xd9\r\n"
    )
    assert mjpeg_content_type("b0und") == "multipart/x-mixed-replace;boundary=b0und"
    assert mjpeg_content_type() == MJPEG_CONTENT_TYPE


@pytest.mark.parametrize("boundary", ["", "has space", "x" * 71, "new\r\nline"])
def test_bad_boundaries_are_refused(boundary: str) -> None:
    with pytest.raises(ValueError, match="boundary"):
        mjpeg_part(b"\xff\xd8\xff\xd9", boundary)


async def test_one_chunk_per_frame() -> None:
    async def frames() -> AsyncIterator[CameraFrame]:
        for number in (1, 2):
            jpeg = b"\xff\xd8" + bytes([number]) * 10 + b"\xff\xd9"
            yield CameraFrame(jpeg, number, 0.0, datetime.now(UTC))

    chunks = [chunk async for chunk in mjpeg_chunks(frames())]
    assert [chunk.count(b"Content-Type: image/jpeg") for chunk in chunks] == [1, 1]
    assert chunks[1].endswith(b"\x02" * 10 + b"\xff\xd9\r\n")


@contextlib.asynccontextmanager
async def mjpeg_server(stream: SharedCameraStream) -> AsyncIterator[str]:
    """An HTTP endpoint written the way the camera entity serves its MJPEG stream."""

    async def handle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": MJPEG_CONTENT_TYPE})
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            async with stream.watch(max_fps=4.0) as frames:
                async for chunk in mjpeg_chunks(frames):
                    await response.write(chunk)
        return response

    app = web.Application()
    app.router.add_get("/stream", handle)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/stream"
    finally:
        await runner.cleanup()


@pytest.mark.usefixtures("socket_enabled")
async def test_browser_receives_jpeg_parts_and_leaving_releases_the_viewer(
    printer: PrinterInfo, make_stream: StreamFactory
) -> None:
    stream = make_stream(endpoint_for(printer))
    async with mjpeg_server(stream) as url, aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            assert response.headers["Content-Type"] == MJPEG_CONTENT_TYPE
            reader = aiohttp.MultipartReader.from_response(response)
            for _ in range(3):
                part = await reader.next()
                assert isinstance(part, aiohttp.BodyPartReader)
                body = await part.read()
                assert part.headers["Content-Type"] == "image/jpeg"
                assert int(part.headers["Content-Length"]) == len(body)
                assert open_jpeg(bytes(body)).size == (1280, 720)
            assert stream.stats.viewers == 1
        # The browser went away: the next write fails and the viewer is released.
        await wait_until(lambda: stream.stats.viewers == 0, what="viewer released")
