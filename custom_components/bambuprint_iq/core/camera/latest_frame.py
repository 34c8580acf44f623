"""A one-slot broadcast: every waiter gets the newest frame, nobody gets a backlog.

Viewers never queue frames. Each remembers the last sequence it showed and waits for
a newer one; a slow viewer therefore skips frames instead of buffering them, and memory
stays at one frame per stream however many viewers there are or however slow they read.
"""

from __future__ import annotations

import asyncio

from .frame import CameraFrame


class LatestFrame:
    """Holds the newest frame and wakes every waiter when it changes or the source fails."""

    def __init__(self) -> None:
        """Start empty."""
        self._frame: CameraFrame | None = None
        self._error: BaseException | None = None
        self._changed = asyncio.Event()

    @property
    def frame(self) -> CameraFrame | None:
        """The newest frame, if any arrived yet."""
        return self._frame

    @property
    def error(self) -> BaseException | None:
        """A final error every waiter must see (wrong access code, stream closed)."""
        return self._error

    def publish(self, frame: CameraFrame) -> None:
        """Replace the frame and wake the waiters."""
        self._frame = frame
        self._wake()

    def fail(self, error: BaseException) -> None:
        """Make every current and future waiter raise ``error`` until :meth:`clear_error`."""
        self._error = error
        self._wake()

    def clear_error(self) -> None:
        """Allow waiting again (a fresh upstream attempt is starting)."""
        self._error = None

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def newer_than(self, sequence: int) -> CameraFrame:
        """Wait for a frame whose sequence is above ``sequence``; raise the failure if set."""
        while True:
            frame = self._frame
            if frame is not None and frame.sequence > sequence:
                return frame
            if self._error is not None:
                raise self._error.with_traceback(None)
            await self._changed.wait()
