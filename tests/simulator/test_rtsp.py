"""The X1-class RTSPS camera, exercised with a hand-written RTSP client over real TLS.

The client computes Digest answers and reassembles H.264 from RTP on its own (from
RFC 2617 / RFC 6184), so it checks the server rather than repeating its code; the
reassembled pictures are then decoded with PyAV's H.264 decoder.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable
import contextlib
from dataclasses import dataclass
import hashlib
import re
import ssl
import struct

import av
from av.video.codeccontext import VideoCodecContext
import pytest

from simulator import PrinterInfo, SimulatedPrinter, SimulatorFleet
from simulator.frames import FrameView
from simulator.rtsp import RtspServer, RtspStats
from simulator.rtsp_h264 import split_annex_b
from simulator.rtsp_rtp import fragment_nal
from simulator.rtsp_session import parse_tcp_transport

from .helpers import client_context

pytestmark = pytest.mark.usefixtures("socket_enabled")

STEP_TIMEOUT = 10.0
FRAME_SIZE = (1280, 720)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class RtpPacket:
    channel: int
    marker: bool
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class RawRtspClient:
    """Just enough RTSP to drive the server step by step."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, url: str):
        self.reader = reader
        self.writer = writer
        self.url = url
        self.cseq = 0
        self.session: str | None = None
        self.password: str | None = None
        self.challenge: dict[str, str] = {}
        self.last_sequence: int | None = None  # of the last RTP packet read or skipped

    def authorization(self, method: str, uri: str) -> str:
        realm, nonce = self.challenge["realm"], self.challenge["nonce"]
        assert self.password is not None
        response = md5(f"{md5(f'bblp:{realm}:{self.password}')}:{nonce}:{md5(f'{method}:{uri}')}")
        return (
            f'Digest username="bblp", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}"'
        )

    async def send(self, method: str, uri: str | None = None, **headers: str) -> None:
        uri = uri or self.url
        self.cseq += 1
        lines = [f"{method} {uri} RTSP/1.0", f"CSeq: {self.cseq}"]
        if self.password is not None and self.challenge:
            lines.append(f"Authorization: {self.authorization(method, uri)}")
        if self.session is not None:
            lines.append(f"Session: {self.session}")
        lines.extend(f"{name.replace('_', '-')}: {value}" for name, value in headers.items())
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()

    async def request(self, method: str, uri: str | None = None, **headers: str) -> Response:
        await self.send(method, uri, **headers)
        response = await self.next_response()
        assert response.headers.get("cseq") == str(self.cseq), response
        if response.status == 401:
            self.challenge = parse_challenge(response.headers["www-authenticate"])
        return response

    async def next_response(self) -> Response:
        """The next RTSP response, skipping interleaved packets sent meanwhile."""
        while True:
            item = await self.read_item()
            if isinstance(item, Response):
                return item

    async def next_packet(self) -> RtpPacket:
        item = await self.read_item()
        assert isinstance(item, RtpPacket), f"expected RTP, got {item}"
        return item

    async def read_item(self) -> Response | RtpPacket:
        async with asyncio.timeout(STEP_TIMEOUT):
            first = await self.reader.readexactly(1)
            if first == b"$":
                channel, length = struct.unpack("!BH", await self.reader.readexactly(3))
                packet = parse_rtp(channel, await self.reader.readexactly(length))
                self.last_sequence = packet.sequence
                return packet
            head = (first + await self.reader.readuntil(b"\r\n\r\n")).decode()
        status_line, *header_lines = head.strip().split("\r\n")
        version, status, _ = status_line.split(" ", 2)
        assert version == "RTSP/1.0"
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return Response(int(status), headers, body)

    async def authenticate(self, password: str) -> Response:
        """DESCRIBE until authorised: the first answer is the challenge."""
        challenge = await self.request("DESCRIBE", Accept="application/sdp")
        assert challenge.status == 401
        self.password = password
        return await self.request("DESCRIBE", Accept="application/sdp")

    async def setup_and_play(self, password: str) -> Response:
        described = await self.authenticate(password)
        assert described.status == 200
        base = described.headers["content-base"]
        setup = await self.request(
            "SETUP", base + "trackID=1", Transport="RTP/AVP/TCP;unicast;interleaved=0-1"
        )
        assert setup.status == 200
        self.session = setup.headers["session"].split(";")[0]
        return await self.request("PLAY", base, Range="npt=0.000-")


def parse_challenge(header: str) -> dict[str, str]:
    scheme, _, params = header.partition(" ")
    assert scheme == "Digest"
    return dict(re.findall(r'(\w+)="([^"]*)"', params))


def header_value(header: str, name: str) -> str:
    """``value`` of ``name=value`` in a ``;``-separated header."""
    match = re.search(rf"(?:^|;){name}=([^;]+)", header)
    assert match is not None, f"{name} missing from {header!r}"
    return match.group(1)


def parse_rtp(channel: int, data: bytes) -> RtpPacket:
    first, second, sequence, timestamp, ssrc = struct.unpack("!BBHII", data[:12])
    assert first >> 6 == 2, "RTP version 2"
    assert first & 0x3F == 0, "no padding, extension or CSRCs expected"
    return RtpPacket(
        channel, bool(second & 0x80), second & 0x7F, sequence, timestamp, ssrc, data[12:]
    )


def depacketize(packets: list[RtpPacket]) -> list[bytes]:
    """NAL units of one access unit (RFC 6184 single NAL units and FU-A)."""
    units: list[bytes] = []
    current: bytearray | None = None
    for packet in packets:
        payload = packet.payload
        kind = payload[0] & 0x1F
        if 1 <= kind <= 23:
            units.append(payload)
            continue
        assert kind == 28, f"unexpected RTP payload structure {kind}"
        indicator, header = payload[0], payload[1]
        if header & 0x80:
            current = bytearray([(indicator & 0xE0) | (header & 0x1F)])
        assert current is not None, "FU-A continuation without a start"
        current += payload[2:]
        if header & 0x40:
            units.append(bytes(current))
            current = None
    assert current is None, "unterminated FU-A"
    return units


async def read_access_unit(client: RawRtspClient) -> list[RtpPacket]:
    """Packets up to and including the next marker bit."""
    packets = [await client.next_packet()]
    while not packets[-1].marker:
        packets.append(await client.next_packet())
    return packets


def decode_pictures(access_units: list[list[bytes]]) -> list[tuple[int, int]]:
    """Sizes of the pictures PyAV's H.264 decoder makes of the NAL units."""
    decoder = av.CodecContext.create("h264", "r")
    assert isinstance(decoder, VideoCodecContext)
    sizes = []
    for units in access_units:
        data = b"".join(b"\x00\x00\x00\x01" + nal for nal in units)
        for frame in decoder.decode(av.Packet(data)):
            sizes.append((frame.width, frame.height))
    return sizes


@contextlib.asynccontextmanager
async def rtsp_client(
    host: str, port: int, url: str, *, tls: bool = True
) -> AsyncIterator[RawRtspClient]:
    context = client_context() if tls else None
    reader, writer = await asyncio.open_connection(host, port, ssl=context)
    try:
        yield RawRtspClient(reader, writer, url)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()


def stream_url(info: PrinterInfo) -> str:
    return f"rtsps://{info.host}:{info.rtsp_port}/streaming/live/1"


async def wait_for_stats(
    stats: Callable[[], RtspStats | None], predicate: Callable[[RtspStats], bool]
) -> RtspStats:
    async with asyncio.timeout(STEP_TIMEOUT):
        while True:
            current = stats()
            assert current is not None
            if predicate(current):
                return current
            await asyncio.sleep(0.02)


@pytest.fixture
async def fleet() -> AsyncIterator[SimulatorFleet]:
    async with SimulatorFleet(
        [SimulatedPrinter("X1C", seed=3), SimulatedPrinter("P1S", seed=3)]
    ) as running:
        yield running


@pytest.fixture
def x1c(fleet: SimulatorFleet) -> PrinterInfo:
    return fleet.printers[0]


def connect(info: PrinterInfo) -> contextlib.AbstractAsyncContextManager[RawRtspClient]:
    assert info.rtsp_port is not None
    return rtsp_client(info.host, info.rtsp_port, stream_url(info))


# ------------------------------------------------------------------------------ tests
async def test_only_rtsp_models_get_an_rtsp_port(fleet: SimulatorFleet) -> None:
    x1c, p1s = fleet.printers
    assert x1c.rtsp_port is not None
    assert x1c.camera_port is None
    assert p1s.rtsp_port is None
    assert p1s.camera_port is not None
    assert fleet.rtsp_stats(p1s.serial) is None
    assert x1c.as_dict()["rtsp_port"] == x1c.rtsp_port


async def test_tls_certificate_names_the_serial(x1c: PrinterInfo) -> None:
    async with connect(x1c) as client:
        ssl_object = client.writer.get_extra_info("ssl_object")
        assert isinstance(ssl_object, ssl.SSLObject)
        der = ssl_object.getpeercert(binary_form=True)
        assert der is not None
        assert hashlib.sha256(der).hexdigest() == x1c.fingerprint


async def test_options_is_open_describe_needs_digest(
    fleet: SimulatorFleet, x1c: PrinterInfo
) -> None:
    async with connect(x1c) as client:
        options = await client.request("OPTIONS")
        assert options.status == 200
        assert {"DESCRIBE", "SETUP", "PLAY", "TEARDOWN", "GET_PARAMETER"} <= {
            method.strip() for method in options.headers["public"].split(",")
        }

        challenge = await client.request("DESCRIBE")
        assert challenge.status == 401
        assert challenge.body == b""
        assert client.challenge["realm"]
        assert len(client.challenge["nonce"]) >= 16

        client.password = "00000000"  # wrong access code
        refused = await client.request("DESCRIBE")
        assert refused.status == 401
        await wait_for_stats(lambda: fleet.rtsp_stats(x1c.serial), lambda s: s.auth_failures == 1)

        client.password = x1c.access_code
        described = await client.request("DESCRIBE", Accept="application/sdp")
        assert described.status == 200
        assert described.headers["content-type"] == "application/sdp"
        assert described.headers["content-base"] == stream_url(x1c) + "/"
    sdp = described.body.decode()
    assert "m=video 0 RTP/AVP 96" in sdp
    assert "a=rtpmap:96 H264/90000" in sdp
    assert "a=control:trackID=1" in sdp
    fmtp = re.search(r"a=fmtp:96 (.*)", sdp)
    assert fmtp is not None
    params = dict(part.split("=", 1) for part in fmtp.group(1).strip().split(";"))
    assert params["packetization-mode"] == "1"
    sps, pps = (base64.b64decode(item) for item in params["sprop-parameter-sets"].split(","))
    assert (sps[0] & 0x1F, pps[0] & 0x1F) == (7, 8)
    assert params["profile-level-id"].lower() == sps[1:4].hex()


async def test_play_streams_decodable_h264_then_teardown(
    fleet: SimulatorFleet, x1c: PrinterInfo
) -> None:
    async with connect(x1c) as client:
        await client.authenticate(x1c.access_code)
        udp = await client.request(
            "SETUP",
            stream_url(x1c) + "/trackID=1",
            Transport="RTP/AVP;unicast;client_port=5000-5001",
        )
        assert udp.status == 461  # only RTP over the RTSP connection is offered
        setup = await client.request(
            "SETUP", stream_url(x1c) + "/trackID=1", Transport="RTP/AVP/TCP;unicast;interleaved=0-1"
        )
        assert setup.status == 200
        assert "interleaved=0-1" in setup.headers["transport"]
        ssrc = int(header_value(setup.headers["transport"], "ssrc"), 16)
        client.session = setup.headers["session"].split(";")[0]

        play = await client.request("PLAY", stream_url(x1c) + "/", Range="npt=0.000-")
        assert play.status == 200
        rtp_info = play.headers["rtp-info"]
        first_sequence = int(header_value(rtp_info, "seq"))
        first_timestamp = int(header_value(rtp_info, "rtptime"))

        units = [await read_access_unit(client) for _ in range(3)]
        packets = [packet for unit in units for packet in unit]
        assert {p.channel for p in packets} == {0}
        assert {p.payload_type for p in packets} == {96}
        assert {p.ssrc for p in packets} == {ssrc}
        assert [p.sequence for p in packets] == [
            (first_sequence + i) & 0xFFFF for i in range(len(packets))
        ]
        assert units[0][0].timestamp == first_timestamp
        timestamps = [unit[0].timestamp for unit in units]
        assert all({p.timestamp for p in unit} == {unit[0].timestamp} for unit in units)
        assert timestamps == sorted(set(timestamps))
        assert any(p.payload[0] & 0x1F == 28 for p in packets), "large slices use FU-A"

        nal_units = [depacketize(unit) for unit in units]
        first_types = [nal[0] & 0x1F for nal in nal_units[0]]
        assert first_types[:2] == [7, 8]  # SPS, PPS...
        assert 5 in first_types  # ...and an IDR slice
        assert all(nal[0] & 0x1F in (1, 5, 7, 8) for unit in nal_units for nal in unit)
        assert decode_pictures(nal_units) == [FRAME_SIZE] * 3

        keepalive = await client.request("GET_PARAMETER", stream_url(x1c) + "/")
        assert keepalive.status == 200
        stats = fleet.rtsp_stats(x1c.serial)
        assert stats is not None
        assert (stats.playing, stats.plays) == (1, 1)

        teardown = await client.request("TEARDOWN", stream_url(x1c) + "/")
        assert teardown.status == 200
        async with asyncio.timeout(STEP_TIMEOUT):  # the server hangs up after TEARDOWN
            while await client.reader.read(65536):
                pass
    stats = await wait_for_stats(lambda: fleet.rtsp_stats(x1c.serial), lambda s: s.active == 0)
    assert (stats.teardowns, stats.playing) == (1, 0)
    assert stats.frames_sent >= 3
    assert stats.packets_sent >= len(packets)


async def test_connections_are_counted_and_released(
    fleet: SimulatorFleet, x1c: PrinterInfo
) -> None:
    async with connect(x1c) as first, connect(x1c) as second:
        for client in (first, second):
            await client.setup_and_play(x1c.access_code)
            await read_access_unit(client)  # the first access unit of a session has the IDR
        stats = fleet.rtsp_stats(x1c.serial)
        assert stats is not None
        assert (stats.active, stats.peak, stats.accepted, stats.playing) == (2, 2, 2, 2)
        second.writer.transport.abort()  # vanish mid-stream, no TEARDOWN
        stats = await wait_for_stats(
            lambda: fleet.rtsp_stats(x1c.serial), lambda s: s.active == 1 and s.playing == 1
        )
        assert stats.teardowns == 0
        await read_access_unit(first)  # the other viewer keeps streaming
    stats = await wait_for_stats(lambda: fleet.rtsp_stats(x1c.serial), lambda s: s.active == 0)
    assert (stats.playing, stats.peak, stats.accepted) == (0, 2, 2)


async def test_pause_stops_the_stream_and_play_resumes_with_an_idr(
    fleet: SimulatorFleet, x1c: PrinterInfo
) -> None:
    async with connect(x1c) as client:
        await client.setup_and_play(x1c.access_code)
        await read_access_unit(client)
        assert (await client.request("PAUSE", stream_url(x1c) + "/")).status == 200
        last_sequence = client.last_sequence
        assert last_sequence is not None
        await wait_for_stats(lambda: fleet.rtsp_stats(x1c.serial), lambda s: s.playing == 0)

        resumed = await client.request("PLAY", stream_url(x1c) + "/")
        assert resumed.status == 200
        after = await read_access_unit(client)
        assert after[0].sequence == (last_sequence + 1) & 0xFFFF  # no packet after PAUSE
        assert 5 in [nal[0] & 0x1F for nal in depacketize(after)]
        stats = fleet.rtsp_stats(x1c.serial)
        assert stats is not None
        assert stats.plays == 2


async def test_session_state_errors(x1c: PrinterInfo) -> None:
    async with connect(x1c) as client:
        await client.authenticate(x1c.access_code)
        assert (await client.request("PLAY")).status == 455  # nothing set up yet
        assert (await client.request("RECORD")).status == 501
        assert (await client.request("DESCRIBE", stream_url(x1c) + "/other")).status == 404
        await client.request(
            "SETUP", stream_url(x1c) + "/trackID=1", Transport="RTP/AVP/TCP;interleaved=0-1"
        )
        client.session = "NOT-THE-SESSION"
        assert (await client.request("GET_PARAMETER")).status == 454


async def test_garbage_and_repeated_wrong_codes_close_the_connection(
    fleet: SimulatorFleet, x1c: PrinterInfo
) -> None:
    async with connect(x1c) as client:
        client.writer.write(b"\x16\x03 this is not rtsp\r\n\r\n")
        response = await client.next_response()
        assert response.status == 400
        assert await client.reader.read(1) == b""
    async with connect(x1c) as client:
        await client.request("DESCRIBE")
        client.password = "wrongcod"
        statuses = [(await client.request("DESCRIBE")).status for _ in range(3)]
        assert statuses == [401, 401, 401]
        assert await client.reader.read(1) == b""
    stats = await wait_for_stats(lambda: fleet.rtsp_stats(x1c.serial), lambda s: s.active == 0)
    assert stats.auth_failures == 3


async def test_plain_rtsp_for_debugging() -> None:
    def view(number: int) -> FrameView:
        return FrameView("Test", "00M0TEST", "IDLE", 0, 0, 0, 0, 25.0, 25.0, "00:00:00", number)

    server = RtspServer(
        serial="00M0TEST",
        access_code="12345678",
        host="127.0.0.1",
        port=0,
        ssl_context=None,
        frame_source=view,
        size=(320, 240),
        title="Test",
    )
    await server.start()
    try:
        assert server.port != 0  # the port the OS picked
        assert server.url == f"rtsp://127.0.0.1:{server.port}/streaming/live/1"
        async with rtsp_client("127.0.0.1", server.port, server.url, tls=False) as client:
            assert (await client.setup_and_play("12345678")).status == 200
            unit = depacketize(await read_access_unit(client))
            assert decode_pictures([unit]) == [(320, 240)]
    finally:
        await server.stop()
    assert server.stats.active == 0


# ------------------------------------------------------------------------ pure parts
def test_fu_a_fragments_reassemble_to_the_nal() -> None:
    nal = bytes([0x65]) + bytes(range(256)) * 20
    payloads = fragment_nal(nal, max_payload=1000)
    assert len(payloads) == 6
    assert all(len(p) <= 1000 for p in payloads)
    packets = [RtpPacket(0, i == len(payloads) - 1, 96, i, 0, 1, p) for i, p in enumerate(payloads)]
    assert depacketize(packets) == [nal]
    assert fragment_nal(b"\x41small") == [b"\x41small"]


def test_annex_b_split_handles_both_start_codes() -> None:
    stream = b"\x00\x00\x00\x01\x67\x42\x00\x00\x01\x68\xce\x00\x00\x00\x01\x65\x88\x84"
    assert split_annex_b(stream) == [b"\x67\x42", b"\x68\xce", b"\x65\x88\x84"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("RTP/AVP/TCP;unicast;interleaved=0-1", (0, 1)),
        ("RTP/AVP/TCP;unicast;interleaved=4-5", (4, 5)),
        ("RTP/AVP/TCP;unicast", (0, 1)),
        ("RTP/AVP;unicast;client_port=1-2,RTP/AVP/TCP;interleaved=2-3", (2, 3)),
        ("RTP/AVP;unicast;client_port=1-2", None),
        ("RTP/AVP/TCP;interleaved=x-1", None),
        (None, None),
    ],
)
def test_transport_header(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_tcp_transport(header) == expected
