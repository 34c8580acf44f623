"""RTP packets for H.264 (RFC 6184) and their RTSP interleaved framing (RFC 2326 10.12).

Small NAL units travel whole (single NAL unit packets); larger ones are cut into FU-A
fragments. The marker bit is set on the last packet of an access unit, which is how a
depacketiser knows a picture is complete. All functions are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
import struct

RTP_VERSION = 2
H264_PAYLOAD_TYPE = 96  # first dynamic payload type, announced in the SDP
H264_CLOCK_RATE = 90_000
MAX_PAYLOAD = 1400  # keeps packets Ethernet-sized even though TCP would not need it
NAL_FU_A = 28
_RTP_HEADER = struct.Struct("!BBHII")
_INTERLEAVED_HEADER = struct.Struct("!cBH")
_FU_START = 0x80
_FU_END = 0x40


@dataclass(frozen=True, slots=True)
class RtpStreamState:
    """Per-session RTP identity; sequence numbers continue from packet to packet."""

    ssrc: int
    payload_type: int = H264_PAYLOAD_TYPE


def rtp_header(state: RtpStreamState, *, sequence: int, timestamp: int, marker: bool) -> bytes:
    """The fixed 12-byte RTP header (no CSRC, no extension, no padding)."""
    second = (0x80 if marker else 0) | (state.payload_type & 0x7F)
    return _RTP_HEADER.pack(
        RTP_VERSION << 6, second, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, state.ssrc
    )


def fragment_nal(nal: bytes, max_payload: int = MAX_PAYLOAD) -> list[bytes]:
    """RTP payloads carrying one NAL unit: itself if it fits, else FU-A fragments."""
    if len(nal) <= max_payload:
        return [nal]
    header = nal[0]
    indicator = bytes([(header & 0xE0) | NAL_FU_A])  # F and NRI bits of the original
    nal_type = header & 0x1F
    body = nal[1:]
    chunk = max_payload - 2
    payloads: list[bytes] = []
    for offset in range(0, len(body), chunk):
        flags = (_FU_START if offset == 0 else 0) | (_FU_END if offset + chunk >= len(body) else 0)
        payloads.append(indicator + bytes([flags | nal_type]) + body[offset : offset + chunk])
    return payloads


def packetize_access_unit(
    state: RtpStreamState,
    nal_units: list[bytes],
    *,
    first_sequence: int,
    timestamp: int,
    max_payload: int = MAX_PAYLOAD,
) -> list[bytes]:
    """Every RTP packet of one picture, numbered from ``first_sequence``."""
    payloads = [payload for nal in nal_units for payload in fragment_nal(nal, max_payload)]
    last = len(payloads) - 1
    return [
        rtp_header(
            state, sequence=first_sequence + index, timestamp=timestamp, marker=index == last
        )
        + payload
        for index, payload in enumerate(payloads)
    ]


def interleave(channel: int, packet: bytes) -> bytes:
    """Frame ``packet`` for RTP over the RTSP TCP connection: '$', channel, u16 length."""
    if len(packet) > 0xFFFF:
        raise ValueError("interleaved packets are at most 65535 bytes")
    return _INTERLEAVED_HEADER.pack(b"$", channel, len(packet)) + packet
