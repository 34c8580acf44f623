"""Typed failures of the printer link, so callers can tell "retry later" from "ask the user".

Messages never contain the access code or any other secret.
"""

from __future__ import annotations


class PrinterConnectionError(Exception):
    """Base class for everything that can go wrong while talking to a printer."""


class CannotConnect(PrinterConnectionError):
    """The printer could not be reached or dropped the link; retrying later may help."""


class ConnectionTimeout(CannotConnect):
    """A step of the connection (TCP, TLS, CONNACK, SUBACK, publish) took too long."""


class NotAPrinter(CannotConnect):
    """Something answered, but it does not speak TLS the way a printer does."""


class NotConnected(PrinterConnectionError):
    """A request was made while there is no established link to send it over."""


class InvalidAccessCode(PrinterConnectionError):
    """The broker refused the username/access code (CONNACK 4 or 5); the user must re-enter it."""


class CertificateMismatch(PrinterConnectionError):
    """The printer presented a different certificate than the pinned one.

    Raised before any credentials are sent. ``fingerprint`` is the newly presented one, so
    the integration can show it and re-pin once the user confirms the change.
    """

    def __init__(self, *, pinned_fingerprint: str, fingerprint: str) -> None:
        """Keep both fingerprints (lowercase hex SHA-256 of the leaf DER)."""
        super().__init__(
            f"printer certificate changed: pinned sha256 {pinned_fingerprint}, "
            f"presented sha256 {fingerprint}"
        )
        self.pinned_fingerprint = pinned_fingerprint
        self.fingerprint = fingerprint


class SerialMismatch(PrinterConnectionError):
    """The certificate's common name is not the expected serial: another device answered.

    Raised before any credentials are sent.
    """

    def __init__(self, *, expected_serial: str, common_name: str) -> None:
        """Keep the serial we expected and the common name the peer presented."""
        super().__init__(
            f"certificate common name {common_name!r} does not match serial {expected_serial!r}"
        )
        self.expected_serial = expected_serial
        self.common_name = common_name
