"""The SDP description (RFC 4566) a DESCRIBE returns: one H.264 video track.

``sprop-parameter-sets`` lets a client set up its decoder before the first RTP packet;
``a=control:trackID=1`` is the track URL (relative to Content-Base) the client SETUPs.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.rtsp_h264 import ParameterSets
from simulator.rtsp_rtp import H264_CLOCK_RATE, H264_PAYLOAD_TYPE

TRACK_CONTROL = "trackID=1"


@dataclass(frozen=True, slots=True)
class StreamDescription:
    """What the SDP announces."""

    host: str
    title: str
    session_id: int
    parameter_sets: ParameterSets
    size: tuple[int, int]
    fps: int
    bitrate_kbps: int = 1500


def build_sdp(description: StreamDescription) -> bytes:
    """The SDP text with CRLF line ends. Pure."""
    address_type = "IP6" if ":" in description.host else "IP4"
    any_address = "::" if address_type == "IP6" else "0.0.0.0"
    width, height = description.size
    lines = [
        "v=0",
        f"o=- {description.session_id} 1 IN {address_type} {description.host}",
        f"s={description.title}",
        "t=0 0",
        "a=type:broadcast",
        "a=control:*",
        "a=range:npt=0-",
        f"m=video 0 RTP/AVP {H264_PAYLOAD_TYPE}",
        f"c=IN {address_type} {any_address}",
        f"b=AS:{description.bitrate_kbps}",
        f"a=rtpmap:{H264_PAYLOAD_TYPE} H264/{H264_CLOCK_RATE}",
        f"a=fmtp:{description.parameter_sets.fmtp(H264_PAYLOAD_TYPE)}",
        f"a=framerate:{description.fps}",
        f"a=x-dimensions:{width},{height}",
        f"a=control:{TRACK_CONTROL}",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()
