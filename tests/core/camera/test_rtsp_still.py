"""Stills from an RTSPS camera through PyAV, against the simulator's real RTSP server.

The simulated X1C serves H.264 over RTSP on TLS with Digest authentication, like the
printer's live555 server; the failure cases use real loopback sockets (a closed port, a
listener that never answers, a plain RTSP server without video).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
import logging
import socket
import time

import pytest

from custom_components.bambuprint_iq.core.camera import CameraAccessDenied
from custom_components.bambuprint_iq.core.camera.rtsp_still import (
    RtspAuthError,
    RtspCertificateError,
    RtspNoVideoError,
    RtspStillError,
    RtspStreamError,
    RtspTimeoutError,
    RtspUnreachableError,
    async_grab_still,
    redact_url,
)
from custom_components.bambuprint_iq.core.printer.errors import (
    CannotConnect,
    CertificateMismatch,
    InvalidAccessCode,
)
from custom_components.bambuprint_iq.core.printer.tls import PinnedCertificate
from simulator import PrinterInfo, SimulatedPrinter, SimulatorThread, get_model

from .conftest import open_jpeg, wait_until

GRAB_TIMEOUT = 8.0
WRONG_CODE = "wr0ngC0d"


@pytest.fixture
def sim(socket_enabled: None) -> Iterator[SimulatorThread]:
    """One simulated X1C (RTSPS camera) on its own thread and loop."""
    with SimulatorThread([SimulatedPrinter("X1C", seed=4)]) as running:
        yield running


@pytest.fixture
def x1c(sim: SimulatorThread) -> PrinterInfo:
    return sim.printers[0]


def url_for(info: PrinterInfo, code: str | None = None, path: str = "/streaming/live/1") -> str:
    """The URL the integration builds for an X1-class printer."""
    return f"rtsps://bblp:{code or info.access_code}@{info.host}:{info.rtsp_port}{path}"


def active_connections(sim: SimulatorThread, info: PrinterInfo) -> int:
    stats = sim.rtsp_stats(info.serial)
    assert stats is not None
    return stats.active


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def silent_listener(socket_enabled: None) -> AsyncIterator[int]:
    """Accepts TCP connections and never says a word (no TLS handshake either)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


_AUDIO_ONLY_SDP = (
    b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=audio\r\nt=0 0\r\n"
    b"m=audio 0 RTP/AVP 0\r\nc=IN IP4 0.0.0.0\r\na=control:trackID=1\r\n"
)


@pytest.fixture
async def audio_only_server(socket_enabled: None) -> AsyncIterator[int]:
    """A plain RTSP server whose stream has no video track (a camera that cannot exist
    in the simulator, hence this small stand-in)."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
                method = head.split(" ", 1)[0]
                cseq = next(
                    line.split(":", 1)[1].strip()
                    for line in head.split("\r\n")
                    if line.lower().startswith("cseq:")
                )
                body = _AUDIO_ONLY_SDP if method == "DESCRIBE" else b""
                headers = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nPublic: OPTIONS, DESCRIBE\r\n"
                if body:
                    headers += f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n"
                writer.write(headers.encode() + b"\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


# ------------------------------------------------------------------------------ tests
async def test_still_is_a_jpeg_of_the_camera_size(sim: SimulatorThread, x1c: PrinterInfo) -> None:
    jpeg = await async_grab_still(url_for(x1c), timeout=GRAB_TIMEOUT)

    image = open_jpeg(jpeg)
    assert image.size == get_model("X1C").frame_size
    stats = sim.rtsp_stats(x1c.serial)
    assert stats is not None
    assert stats.plays == 1
    assert stats.frames_sent >= 1
    # The client hangs up after one picture; the server lets go of the connection.
    await wait_until(lambda: active_connections(sim, x1c) == 0, what="connection released")


async def test_pinned_certificate_is_checked_before_connecting(
    sim: SimulatorThread, x1c: PrinterInfo
) -> None:
    pin = PinnedCertificate(fingerprint=x1c.fingerprint, serial=x1c.serial)
    open_jpeg(await async_grab_still(url_for(x1c), timeout=GRAB_TIMEOUT, pin=pin))

    wrong_pin = PinnedCertificate(fingerprint="0" * 64, serial=x1c.serial)
    with pytest.raises(CertificateMismatch):
        await async_grab_still(url_for(x1c), timeout=GRAB_TIMEOUT, pin=wrong_pin)
    stats = sim.rtsp_stats(x1c.serial)
    assert stats is not None
    assert stats.plays == 1  # the mismatching handshake never led to an RTSP request


async def test_system_trust_rejects_the_printer_certificate(x1c: PrinterInfo) -> None:
    with pytest.raises(RtspCertificateError):
        await async_grab_still(url_for(x1c), timeout=GRAB_TIMEOUT, tls_verify=True)


async def test_wrong_access_code_is_an_auth_error_without_the_code(
    sim: SimulatorThread, x1c: PrinterInfo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(RtspAuthError) as caught:
        await async_grab_still(url_for(x1c, WRONG_CODE), timeout=GRAB_TIMEOUT)

    error = caught.value
    assert isinstance(error, CameraAccessDenied)
    assert isinstance(error, InvalidAccessCode)  # the integration's "ask the user" class
    assert WRONG_CODE not in str(error)
    assert "bblp:***@" in str(error)
    assert error.__cause__ is None
    assert error.__context__ is None  # PyAV's own message holds the URL with the code
    assert WRONG_CODE not in caplog.text
    assert x1c.access_code not in caplog.text
    stats = sim.rtsp_stats(x1c.serial)
    assert stats is not None
    assert stats.auth_failures >= 1


@pytest.mark.usefixtures("socket_enabled")
async def test_closed_port_is_unreachable() -> None:
    url = f"rtsps://bblp:{WRONG_CODE}@127.0.0.1:{unused_port()}/streaming/live/1"
    with pytest.raises(RtspUnreachableError) as caught:
        await async_grab_still(url, timeout=GRAB_TIMEOUT)
    assert isinstance(caught.value, CannotConnect)
    assert WRONG_CODE not in str(caught.value)


async def test_silent_peer_times_out_on_time(silent_listener: int) -> None:
    url = f"rtsps://bblp:{WRONG_CODE}@127.0.0.1:{silent_listener}/streaming/live/1"
    started = time.monotonic()
    with pytest.raises(RtspTimeoutError):
        await async_grab_still(url, timeout=1.0)
    assert time.monotonic() - started < 3.0


async def test_stream_without_video(audio_only_server: int) -> None:
    url = f"rtsp://bblp:{WRONG_CODE}@127.0.0.1:{audio_only_server}/streaming/live/1"
    with pytest.raises(RtspNoVideoError):
        await async_grab_still(url, timeout=GRAB_TIMEOUT)


async def test_unknown_stream_path(x1c: PrinterInfo) -> None:
    with pytest.raises(RtspStreamError, match="no such stream"):
        await async_grab_still(url_for(x1c, path="/streaming/live/2"), timeout=GRAB_TIMEOUT)


@pytest.mark.parametrize(
    ("url", "timeout"),
    [
        ("http://bblp:code@127.0.0.1/streaming/live/1", 5.0),
        ("rtsps:///streaming/live/1", 5.0),
        ("rtsps://bblp:code@127.0.0.1:99999/streaming/live/1", 5.0),
        ("rtsps://bblp:code@127.0.0.1:322/streaming/live/1", 0.0),
        ("rtsps://bblp:code@127.0.0.1:322/streaming/live/1", float("nan")),
    ],
)
async def test_unusable_arguments(url: str, timeout: float) -> None:
    with pytest.raises(ValueError, match="URL|timeout") as caught:
        await async_grab_still(url, timeout=timeout)
    assert "code@" not in str(caught.value)


def test_errors_share_one_base() -> None:
    for error in (RtspAuthError, RtspUnreachableError, RtspTimeoutError, RtspNoVideoError):
        assert issubclass(error, RtspStillError)


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        (
            "rtsps://bblp:12345678@192.168.1.5:322/streaming/live/1",
            "rtsps://bblp:***@192.168.1.5:322/streaming/live/1",
        ),
        ("rtsps://bblp:a%40b@[fe80::1]:322/x", "rtsps://bblp:***@[fe80::1]:322/x"),
        ("rtsps://192.168.1.5/streaming/live/1", "rtsps://192.168.1.5/streaming/live/1"),
        ("rtsps://[::1/x", "<invalid url>"),
    ],
)
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted
