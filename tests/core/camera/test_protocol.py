"""The port-6000 wire format, checked byte by byte against the protocol description."""

from __future__ import annotations

import struct

import pytest

from custom_components.bambuprint_iq.core.camera import CameraEndpoint, CameraProtocolError
from custom_components.bambuprint_iq.core.camera.protocol import (
    MAX_FRAME_BYTES,
    build_auth_packet,
    parse_frame_length,
    validate_jpeg,
)
from custom_components.bambuprint_iq.core.printer.tls import InsecureSkipVerify
from simulator.camera import parse_auth_packet


def test_auth_packet_layout() -> None:
    packet = build_auth_packet("12345678")
    assert len(packet) == 80
    assert struct.unpack_from("<IIII", packet) == (0x40, 0x3000, 0, 0)
    assert packet[16:48] == b"bblp" + b"\0" * 28
    assert packet[48:80] == b"12345678" + b"\0" * 24
    # The simulator's independent parser reads the same credentials back.
    assert parse_auth_packet(packet) == ("bblp", "12345678")


@pytest.mark.parametrize("code", ["", "x" * 33, "abc\0def", "pässwörd"])
def test_auth_packet_rejects_codes_it_cannot_carry(code: str) -> None:
    with pytest.raises(ValueError, match="access code") as info:
        build_auth_packet(code)
    if code:
        assert code not in str(info.value)  # the secret is never echoed


def test_frame_header_length() -> None:
    assert parse_frame_length(struct.pack("<IIII", 123_456, 0, 1, 0)) == 123_456
    # Only the size is trusted; the other words may change with firmware.
    assert parse_frame_length(struct.pack("<IIII", 2048, 7, 0, 9)) == 2048


@pytest.mark.parametrize(
    "header",
    [
        struct.pack("<IIII", 0, 0, 1, 0),
        struct.pack("<IIII", MAX_FRAME_BYTES + 1, 0, 1, 0),
        bytes.fromhex("deadbeefffffff7f0200000013370000"),
        b"\x00" * 15,
    ],
    ids=["empty", "too-big", "garbage", "short"],
)
def test_impossible_headers_are_rejected(header: bytes) -> None:
    with pytest.raises(CameraProtocolError):
        parse_frame_length(header)


@pytest.mark.parametrize(
    "payload",
    [b"", b"\xff\xd8\xff", b"\x89PNG....\xff\xd9", b"\xff\xd8\xff\xe0 truncated"],
    ids=["empty", "tiny", "not-jpeg", "no-eoi"],
)
def test_jpeg_markers_are_required(payload: bytes) -> None:
    with pytest.raises(CameraProtocolError):
        validate_jpeg(payload)


def test_jpeg_with_both_markers_passes() -> None:
    validate_jpeg(b"\xff\xd8\xff\xe0 body \xff\xd9")


def test_endpoint_hides_the_access_code_and_validates() -> None:
    endpoint = CameraEndpoint(host="192.0.2.5", access_code="s3cr3t99", tls=InsecureSkipVerify())
    assert "s3cr3t99" not in repr(endpoint)
    assert endpoint.port == 6000
    assert endpoint.server_hostname == "192.0.2.5"
    with pytest.raises(ValueError, match="host"):
        CameraEndpoint(host="bad host", access_code="12345678", tls=InsecureSkipVerify())
    with pytest.raises(ValueError, match="port"):
        CameraEndpoint(host="h", port=0, access_code="12345678", tls=InsecureSkipVerify())
