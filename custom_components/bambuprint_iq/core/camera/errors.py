"""Typed camera failures, built on the printer link's errors so one handler covers both.

``CameraAccessDenied`` is an :class:`InvalidAccessCode` and certificate problems are the
printer's own :class:`CertificateMismatch` / :class:`SerialMismatch`: the integration
already knows those mean "ask the user", everything under :class:`CannotConnect` means
"retry later". No message ever contains the access code.
"""

from __future__ import annotations

from ..printer.errors import CannotConnect, InvalidAccessCode, PrinterConnectionError


class CameraAccessDenied(InvalidAccessCode):
    """The camera closed the stream right after the auth packet without sending a byte."""


class CameraProtocolError(CannotConnect):
    """A frame header or JPEG did not make sense; the stream is resynchronised by reconnecting."""


class CameraUnavailable(CannotConnect):
    """No fresh frame arrived in time; the cause (if any) is chained as ``__cause__``."""


class CameraStreamClosed(PrinterConnectionError):
    """The shared stream was shut down (integration unloading) while a caller waited."""


class CameraStorageError(Exception):
    """A snapshot or timelapse could not be written, read or assembled on disk."""
