"""The P1/A1 port-6000 camera wire format: pure functions, no I/O.

The client sends one 80-byte auth packet; the printer answers with frames, each a
16-byte little-endian header whose first u32 is the JPEG size, followed by the JPEG.
Only the size is trusted: the other header words are documented as constants (0, 1, 0)
but no client relies on them, so a firmware that changes them keeps working.
"""

from __future__ import annotations

import struct
from typing import Final

from .errors import CameraProtocolError

CAMERA_PORT: Final = 6000
USERNAME: Final = "bblp"
AUTH_PACKET_SIZE: Final = 80
FRAME_HEADER_SIZE: Final = 16
MAX_FRAME_BYTES: Final = 4 * 1024 * 1024
"""A 1280x720 printer JPEG is 50-200 kB; anything near this limit is a broken header."""
MIN_FRAME_BYTES: Final = 4

_AUTH_HEADER: Final = struct.Struct("<IIII")
_AUTH_PAYLOAD_SIZE: Final = 0x40
_AUTH_TYPE: Final = 0x3000
_FIELD_SIZE: Final = 32
_FRAME_HEADER: Final = struct.Struct("<IIII")
_JPEG_SOI: Final = b"\xff\xd8"
_JPEG_EOI: Final = b"\xff\xd9"


def _credential_field(value: str, what: str) -> bytes:
    try:
        encoded = value.encode("ascii")
    except UnicodeEncodeError as err:
        raise ValueError(f"{what} must be ASCII") from err
    if not encoded or len(encoded) > _FIELD_SIZE or b"\0" in encoded:
        raise ValueError(f"{what} must be 1-{_FIELD_SIZE} ASCII characters without NUL")
    return encoded.ljust(_FIELD_SIZE, b"\0")


def validate_credentials(username: str, access_code: str) -> None:
    """Raise ``ValueError`` (without echoing the code) if the auth packet cannot carry them."""
    _credential_field(username, "username")
    _credential_field(access_code, "access code")


def build_auth_packet(access_code: str, username: str = USERNAME) -> bytes:
    """The 80-byte packet: u32 0x40, u32 0x3000, u32 0, u32 0, user and code NUL-padded."""
    header = _AUTH_HEADER.pack(_AUTH_PAYLOAD_SIZE, _AUTH_TYPE, 0, 0)
    return (
        header
        + _credential_field(username, "username")
        + _credential_field(access_code, "access code")
    )


def parse_frame_length(header: bytes) -> int:
    """JPEG size announced by a 16-byte frame header; raises on an impossible size."""
    if len(header) != FRAME_HEADER_SIZE:
        raise CameraProtocolError(f"frame header has {len(header)} bytes, expected 16")
    length = _FRAME_HEADER.unpack(header)[0]
    if not MIN_FRAME_BYTES <= length <= MAX_FRAME_BYTES:
        raise CameraProtocolError(
            f"frame header announces {length} bytes (limit {MAX_FRAME_BYTES})"
        )
    return int(length)


def validate_jpeg(payload: bytes) -> None:
    """Check the JPEG start (FF D8) and end (FF D9) markers without decoding the image.

    Decoding every frame would cost more CPU than relaying it; the markers catch the
    real failure modes (short reads, a stream out of step with its headers).
    """
    if not MIN_FRAME_BYTES <= len(payload) <= MAX_FRAME_BYTES:
        raise CameraProtocolError(f"frame of {len(payload)} bytes is not a plausible JPEG")
    if not payload.startswith(_JPEG_SOI):
        raise CameraProtocolError("frame does not start with a JPEG SOI marker")
    if not payload.endswith(_JPEG_EOI):
        raise CameraProtocolError("frame does not end with a JPEG EOI marker")
