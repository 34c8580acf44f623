"""The live H.264 picture source shared by every RTSP viewer of one printer.

Like the port-6000 camera, one renderer serves all viewers: a frame is rendered and
encoded once per interval, only while at least one session is playing, and each session
sends the latest access unit. Because later frames reference earlier ones, a viewer
that joins (or falls behind and misses a frame) asks for an IDR and skips frames until
one arrives; joining therefore costs one IDR, not a private encoder.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
import logging

from simulator.frames import FrameView, render_jpeg
from simulator.rtsp_h264 import (
    NAL_IDR,
    H264Encoder,
    H264Unavailable,
    ParameterSets,
    find_parameter_sets,
    nal_type,
)

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AccessUnit:
    """One encoded picture."""

    number: int  # 1, 2, 3... in encoding order
    nal_units: tuple[bytes, ...]
    keyframe: bool  # contains an IDR slice (with SPS/PPS in front)
    captured: float  # event loop time when it was rendered, for RTP timestamps


class VideoSourceFailed(RuntimeError):
    """The encoder broke; sessions waiting for pictures end."""


class LiveH264Source:
    """Renders and encodes on demand; one encoder, many viewers."""

    def __init__(
        self,
        *,
        frame_source: Callable[[int], FrameView],
        size: tuple[int, int],
        fps: int,
        name: str,
    ) -> None:
        self._frame_source = frame_source
        self._size = size
        self._fps = fps
        self._name = name
        self._encoder: H264Encoder | None = None
        self._encoder_lock = asyncio.Lock()
        self._parameter_sets: ParameterSets | None = None
        self._latest: AccessUnit | None = None
        self._number = 0
        self._rendered = 0
        self._ready = asyncio.Condition()
        self._demand = asyncio.Event()
        self._viewers = 0
        self._keyframe_wanted = True
        self._error: BaseException | None = None
        self._producer: asyncio.Task[None] | None = None

    @property
    def fps(self) -> int:
        """Pictures per second while someone watches."""
        return self._fps

    @property
    def size(self) -> tuple[int, int]:
        """Picture width and height."""
        return self._size

    @property
    def current_number(self) -> int:
        """Number of the latest access unit (0 before the first)."""
        return self._number

    async def parameter_sets(self) -> ParameterSets:
        """SPS/PPS for the SDP; encodes one priming picture the first time.

        Raises :class:`H264Unavailable` when PyAV cannot encode H.264.
        """
        async with self._encoder_lock:
            if self._parameter_sets is None:
                units = await self._encode_locked(keyframe=True)
                self._parameter_sets = find_parameter_sets(units)
                if self._parameter_sets is None:
                    raise H264Unavailable("the encoder produced no SPS/PPS")
            return self._parameter_sets

    def add_viewer(self) -> None:
        """A session started playing: produce pictures, starting with an IDR."""
        self._viewers += 1
        self._keyframe_wanted = True
        self._demand.set()
        if self._producer is None:
            self._producer = asyncio.create_task(self._produce(), name=f"rtsp-video-{self._name}")

    def remove_viewer(self) -> None:
        """A session stopped playing; production pauses when nobody is left."""
        self._viewers = max(0, self._viewers - 1)
        if self._viewers == 0:
            self._demand.clear()

    def request_keyframe(self) -> None:
        """Make the next picture an IDR (a viewer cannot decode without one)."""
        self._keyframe_wanted = True

    async def next_after(self, number: int) -> AccessUnit:
        """The latest access unit once it is newer than ``number``."""
        async with self._ready:
            await self._ready.wait_for(lambda: self._number > number or self._error is not None)
            if self._error is not None:
                raise VideoSourceFailed(str(self._error))
            assert self._latest is not None
            return self._latest

    async def close(self) -> None:
        """Stop producing; the encoder is released."""
        producer, self._producer = self._producer, None
        if producer is not None:
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer
        async with self._encoder_lock:
            self._encoder = None

    async def _produce(self) -> None:
        loop = asyncio.get_running_loop()
        interval = 1.0 / self._fps
        while True:
            await self._demand.wait()
            started = loop.time()
            keyframe, self._keyframe_wanted = self._keyframe_wanted, False
            try:
                async with self._encoder_lock:
                    units = await self._encode_locked(keyframe=keyframe)
            except Exception as err:  # a broken encoder must end sessions, not hang them
                _LOGGER.exception("rtsp %s: encoding failed", self._name)
                async with self._ready:
                    self._error = err
                    self._ready.notify_all()
                return
            unit = AccessUnit(
                number=self._number + 1,
                nal_units=tuple(units),
                keyframe=any(nal_type(nal) == NAL_IDR for nal in units),
                captured=started,
            )
            async with self._ready:
                self._latest = unit
                self._number = unit.number
                self._ready.notify_all()
            await asyncio.sleep(max(0.0, interval - (loop.time() - started)))

    async def _encode_locked(self, *, keyframe: bool) -> list[bytes]:
        """Render the printer's current state and encode it (caller holds the lock)."""
        view = self._frame_source(self._rendered)  # reads printer state: on the loop thread
        self._rendered += 1
        return await asyncio.to_thread(self._render_and_encode, view, keyframe)

    def _render_and_encode(self, view: FrameView, keyframe: bool) -> list[bytes]:
        if self._encoder is None:
            self._encoder = H264Encoder(self._size, self._fps)
        return self._encoder.encode_jpeg(render_jpeg(view, self._size), keyframe=keyframe)
