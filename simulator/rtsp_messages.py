"""RTSP/1.0 message framing (RFC 2326) for the simulated camera server.

On one TCP connection a client sends text requests and, once playing, may also send
binary interleaved frames (``$``, channel, u16 length, data: RTCP receiver reports).
:func:`read_message` returns whichever comes next. Sizes are capped so a misbehaving
client cannot make the server buffer without bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import formatdate
import re

MAX_HEADER_BYTES = 8192
MAX_BODY_BYTES = 4096
_METHOD_RE = re.compile(r"[A-Za-z_]{1,32}")
SERVER_NAME = "BambuPrint IQ printer simulator"
REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    454: "Session Not Found",
    455: "Method Not Valid in This State",
    461: "Unsupported Transport",
    501: "Not Implemented",
    503: "Service Unavailable",
    505: "RTSP Version Not Supported",
}


class RtspMessageError(ValueError):
    """The client sent something that is not an RTSP request (the server closes)."""


@dataclass(frozen=True, slots=True)
class RtspRequest:
    """One parsed request; header names are kept lower case."""

    method: str
    uri: str
    version: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), if present."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key == wanted), None)


@dataclass(frozen=True, slots=True)
class InterleavedData:
    """A binary frame the client sent on the control connection."""

    channel: int
    payload: bytes


async def read_message(reader: asyncio.StreamReader) -> RtspRequest | InterleavedData | None:
    """The next request or interleaved frame; None on a clean end of stream.

    Raises :class:`RtspMessageError` for malformed or oversized input and
    ``asyncio.IncompleteReadError`` when the peer hangs up mid-message.
    """
    first = await reader.read(1)
    while first in (b"\r", b"\n"):  # tolerate stray line ends between messages
        first = await reader.read(1)
    if not first:
        return None
    if first == b"$":
        header = await reader.readexactly(3)
        length = int.from_bytes(header[1:3], "big")
        return InterleavedData(header[0], await reader.readexactly(length))
    try:
        head = first + await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError as err:
        raise RtspMessageError("request header too large") from err
    if len(head) > MAX_HEADER_BYTES:
        raise RtspMessageError("request header too large")
    request = parse_head(head)
    length_text = request.header("content-length") or "0"
    if not length_text.isdigit() or int(length_text) > MAX_BODY_BYTES:
        raise RtspMessageError("bad Content-Length")
    body = await reader.readexactly(int(length_text)) if int(length_text) else b""
    return RtspRequest(request.method, request.uri, request.version, request.headers, body)


def parse_head(head: bytes) -> RtspRequest:
    """Parse a request line and headers (up to and including the blank line). Pure."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RtspMessageError("request is not UTF-8 text") from err
    lines = text.split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not _METHOD_RE.fullmatch(parts[0]) or not parts[2].startswith("RTSP/"):
        raise RtspMessageError("malformed request line")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, separator, value = line.partition(":")
        if not separator or not name.strip():
            raise RtspMessageError("malformed header line")
        headers.append((name.strip().lower(), value.strip()))
    return RtspRequest(parts[0].upper(), parts[1], parts[2], tuple(headers))


def format_response(
    status: int,
    cseq: str | None,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
) -> bytes:
    """A complete response; CSeq is echoed, Content-Length added when there is a body."""
    lines = [f"RTSP/1.0 {status} {REASONS.get(status, 'Error')}"]
    if cseq is not None:
        lines.append(f"CSeq: {cseq}")
    lines.append(f"Date: {formatdate(usegmt=True)}")
    lines.append(f"Server: {SERVER_NAME}")
    lines.extend(f"{name}: {value}" for name, value in headers)
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
