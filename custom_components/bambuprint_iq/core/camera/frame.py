"""One camera frame as the rest of the integration sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CameraFrame:
    """A validated JPEG with when it arrived.

    ``sequence`` grows by one per frame received by a stream (across reconnects), so a
    viewer can tell a new frame from one it has already shown and count what it skipped.
    ``received_monotonic`` is ``time.monotonic()`` at arrival, for age checks that must not
    jump with the wall clock; ``captured_at`` (UTC) is for file names and display.
    """

    jpeg: bytes = field(repr=False)
    sequence: int
    received_monotonic: float
    captured_at: datetime

    @property
    def size(self) -> int:
        """JPEG size in bytes."""
        return len(self.jpeg)

    def age(self, now_monotonic: float) -> float:
        """Seconds since the frame arrived (never negative)."""
        return max(0.0, now_monotonic - self.received_monotonic)


class FrameSource(Protocol):
    """Anything that hands out recent frames: the shared port-6000 stream, or another
    camera (for example RTSP stills) wrapped to the same call."""

    async def get_frame(
        self,
        max_age: float = ...,
        timeout: float = ...,  # noqa: ASYNC109 - the caller's deadline
    ) -> CameraFrame:
        """A frame at most ``max_age`` seconds old, waiting at most ``timeout`` seconds."""
        ...
