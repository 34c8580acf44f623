"""H.264 for the simulated RTSP camera: a blocking PyAV/libx264 encoder and NAL helpers.

PyAV is already installed as Home Assistant's stream dependency and its wheels bundle
FFmpeg with libx264, so no system package is needed. The encoder is tuned for a live
camera: no B-frames and no look-ahead (one frame in, one access unit out), and a frame
can be forced to be an IDR so a viewer joining mid-stream can start decoding at once.
libx264 repeats SPS and PPS in front of every IDR, which is also what the SDP's
``sprop-parameter-sets`` is built from.

Everything here is blocking CPU work: call it from a worker thread, one call at a time.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from fractions import Fraction
import io
from typing import Any

import av
from av.video.codeccontext import VideoCodecContext
from av.video.frame import PictureType
from PIL import Image

NAL_TYPE_MASK = 0x1F
NAL_SLICE = 1
NAL_IDR = 5
NAL_SEI = 6
NAL_SPS = 7
NAL_PPS = 8
_ENCODER_NAMES = ("libx264", "h264")


class H264Unavailable(RuntimeError):
    """The FFmpeg bundled with PyAV has no H.264 encoder."""


@dataclass(frozen=True, slots=True)
class ParameterSets:
    """SPS and PPS of the stream, without start codes."""

    sps: bytes
    pps: bytes

    @property
    def profile_level_id(self) -> str:
        """profile_idc, constraint flags and level_idc as six hex digits (RFC 6184)."""
        return self.sps[1:4].hex().upper()

    def fmtp(self, payload_type: int) -> str:
        """The SDP ``a=fmtp`` value clients configure their decoder from."""
        sprop = ",".join(base64.b64encode(nal).decode("ascii") for nal in (self.sps, self.pps))
        return (
            f"{payload_type} packetization-mode=1;profile-level-id={self.profile_level_id};"
            f"sprop-parameter-sets={sprop}"
        )


def nal_type(nal: bytes) -> int:
    """The nal_unit_type of a NAL unit (first byte, low five bits)."""
    return nal[0] & NAL_TYPE_MASK


def split_annex_b(data: bytes) -> list[bytes]:
    """Split an Annex B byte stream (3- or 4-byte start codes) into NAL units. Pure."""
    units: list[bytes] = []
    start = _find_start(data, 0)
    while start is not None:
        begin = start[1]
        following = _find_start(data, begin)
        end = following[0] if following is not None else len(data)
        # Trailing zeros belong to the next 4-byte start code (or are cabac padding).
        unit = data[begin:end].rstrip(b"\x00")
        if unit:
            units.append(unit)
        start = following
    return units


def _find_start(data: bytes, offset: int) -> tuple[int, int] | None:
    """(index of the start code, index just after it), or None."""
    index = data.find(b"\x00\x00\x01", offset)
    if index < 0:
        return None
    return index, index + 3


def find_parameter_sets(nal_units: list[bytes]) -> ParameterSets | None:
    """The first SPS and PPS among ``nal_units``, if both are there."""
    sps = next((nal for nal in nal_units if nal_type(nal) == NAL_SPS), None)
    pps = next((nal for nal in nal_units if nal_type(nal) == NAL_PPS), None)
    return ParameterSets(sps, pps) if sps is not None and pps is not None else None


def h264_encoder_name() -> str | None:
    """Name of an H.264 encoder the bundled FFmpeg offers, or None."""
    for name in _ENCODER_NAMES:
        try:
            av.codec.Codec(name, "w")
        except (ValueError, av.FFmpegError):
            continue
        return name
    return None


class H264Encoder:
    """Encodes JPEG stills into H.264 access units. Not thread-safe; blocking."""

    def __init__(self, size: tuple[int, int], fps: int) -> None:
        name = h264_encoder_name()
        if name is None:
            raise H264Unavailable("PyAV's FFmpeg has no H.264 encoder (libx264)")
        context = av.CodecContext.create(name, "w")
        if not isinstance(context, VideoCodecContext):  # pragma: no cover - FFmpeg invariant
            raise H264Unavailable(f"{name} is not a video encoder")
        context.width, context.height = size
        context.pix_fmt = "yuv420p"
        # PyAV's stubs type these as Fraction in some releases and AVRational in others.
        untyped: Any = context
        untyped.time_base = Fraction(1, fps)
        untyped.framerate = Fraction(fps, 1)
        context.gop_size = fps * 10  # viewers that join force an IDR; this is the fallback
        context.max_b_frames = 0
        context.bit_rate = 1_500_000
        context.thread_count = 1
        context.options = {"preset": "ultrafast", "tune": "zerolatency", "forced-idr": "1"}
        self._context = context
        self._size = size
        self._pts = 0

    def encode_jpeg(self, jpeg: bytes, *, keyframe: bool) -> list[bytes]:
        """NAL units of one access unit (SEI dropped); an IDR with SPS/PPS if ``keyframe``."""
        with Image.open(io.BytesIO(jpeg)) as image:
            rgb = image.convert("RGB")
        if rgb.size != self._size:
            rgb = rgb.resize(self._size)
        video_frame: Any = av.VideoFrame  # from_image is unannotated in some PyAV releases
        frame = video_frame.from_image(rgb).reformat(format="yuv420p")
        frame.pts = self._pts
        self._pts += 1
        if keyframe:
            frame.pict_type = PictureType.I
        units: list[bytes] = []
        for packet in self._context.encode(frame):
            units.extend(split_annex_b(bytes(packet)))
        # x264's SEI carries only its version and settings string: no use to a viewer.
        return [nal for nal in units if nal_type(nal) != NAL_SEI]
