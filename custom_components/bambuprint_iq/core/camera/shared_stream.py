"""One upstream camera link per printer, shared by every viewer and still request.

Printers accept only a few camera connections, and one held open forever locks Bambu
Studio out. So the link opens when the first viewer or still request arrives, is shared
by all of them, and closes ``idle_timeout`` seconds after the last one left. The newest
frame stays cached with its arrival time, so a still request within ``max_age`` costs
nothing.

Transient failures (printer off, garbled frame, silence) reconnect with jittered
exponential backoff while someone is waiting. Fatal ones (certificate, access code) stop
the link, are raised to every waiter and, for ``fatal_retry_after`` seconds, to every new
request without touching the printer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
import logging
import random
import time

from ..printer.connection import backoff_delay
from ..printer.errors import CertificateMismatch, PrinterConnectionError, SerialMismatch
from .connection import CameraConnection
from .errors import CameraAccessDenied, CameraProtocolError, CameraStreamClosed, CameraUnavailable
from .frame import CameraFrame
from .latest_frame import LatestFrame
from .settings import CameraEndpoint, CameraTimings, StreamOptions
from .viewer import FrameViewer

_LOGGER = logging.getLogger(__name__)

DENIALS_BEFORE_FATAL = 2
"""A printer at its connection limit may also hang up right after auth; only a second
hang-up in a row is taken as a wrong access code."""


@dataclass(frozen=True, slots=True)
class StreamStats:
    """What diagnostics and tests need to know about a shared stream."""

    viewers: int
    demand: int
    """Viewers plus still requests currently waiting."""
    upstream_open: bool
    """A link task exists (connecting, connected or backing off)."""
    connected: bool
    connects: int
    frames_received: int
    frames_rejected: int
    last_error: str | None


class SharedCameraStream:
    """The one camera link of one printer; see the module docstring for the policy."""

    def __init__(
        self,
        endpoint: CameraEndpoint,
        *,
        timings: CameraTimings | None = None,
        options: StreamOptions | None = None,
    ) -> None:
        """Nothing connects until :meth:`get_frame` or :meth:`watch` is used."""
        self._endpoint = endpoint
        self._timings = timings or CameraTimings()
        self._options = options or StreamOptions()
        self._latest = LatestFrame()
        self._tasks: set[asyncio.Task[None]] = set()
        self._upstream: asyncio.Task[None] | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._rng = random.Random()
        self._demand = 0
        self._viewers = 0
        self._sequence = 0
        self._connected = False
        self._closed = False
        self._fatal: PrinterConnectionError | None = None
        self._fatal_at = 0.0
        self._last_error: PrinterConnectionError | None = None
        self._connects = 0
        self._frames_rejected = 0

    # ------------------------------------------------------------------ reading
    @property
    def latest(self) -> CameraFrame | None:
        """The newest frame received, however old (for "last frame" displays)."""
        return self._latest.frame

    @property
    def stats(self) -> StreamStats:
        """Counters and state, for diagnostics and tests."""
        return StreamStats(
            viewers=self._viewers,
            demand=self._demand,
            upstream_open=self._upstream is not None,
            connected=self._connected,
            connects=self._connects,
            frames_received=self._sequence,
            frames_rejected=self._frames_rejected,
            last_error=str(self._last_error) if self._last_error else None,
        )

    async def get_frame(
        self,
        max_age: float = 5.0,
        timeout: float = 15.0,  # noqa: ASYNC109 - the caller's deadline for a still
    ) -> CameraFrame:
        """A frame at most ``max_age`` seconds old: the cached one, or the next to arrive.

        Raises :class:`CameraUnavailable` (after ``timeout``), :class:`CameraStreamClosed`
        and the fatal errors (:class:`CameraAccessDenied`, :class:`CertificateMismatch`,
        :class:`SerialMismatch`).
        """
        cached = self._latest.frame
        if cached is not None and cached.age(time.monotonic()) <= max_age:
            return cached
        with self._demand_scope():
            try:
                async with asyncio.timeout(timeout):
                    return await self._latest.newer_than(cached.sequence if cached else 0)
            except TimeoutError as err:
                raise CameraUnavailable(
                    f"no frame from camera {self._endpoint.label} within {timeout} s"
                ) from (self._last_error or err)

    @contextlib.asynccontextmanager
    async def watch(self, max_fps: float | None = None) -> AsyncIterator[FrameViewer]:
        """Hold the upstream open and iterate frames, capped at ``max_fps`` (default from options).

        ``async with stream.watch() as frames: async for frame in frames: ...``
        """
        fps = self._options.max_fps if max_fps is None else max_fps
        cached = self._latest.frame
        start_after = 0
        if cached is not None:
            fresh = cached.age(time.monotonic()) <= self._options.reuse_frame_age
            start_after = cached.sequence - 1 if fresh else cached.sequence
        viewer = FrameViewer(
            self._latest,
            max_fps=fps,
            stall_timeout=self._options.stall_timeout,
            start_after=start_after,
            last_error=lambda: self._last_error,
            label=self._endpoint.label,
        )
        with self._demand_scope():
            self._viewers += 1
            try:
                yield viewer
            finally:
                self._viewers -= 1

    async def async_close(self) -> None:
        """Stop the link and release every waiter; the stream cannot be used afterwards."""
        if self._closed:
            return
        self._closed = True
        self._cancel_idle_timer()
        self._latest.fail(CameraStreamClosed(f"camera {self._endpoint.label} stream closed"))
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)

    # --------------------------------------------------------------- lifecycle
    @contextlib.contextmanager
    def _demand_scope(self) -> Iterator[None]:
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self) -> None:
        if self._closed:
            raise CameraStreamClosed(f"camera {self._endpoint.label} stream closed")
        if self._fatal is not None:
            if time.monotonic() - self._fatal_at < self._options.fatal_retry_after:
                raise self._fatal.with_traceback(None)
            self._fatal = None
            self._latest.clear_error()
        self._demand += 1
        self._cancel_idle_timer()
        upstream = self._upstream
        if upstream is None or upstream.done() or upstream.cancelling():
            task = asyncio.create_task(
                self._run(upstream), name=f"camera-upstream-{self._endpoint.label}"
            )
            self._tasks.add(task)
            task.add_done_callback(self._upstream_done)
            self._upstream = task

    def _release(self) -> None:
        self._demand -= 1
        if self._demand == 0 and self._upstream is not None and not self._closed:
            loop = asyncio.get_running_loop()
            self._idle_timer = loop.call_later(self._options.idle_timeout, self._close_if_idle)

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _close_if_idle(self) -> None:
        self._idle_timer = None
        if self._demand == 0 and self._upstream is not None:
            _LOGGER.debug("camera %s: idle, closing the link", self._endpoint.label)
            self._upstream.cancel()

    def _upstream_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._upstream is task:
            self._upstream = None
        if not task.cancelled() and (error := task.exception()) is not None:
            _LOGGER.error("camera %s: link task failed", self._endpoint.label, exc_info=error)

    # ----------------------------------------------------------------- upstream
    async def _run(self, previous: asyncio.Task[None] | None) -> None:
        """Connect and relay frames until cancelled or a fatal error; back off in between."""
        if previous is not None:
            await asyncio.wait({previous})  # its link must be closed before ours opens
        attempt = 0
        denials = 0
        while True:
            connection: CameraConnection | None = None
            try:
                connection = await CameraConnection.open(self._endpoint, self._timings)
                self._connects += 1
                self._connected = True
                _LOGGER.debug("camera %s: streaming", self._endpoint.label)
                while True:
                    self._publish(await connection.read_frame())
            except (CertificateMismatch, SerialMismatch) as err:
                self._fail(err)
                return
            except CameraAccessDenied as err:
                denials += 1
                if denials >= DENIALS_BEFORE_FATAL:
                    self._fail(err)
                    return
                self._last_error = err
            except PrinterConnectionError as err:
                if isinstance(err, CameraProtocolError):
                    self._frames_rejected += 1
                self._last_error = err
                _LOGGER.debug("camera %s: %s", self._endpoint.label, err)
            finally:
                self._connected = False
                if connection is not None:
                    await connection.close()
                    if connection.frames_read:
                        attempt = 0
                        denials = 0
            delay = backoff_delay(
                attempt, self._timings.backoff_initial, self._timings.backoff_max, self._rng
            )
            attempt += 1
            await asyncio.sleep(delay)

    def _publish(self, jpeg: bytes) -> None:
        self._sequence += 1
        self._latest.publish(
            CameraFrame(
                jpeg=jpeg,
                sequence=self._sequence,
                received_monotonic=time.monotonic(),
                captured_at=datetime.now(UTC),
            )
        )

    def _fail(self, error: PrinterConnectionError) -> None:
        _LOGGER.warning("camera %s: giving up: %s", self._endpoint.label, error)
        self._fatal = error
        self._fatal_at = time.monotonic()
        self._last_error = error
        self._latest.fail(error)
