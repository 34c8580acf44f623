"""A viewer's paced iterator over a shared stream's frames."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time
from typing import Self

from .errors import CameraStreamClosed, CameraUnavailable
from .frame import CameraFrame
from .latest_frame import LatestFrame


class FrameViewer:
    """Yields the newest frame at most ``max_fps`` times per second.

    Between two frames the viewer first sleeps out its frame interval and then takes
    whatever frame is newest, so frames that arrived meanwhile are skipped, never queued.
    Iteration ends quietly when the stream is closed; it raises :class:`CameraUnavailable`
    after ``stall_timeout`` seconds without a new frame, and the stream's fatal errors
    (:class:`CameraAccessDenied`, :class:`CertificateMismatch`...) as they happen.
    """

    def __init__(
        self,
        source: LatestFrame,
        *,
        max_fps: float,
        stall_timeout: float,
        start_after: int,
        last_error: Callable[[], BaseException | None],
        label: str,
    ) -> None:
        """Build through :meth:`SharedCameraStream.watch`, which also holds the upstream open."""
        if not max_fps > 0:
            raise ValueError("max_fps must be positive")
        self._source = source
        self._interval = 1.0 / max_fps
        self._stall_timeout = stall_timeout
        self._last_sequence = start_after
        self._last_error = last_error
        self._label = label
        self._not_before = 0.0
        self._delivered = 0
        self._skipped = 0

    @property
    def delivered(self) -> int:
        """Frames handed to this viewer."""
        return self._delivered

    @property
    def skipped(self) -> int:
        """Frames the stream received that this viewer never saw (pacing or slow reading)."""
        return self._skipped

    def __aiter__(self) -> Self:
        """A viewer is its own iterator."""
        return self

    async def __anext__(self) -> CameraFrame:
        """Next frame, paced; see the class docstring for how it ends."""
        delay = self._not_before - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            async with asyncio.timeout(self._stall_timeout):
                frame = await self._source.newer_than(self._last_sequence)
        except TimeoutError as err:
            raise CameraUnavailable(
                f"camera {self._label} sent no frame for {self._stall_timeout} s"
            ) from (self._last_error() or err)
        except CameraStreamClosed:
            raise StopAsyncIteration from None
        if self._delivered:
            self._skipped += frame.sequence - self._last_sequence - 1
        self._last_sequence = frame.sequence
        self._delivered += 1
        self._not_before = time.monotonic() + self._interval
        return frame
