"""Where a camera is and how patiently to talk to it."""

from __future__ import annotations

from dataclasses import dataclass, field
import math

from ..printer.tls import PinnedCertificate, TlsPolicy
from .protocol import CAMERA_PORT, USERNAME, validate_credentials


@dataclass(frozen=True, slots=True, kw_only=True)
class CameraEndpoint:
    """How to reach one printer's port-6000 camera.

    ``tls`` is the same policy as the printer's MQTT link: the camera presents the same
    leaf certificate, so the pin made at setup protects this port too. The access code is
    left out of ``repr`` and never logged.
    """

    host: str
    access_code: str = field(repr=False)
    tls: TlsPolicy
    port: int = CAMERA_PORT
    username: str = USERNAME

    def __post_init__(self) -> None:
        """Reject values the auth packet or a socket could not carry."""
        if not self.host or any(char.isspace() for char in self.host):
            raise ValueError("host must be a non-empty host name or IP address")
        if not 0 < self.port < 65536:
            raise ValueError("port must be in 1..65535")
        validate_credentials(self.username, self.access_code)

    @property
    def server_hostname(self) -> str:
        """SNI to send: the serial when pinned (what the printer's leaf names), else the host."""
        return self.tls.serial if isinstance(self.tls, PinnedCertificate) else self.host

    @property
    def label(self) -> str:
        """``host:port`` for log lines and error messages."""
        return f"{self.host}:{self.port}"


def _require_positive(**values: float) -> None:
    for name, value in values.items():
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number of seconds")


@dataclass(frozen=True, slots=True, kw_only=True)
class CameraTimings:
    """Delays of one upstream link, in seconds; tests pass short ones."""

    connect_timeout: float = 10.0
    """TCP connect plus TLS handshake."""
    frame_timeout: float = 20.0
    """Longest silence between frames (printers send one every 1-2 s) before reconnecting."""
    backoff_initial: float = 1.0
    backoff_max: float = 30.0

    def __post_init__(self) -> None:
        """Reject values that would spin or never act."""
        _require_positive(
            connect_timeout=self.connect_timeout,
            frame_timeout=self.frame_timeout,
            backoff_initial=self.backoff_initial,
            backoff_max=self.backoff_max,
        )
        if self.backoff_initial > self.backoff_max:
            raise ValueError("backoff_initial must not exceed backoff_max")


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamOptions:
    """How the shared stream serves its viewers."""

    idle_timeout: float = 30.0
    """Keep the upstream open this long after the last viewer or still request left."""
    max_fps: float = 5.0
    """Default frame-rate cap per viewer (the printer itself sends about 0.5-1 fps)."""
    stall_timeout: float = 60.0
    """A viewer that sees no new frame for this long gets :class:`CameraUnavailable`."""
    fatal_retry_after: float = 300.0
    """After a wrong access code or certificate, refuse at once for this long instead of
    knocking on the printer again for every still request."""
    reuse_frame_age: float = 2.0
    """A new viewer starts with the cached frame if it is at most this old."""

    def __post_init__(self) -> None:
        """Reject values that would spin or never act."""
        _require_positive(
            idle_timeout=self.idle_timeout,
            max_fps=self.max_fps,
            stall_timeout=self.stall_timeout,
            fatal_retry_after=self.fatal_retry_after,
        )
        if not (math.isfinite(self.reuse_frame_age) and self.reuse_frame_age >= 0):
            raise ValueError("reuse_frame_age must be a non-negative number of seconds")
