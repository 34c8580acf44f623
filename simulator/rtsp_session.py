"""One client connection to the simulated RTSP camera: request handling and RTP sending.

The state machine is the usual one: OPTIONS (no authentication, as on live555), then
DESCRIBE, SETUP with ``RTP/AVP/TCP;interleaved=...``, PLAY (and PAUSE), keep-alive
GET_PARAMETERs and TEARDOWN, each authenticated with Digest. Only RTP over the RTSP
connection is offered, so a client asking for UDP gets 461 and (FFmpeg does this)
retries with TCP.

While playing, a sender task writes interleaved RTP packets and the request loop keeps
reading, because clients send keep-alives and RTCP on the same connection. Each write is
one whole message, so responses and packets never interleave mid-message. A client that
stops reading is dropped after a write timeout instead of growing the send buffer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from enum import Enum, auto
import logging
import secrets
from urllib.parse import urlsplit

from simulator.rtsp_auth import DigestAuthenticator
from simulator.rtsp_h264 import H264Unavailable
from simulator.rtsp_messages import (
    InterleavedData,
    RtspMessageError,
    RtspRequest,
    format_response,
    read_message,
)
from simulator.rtsp_rtp import (
    H264_CLOCK_RATE,
    RtpStreamState,
    interleave,
    packetize_access_unit,
)
from simulator.rtsp_sdp import TRACK_CONTROL, StreamDescription, build_sdp
from simulator.rtsp_video import LiveH264Source, VideoSourceFailed

_LOGGER = logging.getLogger(__name__)

PUBLIC_METHODS = "OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER"
WRITE_TIMEOUT = 5.0
MAX_AUTH_FAILURES = 3


@dataclass(frozen=True, slots=True)
class RtspStats:
    """Server counters; connections count TLS-established TCP connections."""

    active: int
    peak: int
    accepted: int
    refused: int  # over the connection limit
    auth_failures: int  # requests carrying wrong credentials
    playing: int  # sessions streaming right now
    plays: int  # PLAY requests that started streaming
    teardowns: int
    frames_sent: int  # access units, summed over sessions
    packets_sent: int  # RTP packets, summed over sessions


@dataclass(slots=True)
class RtspCounters:
    """Mutable counters owned by one server (its event loop thread only)."""

    active: int = 0
    peak: int = 0
    accepted: int = 0
    refused: int = 0
    auth_failures: int = 0
    playing: int = 0
    plays: int = 0
    teardowns: int = 0
    frames_sent: int = 0
    packets_sent: int = 0

    def snapshot(self) -> RtspStats:
        """An immutable copy."""
        return RtspStats(
            self.active,
            self.peak,
            self.accepted,
            self.refused,
            self.auth_failures,
            self.playing,
            self.plays,
            self.teardowns,
            self.frames_sent,
            self.packets_sent,
        )


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """What every connection of one server shares."""

    authenticator: DigestAuthenticator
    source: LiveH264Source
    counters: RtspCounters
    host: str
    title: str
    stream_path: str
    session_timeout: float


class _After(Enum):
    """What the connection does once a response is written."""

    NOTHING = auto()
    PLAY = auto()
    CLOSE = auto()


def parse_tcp_transport(header: str | None) -> tuple[int, int] | None:
    """Interleaved channels of the first RTP/AVP/TCP alternative, else None (-> 461)."""
    for alternative in (header or "").split(","):
        parts = [part.strip() for part in alternative.split(";")]
        if parts[0].upper() != "RTP/AVP/TCP":
            continue
        for part in parts[1:]:
            name, _, value = part.partition("=")
            if name.lower() == "interleaved":
                low, _, high = value.partition("-")
                if not low.isdigit() or (high and not high.isdigit()):
                    return None
                first = int(low)
                second = int(high) if high else first + 1
                return (first, second) if max(first, second) <= 255 else None
        return (0, 1)
    return None


class RtspConnection:
    """Serves one TCP connection until TEARDOWN, EOF, idle timeout or a protocol error."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        settings: SessionSettings,
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._settings = settings
        self._nonce: str | None = None
        self._failed_logins = 0
        self._session_id: str | None = None
        self._channels = (0, 1)
        self._rtp = RtpStreamState(ssrc=secrets.randbits(32))
        self._sequence = secrets.randbits(16)
        self._rtp_base = secrets.randbits(32)
        self._sender: asyncio.Task[None] | None = None

    async def serve(self) -> None:
        """Answer requests; returns when the connection should be closed."""
        try:
            while True:
                try:
                    async with asyncio.timeout(self._settings.session_timeout):
                        message = await read_message(self._reader)
                except TimeoutError:
                    _LOGGER.debug("rtsp: closing an idle connection")
                    return
                except RtspMessageError as err:
                    _LOGGER.debug("rtsp: bad request: %s", err)
                    await self._send(format_response(400, None, [("Connection", "close")]))
                    return
                if message is None:
                    return
                if isinstance(message, InterleavedData):
                    continue  # RTCP receiver reports: nothing to do with them
                response, after = await self._respond(message)
                await self._send(response)
                if after is _After.CLOSE:
                    return
                if after is _After.PLAY and self._sender is None:
                    self._sender = asyncio.create_task(self._send_pictures(), name="rtsp-send")
        finally:
            await self._stop_sender()

    # ------------------------------------------------------------------ requests
    async def _respond(self, request: RtspRequest) -> tuple[bytes, _After]:
        cseq = request.header("cseq")
        if cseq is None:
            return format_response(400, None, [("Connection", "close")]), _After.CLOSE
        if request.version != "RTSP/1.0":
            return format_response(505, cseq), _After.CLOSE
        if request.method == "OPTIONS":
            return format_response(200, cseq, [("Public", PUBLIC_METHODS)]), _After.NOTHING
        if request.method not in PUBLIC_METHODS.split(", "):
            return format_response(501, cseq, [("Public", PUBLIC_METHODS)]), _After.NOTHING
        if not self._authorised(request):
            return self._challenge(request, cseq)
        if request.method == "DESCRIBE":
            return await self._describe(request, cseq), _After.NOTHING
        if request.method == "SETUP":
            return self._setup(request, cseq), _After.NOTHING
        session_error = self._check_session(request, cseq)
        if session_error is not None:
            return session_error, _After.NOTHING
        session = [("Session", self._session_header())]
        if request.method == "PLAY":
            return self._play(request, cseq)
        if request.method == "PAUSE":
            await self._stop_sender()  # no packet may follow the response
            return format_response(200, cseq, session), _After.NOTHING
        if request.method == "TEARDOWN":
            self._settings.counters.teardowns += 1
            return format_response(200, cseq, [("Connection", "close")]), _After.CLOSE
        return format_response(200, cseq, session), _After.NOTHING  # GET_PARAMETER

    def _authorised(self, request: RtspRequest) -> bool:
        return self._settings.authenticator.verify(
            request.method, request.header("authorization"), self._nonce
        )

    def _challenge(self, request: RtspRequest, cseq: str) -> tuple[bytes, _After]:
        if request.header("authorization") is not None:
            self._settings.counters.auth_failures += 1
            self._failed_logins += 1
        self._nonce = self._settings.authenticator.new_nonce()
        headers = [("WWW-Authenticate", self._settings.authenticator.challenge(self._nonce))]
        if self._failed_logins >= MAX_AUTH_FAILURES:
            headers.append(("Connection", "close"))
            return format_response(401, cseq, headers), _After.CLOSE
        return format_response(401, cseq, headers), _After.NOTHING

    async def _describe(self, request: RtspRequest, cseq: str) -> bytes:
        if self._path(request.uri) != self._settings.stream_path:
            return format_response(404, cseq)
        source = self._settings.source
        try:
            parameter_sets = await source.parameter_sets()
        except H264Unavailable as err:
            _LOGGER.warning("rtsp: cannot describe the stream: %s", err)
            return format_response(503, cseq)
        sdp = build_sdp(
            StreamDescription(
                host=self._settings.host,
                title=self._settings.title,
                session_id=self._rtp.ssrc,
                parameter_sets=parameter_sets,
                size=source.size,
                fps=source.fps,
            )
        )
        headers = [
            ("Content-Base", request.uri.rstrip("/") + "/"),
            ("Content-Type", "application/sdp"),
        ]
        return format_response(200, cseq, headers, sdp)

    def _setup(self, request: RtspRequest, cseq: str) -> bytes:
        if not self._is_stream_or_track(request.uri):
            return format_response(404, cseq)
        if self._session_id is not None and request.header("session") not in (
            None,
            self._session_id,
        ):
            return format_response(454, cseq)
        channels = parse_tcp_transport(request.header("transport"))
        if channels is None:
            return format_response(461, cseq)
        self._channels = channels
        if self._session_id is None:
            self._session_id = secrets.token_hex(8).upper()
        transport = (
            f"RTP/AVP/TCP;unicast;interleaved={channels[0]}-{channels[1]};ssrc={self._rtp.ssrc:08X}"
        )
        headers = [("Transport", transport), ("Session", self._session_header())]
        return format_response(200, cseq, headers)

    def _play(self, request: RtspRequest, cseq: str) -> tuple[bytes, _After]:
        if not self._is_stream_or_track(request.uri):
            return format_response(404, cseq), _After.NOTHING
        if self._sender is None:
            self._settings.counters.plays += 1
        track_url = self._stream_url(request.uri) + "/" + TRACK_CONTROL
        headers = [
            ("Range", "npt=0.000-"),
            ("Session", self._session_header()),
            ("RTP-Info", f"url={track_url};seq={self._sequence};rtptime={self._rtp_base}"),
        ]
        return format_response(200, cseq, headers), _After.PLAY

    def _check_session(self, request: RtspRequest, cseq: str) -> bytes | None:
        """None if the request may act on this connection's session."""
        if self._session_id is None:
            return format_response(455 if request.method == "PLAY" else 454, cseq)
        given = request.header("session")
        if given is not None and given.split(";")[0].strip() != self._session_id:
            return format_response(454, cseq)
        return None

    def _session_header(self) -> str:
        return f"{self._session_id};timeout={round(self._settings.session_timeout)}"

    def _path(self, uri: str) -> str:
        return urlsplit(uri).path.rstrip("/")

    def _is_stream_or_track(self, uri: str) -> bool:
        path = self._path(uri)
        stream = self._settings.stream_path
        return path in (stream, f"{stream}/{TRACK_CONTROL}")

    def _stream_url(self, uri: str) -> str:
        """The aggregate URL, derived from whatever URL form the client used."""
        parts = urlsplit(uri)
        return f"{parts.scheme}://{parts.netloc}{self._settings.stream_path}"

    # ---------------------------------------------------------------- streaming
    async def _send(self, data: bytes) -> None:
        self._writer.write(data)
        try:
            async with asyncio.timeout(WRITE_TIMEOUT):
                await self._writer.drain()
        except TimeoutError as err:
            self._writer.transport.abort()
            raise ConnectionError("client stopped reading") from err

    async def _send_pictures(self) -> None:
        """Stream access units, starting at an IDR, until cancelled or the client is gone."""
        source = self._settings.source
        counters = self._settings.counters
        source.add_viewer()
        counters.playing += 1
        try:
            last = source.current_number
            need_keyframe = True
            first_captured: float | None = None
            while True:
                unit = await source.next_after(last)
                if unit.number != last + 1:
                    need_keyframe = True  # a picture was skipped: references are broken
                last = unit.number
                if need_keyframe and not unit.keyframe:
                    source.request_keyframe()
                    continue
                need_keyframe = False
                if first_captured is None:
                    first_captured = unit.captured
                elapsed = unit.captured - first_captured
                packets = packetize_access_unit(
                    self._rtp,
                    list(unit.nal_units),
                    first_sequence=self._sequence,
                    timestamp=self._rtp_base + round(elapsed * H264_CLOCK_RATE),
                )
                self._sequence = (self._sequence + len(packets)) & 0xFFFF
                await self._send(b"".join(interleave(self._channels[0], p) for p in packets))
                counters.frames_sent += 1
                counters.packets_sent += len(packets)
        except (OSError, VideoSourceFailed) as err:
            _LOGGER.debug("rtsp: stream ended: %s", err)
            self._writer.transport.abort()  # wakes the request loop up as well
        finally:
            source.remove_viewer()
            counters.playing -= 1

    async def _stop_sender(self) -> None:
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
