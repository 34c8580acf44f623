"""TLS policy for printer links: trust-on-first-use pinning of the printer's leaf certificate.

Printers present a leaf with ``CN=<serial>``, no SAN, signed by Bambu's private CA, which
this project does not ship. Instead the integration probes the certificate once
(:func:`async_probe_certificate`), shows the fingerprint to the user, and pins it
(:class:`PinnedCertificate`). Every later handshake is checked against that pin right after
the TLS handshake and before a single MQTT byte (and so before the access code) is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime
import hashlib
import re
import ssl

from cryptography import x509
from cryptography.x509.oid import NameOID

from .errors import (
    CannotConnect,
    CertificateMismatch,
    ConnectionTimeout,
    NotAPrinter,
    PrinterConnectionError,
    SerialMismatch,
)
from .public_ca import PublicCaVerification, build_public_ca_context

_FINGERPRINT_RE = re.compile(r"[0-9a-f]{64}")
_CLOSE_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What the user needs to see (and the integration needs to store) about a printer leaf."""

    fingerprint: str
    """Lowercase hex SHA-256 of the leaf certificate's DER encoding (64 characters)."""
    common_name: str
    """Subject CN; on a printer this is its serial number."""
    issuer_common_name: str | None
    not_before: datetime
    not_after: datetime


@dataclass(frozen=True, slots=True)
class PinnedCertificate:
    """Default policy: accept exactly one leaf (by fingerprint) whose CN is the serial."""

    fingerprint: str
    serial: str

    def __post_init__(self) -> None:
        """Reject malformed pins early; use :func:`normalize_fingerprint` on user input."""
        if not _FINGERPRINT_RE.fullmatch(self.fingerprint):
            raise ValueError("fingerprint must be 64 lowercase hex characters (SHA-256)")
        if not self.serial or self.serial != self.serial.strip():
            raise ValueError("serial must be a non-empty string without surrounding spaces")


@dataclass(frozen=True, slots=True)
class InsecureSkipVerify:
    """Explicit opt-in: accept any certificate. Only for users who chose it knowingly."""


type TlsPolicy = PinnedCertificate | InsecureSkipVerify | PublicCaVerification
"""Printers: a pinned leaf (or the explicit opt-out); the cloud broker: public CA chain."""


def format_fingerprint(fingerprint: str) -> str:
    """Colon-separated upper-case pairs, as certificate tools display fingerprints."""
    return ":".join(fingerprint[i : i + 2] for i in range(0, len(fingerprint), 2)).upper()


def normalize_fingerprint(value: str) -> str:
    """Turn ``AB:CD:...`` / mixed-case / spaced hex into the canonical 64-char lowercase form.

    Pure function. Raises ``ValueError`` when the result is not a SHA-256 hex digest.
    """
    cleaned = re.sub(r"[\s:]", "", value).lower()
    if not _FINGERPRINT_RE.fullmatch(cleaned):
        raise ValueError("not a SHA-256 fingerprint (expected 64 hex characters)")
    return cleaned


def _common_name(name: x509.Name) -> str | None:
    attributes = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not attributes:
        return None
    value = attributes[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def certificate_info_from_der(der: bytes) -> CertificateInfo:
    """Describe a DER certificate. Pure CPU work.

    Raises :class:`NotAPrinter` if it cannot be parsed or has no subject CN, since every
    printer leaf names its serial there.
    """
    try:
        certificate = x509.load_der_x509_certificate(der)
        subject_cn = _common_name(certificate.subject)
        issuer_cn = _common_name(certificate.issuer)
    except ValueError as err:
        raise NotAPrinter("peer certificate could not be parsed") from err
    if subject_cn is None:
        raise NotAPrinter("peer certificate has no common name")
    return CertificateInfo(
        fingerprint=hashlib.sha256(der).hexdigest(),
        common_name=subject_cn,
        issuer_common_name=issuer_cn,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def same_serial(common_name: str, serial: str) -> bool:
    """Serials are printed in upper case but typed by people; compare without case."""
    return common_name.casefold() == serial.casefold()


def check_peer_certificate(policy: TlsPolicy, der: bytes | None) -> None:
    """Enforce ``policy`` on the peer's leaf. Pure; raises before any credentials leave.

    The serial is checked first: a different device at the address is a different problem
    (wrong IP) from the same printer presenting a renewed certificate (re-pin).
    """
    if isinstance(policy, InsecureSkipVerify | PublicCaVerification):
        return  # nothing to pin (opt-out), or OpenSSL already verified chain and host name
    if der is None:
        raise NotAPrinter("peer presented no certificate")
    info = certificate_info_from_der(der)
    if not same_serial(info.common_name, policy.serial):
        raise SerialMismatch(expected_serial=policy.serial, common_name=info.common_name)
    if info.fingerprint != policy.fingerprint:
        raise CertificateMismatch(
            pinned_fingerprint=policy.fingerprint, fingerprint=info.fingerprint
        )


class _PrinterSSLSocket(ssl.SSLSocket):
    """Checks the pin as part of ``do_handshake()`` and closes itself on any failure.

    paho-mqtt wraps its TCP socket with ``do_handshake_on_connect=False`` and then calls
    ``do_handshake()`` itself, before it queues CONNECT; raising here aborts the connect
    with the credentials never written. Closing here also stops paho from leaking the
    descriptor, since it does not close the socket when the handshake raises.
    """

    def do_handshake(self, block: bool = False) -> None:
        """Handshake, then apply the context's policy to the peer leaf."""
        try:
            super().do_handshake(block)
            context = self.context
            if isinstance(context, _PrinterSSLContext):
                check_peer_certificate(context.policy, self.getpeercert(binary_form=True))
        except BaseException:
            self.close()
            raise


class _PrinterSSLContext(ssl.SSLContext):
    """An ``SSLContext`` that remembers which :data:`TlsPolicy` its sockets must enforce."""

    sslsocket_class = _PrinterSSLSocket
    policy: TlsPolicy


def build_ssl_context(policy: TlsPolicy) -> ssl.SSLContext:
    """Create a client context for ``policy``. Blocking-ish: call from an executor.

    For printers chain verification is off on purpose (the CA is not public); the pin
    replaces it. The cloud broker gets ordinary public-CA and host name verification.
    """
    if isinstance(policy, PublicCaVerification):
        return build_public_ca_context(policy)
    context = _PrinterSSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.policy = policy
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    # Python 3.13 turns on strict X.509 checks that Bambu's CA certificates fail.
    context.verify_flags &= ~ssl.VERIFY_X509_STRICT
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def translate_connect_error(err: OSError, host: str, port: int) -> PrinterConnectionError:
    """Map a socket/TLS failure from connecting to ``host:port`` onto the typed errors.

    A peer that closes the connection mid-handshake is "cannot connect" (often transient);
    a peer that answers with something that is not TLS is "not a printer".
    """
    if isinstance(err, TimeoutError):
        return ConnectionTimeout(f"{host}:{port} did not answer in time")
    if isinstance(err, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return CannotConnect(f"{host}:{port} closed the connection during TLS setup")
    if isinstance(err, ssl.SSLError):
        return NotAPrinter(f"{host}:{port} did not complete a TLS handshake: {err.reason}")
    return CannotConnect(f"cannot reach {host}:{port}: {err.strerror or err}")


_CONTEXTS: dict[TlsPolicy, ssl.SSLContext] = {}


async def async_ssl_context(policy: TlsPolicy) -> ssl.SSLContext:
    """Return the cached context for ``policy``, building it in the executor the first time."""
    if (context := _CONTEXTS.get(policy)) is None:
        loop = asyncio.get_running_loop()
        context = await loop.run_in_executor(None, build_ssl_context, policy)
        context = _CONTEXTS.setdefault(policy, context)
    return context


async def async_probe_certificate(
    host: str,
    port: int = 8883,
    *,
    serial: str | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109 - also bounds the TLS handshake itself
) -> CertificateInfo:
    """Open a TLS connection without verification only to read the leaf, then close it.

    Used before pinning, so nothing but the TLS handshake happens: no MQTT, no credentials.
    Raises :class:`ConnectionTimeout`, :class:`CannotConnect` (refused/unreachable),
    :class:`NotAPrinter` (no TLS or no usable certificate) and, when ``serial`` is given,
    :class:`SerialMismatch`.
    """
    context = await async_ssl_context(InsecureSkipVerify())
    try:
        async with asyncio.timeout(timeout):
            _reader, writer = await asyncio.open_connection(
                host, port, ssl=context, ssl_handshake_timeout=timeout
            )
    except TimeoutError as err:
        raise ConnectionTimeout(f"no TLS handshake with {host}:{port} within {timeout} s") from err
    except OSError as err:
        raise translate_connect_error(err, host, port) from err

    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    finally:
        writer.close()
        # A peer that never answers close_notify must not hold the probe open.
        with contextlib.suppress(OSError, TimeoutError):
            async with asyncio.timeout(min(timeout, _CLOSE_TIMEOUT)):
                await writer.wait_closed()

    if der is None:
        raise NotAPrinter(f"{host}:{port} presented no certificate")
    info = certificate_info_from_der(der)
    if serial is not None and not same_serial(info.common_name, serial):
        raise SerialMismatch(expected_serial=serial, common_name=info.common_name)
    return info
