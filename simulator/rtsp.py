"""The X1/H2/P2S camera: an RTSP server over TLS, as on port 322 of those printers.

Real printers run live555 behind ``rtsps://bblp:<access code>@<ip>:322/streaming/live/1``:
TLS with the printer's own certificate, Digest authentication, H.264 carried as RTP over
the RTSP connection (interleaved). This server reproduces that much of RTSP 1.0 (see
:mod:`simulator.rtsp_session`) for FFmpeg/PyAV clients such as Home Assistant's stream
component, and streams pictures of the simulated printer's state, rendered by the same
renderer as the JPEG camera and encoded with PyAV's bundled libx264 at a few frames per
second. Passing ``ssl_context=None`` serves plain RTSP, which is handy with a packet
capture tool.

Why not an existing server: GStreamer's RTSP server is only reachable from Python through
Debian's system bindings (``python3-gi``), which cannot be imported by the project's
Python 3.13 virtualenv; mediamtx is neither packaged in Debian bookworm nor on PyPI, and
would need a second process fed by an ffmpeg binary that is not guaranteed to exist. The
subset a camera client needs is small, and owning it lets tests count connections,
check Digest failures and stop everything with the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
import logging
import ssl

from simulator.frames import FrameView
from simulator.rtsp_auth import DigestAuthenticator
from simulator.rtsp_messages import MAX_HEADER_BYTES
from simulator.rtsp_session import RtspConnection, RtspCounters, RtspStats, SessionSettings
from simulator.rtsp_video import LiveH264Source

__all__ = ["RTSP_USERNAME", "STREAM_PATH", "RtspServer", "RtspStats"]

_LOGGER = logging.getLogger(__name__)

RTSP_USERNAME = "bblp"
STREAM_PATH = "/streaming/live/1"
DEFAULT_FPS = 5
SESSION_TIMEOUT = 65.0  # what live555 announces; idle connections are closed after it
HANDSHAKE_TIMEOUT = 10.0
MAX_CONNECTIONS = 8
_CLOSE_TIMEOUT = 2.0


class RtspServer:
    """RTSP(S) camera server for one printer; one shared encoder for all viewers."""

    def __init__(
        self,
        *,
        serial: str,
        access_code: str,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None,
        frame_source: Callable[[int], FrameView],
        size: tuple[int, int],
        title: str,
        fps: int = DEFAULT_FPS,
        max_connections: int = MAX_CONNECTIONS,
        session_timeout: float = SESSION_TIMEOUT,
    ) -> None:
        self.serial = serial
        self.host = host
        self.port = port
        self._ssl = ssl_context
        self._max_connections = max_connections
        self._counters = RtspCounters()
        self._source = LiveH264Source(frame_source=frame_source, size=size, fps=fps, name=serial)
        self._settings = SessionSettings(
            authenticator=DigestAuthenticator(RTSP_USERNAME, access_code),
            source=self._source,
            counters=self._counters,
            host=host,
            title=title,
            stream_path=STREAM_PATH,
            session_timeout=session_timeout,
        )
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        """The stream URL without credentials."""
        scheme = "rtsps" if self._ssl is not None else "rtsp"
        return f"{scheme}://{self.host}:{self.port}{STREAM_PATH}"

    @property
    def stats(self) -> RtspStats:
        """Current counters."""
        return self._counters.snapshot()

    async def start(self) -> None:
        """Listen on host:port (port 0: one the OS picks); encoding waits for a viewer."""
        if self._server is not None:
            return
        self._server = await asyncio.start_server(
            self._handle,
            self.host,
            self.port,
            ssl=self._ssl,
            ssl_handshake_timeout=HANDSHAKE_TIMEOUT if self._ssl is not None else None,
            limit=2 * MAX_HEADER_BYTES,
        )
        if self.port == 0:
            self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the listener, every connection and the encoder."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        handlers = list(self._handlers)
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        await self._source.close()
        await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        counters = self._counters
        if counters.active >= self._max_connections:
            counters.refused += 1
            await _close(writer)
            return
        if task is not None:
            self._handlers.add(task)
        counters.accepted += 1
        counters.active += 1
        counters.peak = max(counters.peak, counters.active)
        try:
            await RtspConnection(reader, writer, self._settings).serve()
        except (ConnectionError, OSError, asyncio.IncompleteReadError) as err:
            _LOGGER.debug("rtsp %s: connection ended: %s", self.serial, err)
        finally:
            counters.active -= 1
            await _close(writer)
            if task is not None:
                self._handlers.discard(task)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError, TimeoutError):
        await asyncio.wait_for(writer.wait_closed(), _CLOSE_TIMEOUT)
