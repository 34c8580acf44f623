"""JPEG stills from the RTSPS camera of X1/H2/P2S printers, decoded with PyAV.

The printers serve ``rtsps://bblp:<access code>@<ip>:322/streaming/live/1`` (live555,
Digest, H.264). PyAV is already installed as Home Assistant's stream dependency and
bundles FFmpeg, so no ``ffmpeg`` binary is needed: the stream is opened with RTP over
the RTSP connection (``rtsp_transport=tcp``, the only transport that survives NAT and
firewalls), the first picture from a keyframe on is decoded and re-encoded as JPEG.

TLS: FFmpeg's RTSPS client does not verify certificates and offers no way to make it
(the RTSP demuxer passes no TLS options down), which suits printers, whose leaves come
from Bambu's private CA and carry no IP in their names. The printer's identity is pinned
on the MQTT and port-6000 links already. A caller that wants the check on this port too
passes ``pin``: a separate TLS handshake with the pinned-leaf policy runs first, before
FFmpeg connects and sends credentials. ``tls_verify=True`` does the same pre-check
against the system trust store and the URL's host name (for an RTSPS proxy with a
public certificate). The pre-check is a separate connection, so it proves who answers
at that address, not that FFmpeg's connection reaches the same peer.

All PyAV work is blocking and runs in the default executor, bounded by ``timeout``. Errors
are typed and never contain the access code: PyAV puts the full URL into its exception
messages, so those are translated and raised without chaining.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import io
import logging
import math
import socket
import ssl
import time
from typing import Any
from urllib.parse import urlsplit

import av
from av.video.stream import VideoStream

from ..printer.errors import CannotConnect, ConnectionTimeout, PrinterConnectionError
from ..printer.tls import PinnedCertificate, build_ssl_context
from .errors import CameraAccessDenied, CameraProtocolError, CameraUnavailable

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORTS = {"rtsps": 322, "rtsp": 554}  # FFmpeg's defaults, and the printers' ports
JPEG_QUALITY = 85
MAX_PACKETS = 900  # about 30 s of a 30 fps stream without a decodable picture
MAX_BYTES = 48 * 1024 * 1024
_EXECUTOR_GRACE = 1.0  # lets the worker report its own, more precise error first
_UNREACHABLE_ERRNOS = {
    errno.ECONNREFUSED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.EHOSTDOWN,
    errno.ECONNRESET,
}


class RtspStillError(PrinterConnectionError):
    """Base class: no still could be taken from the RTSP camera."""


class RtspAuthError(RtspStillError, CameraAccessDenied):
    """The camera answered 401/403: wrong access code (or user name)."""


class RtspUnreachableError(RtspStillError, CannotConnect):
    """Nothing accepted the connection (refused, no route, reset)."""


class RtspTimeoutError(RtspStillError, ConnectionTimeout):
    """No picture within the time allowed (silent peer, stalled stream)."""


class RtspNoVideoError(RtspStillError, CameraUnavailable):
    """The stream has no video track, or ended before a decodable picture."""


class RtspStreamError(RtspStillError, CameraProtocolError):
    """The server answered, but not with a usable stream (404, 5xx, TLS or RTSP failure).

    A 404 on a printer usually means "LAN Only Liveview" is off.
    """


class RtspCertificateError(RtspStillError, CannotConnect):
    """``tls_verify=True`` and the certificate failed the system trust check."""


def redact_url(url: str) -> str:
    """``url`` with the password replaced by ``***``, safe for logs and messages. Pure."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at:
        return url
    username = userinfo.partition(":")[0]
    return parts._replace(netloc=f"{username}:***@{hostport}").geturl()


async def async_grab_still(
    url: str,
    *,
    timeout: float,  # noqa: ASYNC109 - bounds the worker thread too, not just this await
    tls_verify: bool = False,
    pin: PinnedCertificate | None = None,
) -> bytes:
    """Connect to ``url``, decode the first picture and return it as JPEG bytes.

    Raises :class:`RtspAuthError`, :class:`RtspUnreachableError`,
    :class:`RtspTimeoutError`, :class:`RtspNoVideoError`, :class:`RtspStreamError` (all
    :class:`RtspStillError`), the pin errors ``CertificateMismatch``/``SerialMismatch``
    when ``pin`` is given, or ``ValueError`` for a malformed URL or timeout. Cancelling
    the caller does not stop the worker thread early; it gives up within ``timeout``.
    """
    label = _validate(url, timeout)
    loop = asyncio.get_running_loop()
    work = functools.partial(grab_still, url, timeout=timeout, tls_verify=tls_verify, pin=pin)
    try:
        async with asyncio.timeout(timeout + _EXECUTOR_GRACE):
            return await loop.run_in_executor(None, work)
    except TimeoutError:
        raise RtspTimeoutError(f"no picture from {label} within {timeout:g} s") from None


def grab_still(
    url: str,
    *,
    timeout: float,
    tls_verify: bool = False,
    pin: PinnedCertificate | None = None,
) -> bytes:
    """Blocking form of :func:`async_grab_still`, for executor threads."""
    label = _validate(url, timeout)
    deadline = time.monotonic() + timeout
    _LOGGER.debug("grabbing a still from %s", label)
    parts = urlsplit(url)
    if pin is not None or tls_verify:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        _check_certificate(parts.hostname or "", port, pin, timeout)
    failure: RtspStillError
    try:
        return _decode_first_picture(url, label, timeout=timeout, deadline=deadline)
    except (av.FFmpegError, OSError) as err:
        # Built outside the handler's chain: PyAV's message contains the credentials.
        failure = _translate(err, label, timeout, timed_out=time.monotonic() >= deadline)
    raise failure


def _validate(url: str, timeout: float) -> str:
    """The redacted label of a usable URL; ValueError otherwise."""
    label = redact_url(url)
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError("timeout must be a positive number of seconds")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(f"not a usable RTSP URL: {label}") from None
    if parts.scheme not in ("rtsp", "rtsps") or not parts.hostname or port == 0:
        raise ValueError(f"not an rtsp:// or rtsps:// URL with a host: {label}")
    return label


def _decode_first_picture(url: str, label: str, *, timeout: float, deadline: float) -> bytes:
    remaining = max(0.1, deadline - time.monotonic())  # a certificate check may have run
    options = {
        "rtsp_transport": "tcp",
        # Newer FFmpeg verifies RTSPS certificates against public CAs by default, which a
        # printer's private-CA leaf never passes; its identity is checked by the pin above.
        "tls_verify": "0",
        "timeout": str(round(remaining * 1_000_000)),  # socket I/O timeout, microseconds
        "allowed_media_types": "video",
        # Probing a live stream for stream facts costs seconds; the SDP and the
        # in-band SPS already tell the decoder everything.
        "probesize": "32",
        "fpsprobesize": "0",
    }
    with av.open(url, "r", options=options, timeout=(remaining, remaining)) as container:
        stream = next(iter(container.streams.video), None)
        if not isinstance(stream, VideoStream):
            raise RtspNoVideoError(f"{label} has no video track")
        packets = size = 0
        started = False
        for packet in container.demux(stream):
            packets += 1
            size += packet.size
            if time.monotonic() > deadline:
                raise RtspTimeoutError(f"no picture from {label} within {timeout:g} s")
            if packets > MAX_PACKETS or size > MAX_BYTES:
                raise RtspNoVideoError(f"no decodable picture in {packets} packets from {label}")
            started = started or packet.is_keyframe
            if not started:
                continue
            try:
                frames = stream.codec_context.decode(packet)
            except av.error.InvalidDataError:
                continue  # a damaged packet: the next one may decode
            for frame in frames:
                buffer = io.BytesIO()
                picture: Any = frame  # to_image is unannotated in some PyAV releases
                picture.to_image().save(buffer, format="JPEG", quality=JPEG_QUALITY)
                return buffer.getvalue()
    raise RtspNoVideoError(f"{label} ended before a picture could be decoded")


def _translate(
    err: av.FFmpegError | OSError, label: str, timeout: float, *, timed_out: bool
) -> RtspStillError:
    """Map a PyAV/socket failure onto the typed errors; the message never holds secrets.

    FFmpeg reports an I/O timeout inside TLS as a plain I/O error, so any failure once
    the deadline has passed counts as a timeout.
    """
    if isinstance(err, av.error.HTTPUnauthorizedError | av.error.HTTPForbiddenError):
        return RtspAuthError(f"{label} refused the access code")
    if timed_out or isinstance(err, av.error.ExitError | TimeoutError):
        return RtspTimeoutError(f"no picture from {label} within {timeout:g} s")
    if isinstance(err, av.error.HTTPNotFoundError):
        return RtspStreamError(f"{label} has no such stream (is LAN Only Liveview on?)")
    if isinstance(err, OSError) and err.errno in _UNREACHABLE_ERRNOS:
        return RtspUnreachableError(f"cannot reach {label}: {err.strerror or 'network error'}")
    if isinstance(err, av.error.HTTPError | av.error.HTTPClientError):
        return RtspStreamError(f"{label} answered with an error: {_reason(err)}")
    return RtspStreamError(f"{label} did not deliver a stream: {_reason(err)}")


def _reason(err: av.FFmpegError | OSError) -> str:
    """FFmpeg's error text without the file name PyAV appends (it holds the URL)."""
    return err.strerror or type(err).__name__


def _check_certificate(host: str, port: int, pin: PinnedCertificate | None, timeout: float) -> None:
    """Handshake once with the pinned-leaf (or system trust) policy; blocking."""
    context = build_ssl_context(pin) if pin is not None else ssl.create_default_context()
    server_hostname = pin.serial if pin is not None else host
    failure: RtspStillError
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=server_hostname),
        ):
            return
    except ssl.SSLCertVerificationError as err:
        failure = RtspCertificateError(f"{host}:{port} failed TLS verification: {err.reason}")
    except TimeoutError:
        failure = RtspTimeoutError(f"{host}:{port} did not complete TLS within {timeout:g} s")
    except ssl.SSLError as err:
        failure = RtspStreamError(f"{host}:{port} did not complete a TLS handshake: {err.reason}")
    except OSError as err:
        failure = RtspUnreachableError(f"cannot reach {host}:{port}: {err.strerror or err}")
    raise failure
