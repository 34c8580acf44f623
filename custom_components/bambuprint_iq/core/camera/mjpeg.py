"""MJPEG over HTTP (``multipart/x-mixed-replace``), the format browsers show as live video.

Pure byte building: the caller writes the chunks to its HTTP response (for example an
aiohttp ``StreamResponse`` with :data:`MJPEG_CONTENT_TYPE`).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
import re
from typing import Final

from .frame import CameraFrame

MJPEG_BOUNDARY: Final = "bambuprintiq-frame"
MJPEG_CONTENT_TYPE: Final = f"multipart/x-mixed-replace;boundary={MJPEG_BOUNDARY}"
_BOUNDARY_RE: Final = re.compile(r"[0-9A-Za-z'()+_,./:=?-]{1,70}")  # RFC 2046 bchars


def mjpeg_content_type(boundary: str = MJPEG_BOUNDARY) -> str:
    """The response Content-Type for ``boundary``."""
    _check_boundary(boundary)
    return f"multipart/x-mixed-replace;boundary={boundary}"


def _check_boundary(boundary: str) -> None:
    if not _BOUNDARY_RE.fullmatch(boundary):
        raise ValueError("boundary must be 1-70 RFC 2046 boundary characters")


def mjpeg_part(jpeg: bytes, boundary: str = MJPEG_BOUNDARY) -> bytes:
    """One part: delimiter, headers, the JPEG and the CRLF that ends the part body."""
    _check_boundary(boundary)
    head = (
        f"--{boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(jpeg)}\r\n\r\n"
    ).encode("ascii")
    return b"".join((head, jpeg, b"\r\n"))


async def mjpeg_chunks(
    frames: AsyncIterable[CameraFrame], boundary: str = MJPEG_BOUNDARY
) -> AsyncIterator[bytes]:
    """One chunk per frame, ready for ``await response.write(chunk)``."""
    _check_boundary(boundary)
    async for frame in frames:
        yield mjpeg_part(frame.jpeg, boundary)
