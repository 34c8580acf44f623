"""The P1/A1 chamber camera: JPEG frames over TLS, exactly as on port 6000 of a printer.

Protocol: the client sends one 80-byte packet (little-endian u32 0x40, u32 0x3000, u32 0,
u32 0, then "bblp" and the access code, each NUL-padded to 32 bytes). A wrong packet gets
the connection closed without a single byte sent. A right one gets a stream of frames,
each a 16-byte header (u32 JPEG length, u32 0, u32 1, u32 0) followed by the JPEG.

One renderer feeds every connection, so N viewers cost one JPEG per interval. The server
counts connections (tests assert that a client shares one upstream stream) and can inject
a single broken frame (truncated, or a garbage header) to exercise client recovery.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
from enum import StrEnum
import hmac
import logging
from pathlib import Path
import ssl
import struct

from simulator.frames import FrameView, render_jpeg

_LOGGER = logging.getLogger(__name__)

AUTH_PACKET_SIZE = 80
AUTH_HEADER = struct.Struct("<IIII")
AUTH_PAYLOAD_SIZE = 0x40
AUTH_TYPE = 0x3000
FRAME_HEADER = struct.Struct("<IIII")
AUTH_TIMEOUT = 10.0
MIN_FRAME_INTERVAL = 0.5
_GARBAGE_HEADER = bytes.fromhex("deadbeefffffff7f0200000013370000")


class CameraFault(StrEnum):
    """One-shot faults a test can inject into the next frame sent."""

    TRUNCATED_FRAME = "truncated_frame"  # header promises more bytes than are sent
    GARBAGE_HEADER = "garbage_header"  # 16 bytes that are not a valid header


@dataclass(frozen=True, slots=True)
class CameraStats:
    """Connection counters (authenticated streams unless stated)."""

    active: int
    peak: int
    accepted: int
    rejected: int  # wrong or missing auth packet
    frames_sent: int


def parse_auth_packet(packet: bytes) -> tuple[str, str] | None:
    """Return (username, access code) from a well-formed auth packet, else None."""
    if len(packet) != AUTH_PACKET_SIZE:
        return None
    size, kind, flags, reserved = AUTH_HEADER.unpack_from(packet)
    if (size, kind, flags, reserved) != (AUTH_PAYLOAD_SIZE, AUTH_TYPE, 0, 0):
        return None
    try:
        username = packet[16:48].rstrip(b"\0").decode("ascii")
        code = packet[48:80].rstrip(b"\0").decode("ascii")
    except UnicodeDecodeError:
        return None
    return username, code


class CameraServer:
    """TLS JPEG stream server for one printer."""

    def __init__(
        self,
        *,
        serial: str,
        access_code: str,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext,
        frame_source: Callable[[int], FrameView],
        size: tuple[int, int],
        interval: float,
    ) -> None:
        self.serial = serial
        self._access_code = access_code
        self.host = host
        self.port = port
        self._ssl = ssl_context
        self._frame_source = frame_source
        self._size = size
        self._interval = max(MIN_FRAME_INTERVAL, interval)
        self._server: asyncio.Server | None = None
        self._producer: asyncio.Task[None] | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._frame: bytes | None = None
        self._frame_number = 0
        self._frame_ready = asyncio.Condition()
        self._viewers = asyncio.Event()
        self._fault: CameraFault | None = None
        self._frozen = False
        self._frame_is_old = False
        self._active = 0
        self._peak = 0
        self._accepted = 0
        self._rejected = 0
        self._frames_sent = 0

    @property
    def stats(self) -> CameraStats:
        """Current counters."""
        return CameraStats(
            self._active, self._peak, self._accepted, self._rejected, self._frames_sent
        )

    def inject_fault(self, fault: CameraFault) -> None:
        """Break the next frame sent on any stream, then close that stream."""
        self._fault = fault

    def set_frozen(self, frozen: bool) -> None:
        """A hung camera: frames keep coming, but always the same picture."""
        self._frozen = frozen

    async def start(self) -> None:
        """Listen on host:port."""
        if self._server is not None:
            return
        self._server = await asyncio.start_server(
            self._handle, self.host, self.port, ssl=self._ssl, ssl_handshake_timeout=AUTH_TIMEOUT
        )
        self._producer = asyncio.create_task(self._produce(), name=f"camera-frames-{self.serial}")

    async def stop(self) -> None:
        """Close the listener and every stream."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = [t for t in (self._producer, *self._handlers) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._producer = None
        await server.wait_closed()

    async def _produce(self) -> None:
        """Render one frame per interval while anyone is watching."""
        while True:
            await self._viewers.wait()
            if self._frozen and self._frame is not None:
                jpeg = self._frame
            else:
                view = self._frame_source(self._frame_number)
                jpeg = await asyncio.to_thread(render_jpeg, view, self._size)
            async with self._frame_ready:
                self._frame = jpeg
                self._frame_is_old = False
                self._frame_number += 1
                self._frame_ready.notify_all()
            await asyncio.sleep(self._interval)

    async def _next_frame(self, after: int) -> tuple[int, bytes]:
        async with self._frame_ready:
            await self._frame_ready.wait_for(lambda: self._frame_number > after)
            assert self._frame is not None
            return self._frame_number, self._frame

    def _authorised(self, packet: bytes) -> bool:
        parsed = parse_auth_packet(packet)
        if parsed is None:
            return False
        username, code = parsed
        same_user = hmac.compare_digest(username.encode(), b"bblp")
        same_code = hmac.compare_digest(code.encode(), self._access_code.encode())
        return same_user and same_code

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            try:
                packet = await asyncio.wait_for(reader.readexactly(AUTH_PACKET_SIZE), AUTH_TIMEOUT)
            except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                packet = b""
            if not self._authorised(packet):
                self._rejected += 1
                _LOGGER.debug("camera %s: refused a stream (bad auth packet)", self.serial)
                return
            self._accepted += 1
            self._active += 1
            self._peak = max(self._peak, self._active)
            self._viewers.set()
            try:
                await self._stream(writer)
            finally:
                self._active -= 1
                if self._active == 0:
                    self._viewers.clear()
                    self._frame_is_old = True  # nothing is drawn while nobody watches
        except (ConnectionError, ssl.SSLError) as err:
            _LOGGER.debug("camera %s: stream ended: %s", self.serial, err)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 2.0)
            if task is not None:
                self._handlers.discard(task)

    async def _stream(self, writer: asyncio.StreamWriter) -> None:
        # Join a running stream with the current picture, but never start with one drawn
        # before the last idle period: a real camera shows what is in front of it now.
        current = self._frame is not None and not self._frame_is_old
        last = self._frame_number - 1 if current else self._frame_number
        while True:
            last, jpeg = await self._next_frame(last)
            fault, self._fault = self._fault, None
            if fault is CameraFault.GARBAGE_HEADER:
                writer.write(_GARBAGE_HEADER)
                await writer.drain()
                return
            writer.write(FRAME_HEADER.pack(len(jpeg), 0, 1, 0))
            if fault is CameraFault.TRUNCATED_FRAME:
                writer.write(jpeg[: len(jpeg) // 2])
                await writer.drain()
                return
            writer.write(jpeg)
            await writer.drain()
            self._frames_sent += 1


def server_ssl_context(certfile: Path, keyfile: Path) -> ssl.SSLContext:
    """TLS server context for the printer leaf (no client certificates requested)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    return context
