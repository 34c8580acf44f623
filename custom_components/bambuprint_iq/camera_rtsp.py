"""RTSPS cameras (X1, H2, P2S): the stream URL Home Assistant plays, and stills via ffmpeg.

The URL carries the access code, so it is built only where it is handed over, never logged,
and no error message contains it. Stills run ffmpeg directly rather than through Home
Assistant's ffmpeg helper because that helper logs its whole command line (and with it the
URL) at debug level. ffmpeg's own messages are discarded for the same reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import contextlib
from datetime import UTC, datetime
import ipaddress
import re
import time
from typing import Final
from urllib.parse import quote, urlsplit

from .core.camera import CameraFrame, CameraProtocolError, CameraUnavailable
from .core.camera.protocol import USERNAME, validate_jpeg
from .core.camera.subprocess_run import ProcessStartError, async_run
from .core.camera.timelapse_ffmpeg import find_ffmpeg

RTSPS_PORT: Final = 322
RTSPS_PATH: Final = "/streaming/live/1"
LIVEVIEW_DISABLED: Final = "disable"
"""What ``ipcam.rtsp_url`` says while "LAN Only Liveview" is switched off on the printer."""
_SAFE_PATH: Final = re.compile(r"/[A-Za-z0-9/_.-]{0,200}")


class FfmpegMissing(CameraUnavailable):
    """No ffmpeg binary was found, so no stills can be taken from an RTSPS camera."""


class LiveviewDisabled(CameraUnavailable):
    """The printer reports ``rtsp_url: "disable"``: LAN Only Liveview is off."""


def _host_part(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{host}]" if address.version == 6 else host


def rtsps_url(host: str, access_code: str, reported: str | None) -> str:
    """``rtsps://bblp:<code>@<host>:322/streaming/live/1``. Pure.

    The host always comes from the entry (the printer may report an address that is not
    reachable from here). Port and path follow the printer's own report when it gives
    plausible ones, so a firmware that moves the stream keeps working; anything else
    falls back to the documented values.
    """
    port, path = RTSPS_PORT, RTSPS_PATH
    if reported and reported.startswith("rtsps://"):
        parsed = urlsplit(reported)
        with contextlib.suppress(ValueError):  # an impossible port discards the whole report
            reported_port = parsed.port or RTSPS_PORT
            if _SAFE_PATH.fullmatch(parsed.path):
                port, path = reported_port, parsed.path
    credentials = f"{USERNAME}:{quote(access_code, safe='')}"
    return f"rtsps://{credentials}@{_host_part(host)}:{port}{path}"


def still_command(binary: str, url: str) -> list[str]:
    """ffmpeg arguments that write one JPEG frame of ``url`` to stdout. Pure.

    RTP must be interleaved over the TCP connection: the printers offer nothing else.
    """
    return [
        binary,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "quiet",
        "-rtsp_transport",
        "tcp",
        "-tls_verify",  # printers use a private CA; newer ffmpeg would refuse their leaf
        "0",
        "-i",
        url,
        "-an",
        "-frames:v",
        "1",
        "-q:v",
        "3",
        "-f",
        "image2pipe",
        "-c:v",
        "mjpeg",
        "pipe:1",
    ]


type StillGrabber = Callable[[str, float], Awaitable[bytes]]
"""``(url, timeout) -> JPEG``: how one still is taken from an RTSPS URL."""


class RtspStillSource:
    """A frame source for RTSPS printers: one grab per still, shared and cached.

    Concurrent callers wait for the same grab; a still at most ``max_age`` seconds old is
    reused. The default grabber runs ffmpeg and raises :class:`FfmpegMissing` without it,
    :class:`CameraUnavailable` when it fails or is too slow.
    """

    def __init__(self, url: Callable[[], str], *, grab: StillGrabber | None = None) -> None:
        """``url`` is asked at each grab, so a changed port in the printer's report applies."""
        self._url = url
        self._grab = grab or async_grab_still_default
        self._lock = asyncio.Lock()
        self._latest: CameraFrame | None = None
        self._sequence = 0

    @property
    def latest(self) -> CameraFrame | None:
        """The newest still taken, however old."""
        return self._latest

    def _fresh(self, max_age: float) -> CameraFrame | None:
        latest = self._latest
        if latest is not None and latest.age(time.monotonic()) <= max_age:
            return latest
        return None

    async def get_frame(
        self,
        max_age: float = 5.0,
        timeout: float = 15.0,  # noqa: ASYNC109 - the caller's deadline, passed to the grabber
    ) -> CameraFrame:
        """A still at most ``max_age`` seconds old."""
        if (cached := self._fresh(max_age)) is not None:
            return cached
        async with self._lock:
            if (cached := self._fresh(max_age)) is not None:
                return cached
            jpeg = await self._grab(self._url(), timeout)
            self._sequence += 1
            self._latest = CameraFrame(
                jpeg=jpeg,
                sequence=self._sequence,
                received_monotonic=time.monotonic(),
                captured_at=datetime.now(UTC),
            )
            return self._latest


async def async_grab_still_default(url: str, timeout: float) -> bytes:  # noqa: ASYNC109
    """PyAV (installed with Home Assistant's stream component) in an executor; the ffmpeg
    binary only where PyAV is missing."""
    try:
        from .core.camera.rtsp_still import async_grab_still
    except ImportError:
        return await async_grab_still_with_ffmpeg(url, timeout)
    return await async_grab_still(url, timeout=timeout)


async def async_grab_still_with_ffmpeg(url: str, timeout: float) -> bytes:  # noqa: ASYNC109
    """One JPEG through the ``ffmpeg`` binary on PATH; :class:`FfmpegMissing` without one."""
    binary = await asyncio.to_thread(find_ffmpeg)
    if binary is None:
        raise FfmpegMissing("ffmpeg was not found, so no stills can be taken")
    return await _async_grab_still(binary, url, timeout)


async def _async_grab_still(binary: str, url: str, timeout: float) -> bytes:  # noqa: ASYNC109
    """Run ffmpeg once; the URL goes to the process only, never into an error message."""
    try:
        result = await async_run(still_command(binary, url), timeout=timeout, capture_stdout=True)
    except ProcessStartError as err:
        raise CameraUnavailable(f"cannot run ffmpeg: {err.strerror or err}") from None
    except TimeoutError:
        raise CameraUnavailable(f"no still from the RTSPS stream within {timeout} s") from None
    if result.returncode != 0:
        raise CameraUnavailable(
            f"ffmpeg could not read the RTSPS stream (exit {result.returncode})"
        )
    jpeg = result.stdout
    try:
        validate_jpeg(jpeg)
    except CameraProtocolError as err:
        raise CameraUnavailable(f"ffmpeg returned no usable JPEG: {err}") from None
    return jpeg
