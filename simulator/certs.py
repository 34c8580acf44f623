"""TLS material shaped like a real printer's: a private CA and one leaf per printer.

Real printers present a leaf whose subject CN is the serial number and which has no
subjectAltName at all, so clients must either verify with SNI = serial or pin the leaf.
The simulator reproduces exactly that. Keys are EC P-256 rather than the printers' RSA so
that start-up stays well under a second; clients never depend on the key type.

A `CertificateStore` can persist everything in a directory so a demo keeps the same leaf,
and therefore the same SHA-256 fingerprint, across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import datetime
import hashlib
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_COMMON_NAME = "BBL Device CA (simulated)"
_ORGANISATION = "BambuPrint IQ printer simulator"
_VALIDITY = datetime.timedelta(days=3650)


class CertificateStoreError(RuntimeError):
    """Persisted certificate files are unreadable or do not belong together."""


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A certificate with its private key, both PEM."""

    cert_pem: bytes
    key_pem: bytes = field(repr=False)

    @property
    def certificate(self) -> x509.Certificate:
        """Parsed certificate."""
        return x509.load_pem_x509_certificate(self.cert_pem)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the DER encoding, lower-case hex (what clients pin)."""
        return fingerprint_sha256(self.certificate.public_bytes(serialization.Encoding.DER))


@dataclass(frozen=True, slots=True)
class PrinterCertificate:
    """Files a TLS server loads for one printer, plus the pinned fingerprint."""

    serial: str
    certfile: Path
    keyfile: Path
    fingerprint: str


def fingerprint_sha256(der: bytes) -> str:
    """Lower-case hex SHA-256 of a DER certificate."""
    return hashlib.sha256(der).hexdigest()


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _validity() -> tuple[datetime.datetime, datetime.datetime]:
    now = datetime.datetime.now(datetime.UTC)
    return now - datetime.timedelta(days=1), now + _VALIDITY


def create_ca() -> KeyPair:
    """A self-signed CA with the extensions strict X.509 verification insists on."""
    key = _new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, CA_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORGANISATION),
        ]
    )
    not_before, not_after = _validity()
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _pem_key(key))


def issue_leaf(ca: KeyPair, serial: str) -> KeyPair:
    """A server leaf with CN = serial and deliberately no subjectAltName."""
    ca_cert = ca.certificate
    ca_key = serialization.load_pem_private_key(ca.key_pem, password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise CertificateStoreError("the CA key is not an EC key")
    key = _new_key()
    not_before, not_after = _validity()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, serial)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return KeyPair(cert.public_bytes(serialization.Encoding.PEM), _pem_key(key))


def common_name(cert: x509.Certificate) -> str | None:
    """The subject CN, if any."""
    attributes = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not attributes:
        return None
    value = attributes[0].value
    return value if isinstance(value, str) else value.decode()


class CertificateStore:
    """Creates (or reloads) the CA and per-printer leaves as files in `directory`.

    Blocking file and crypto work: call from a worker thread when inside an event loop.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._ca: KeyPair | None = None

    @property
    def ca_certfile(self) -> Path:
        """Path of the CA certificate (clients may trust it for a strict chain check)."""
        return self.directory / "ca.crt"

    def ca(self) -> KeyPair:
        """Load the persisted CA or create and save a new one."""
        if self._ca is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            key_path = self.directory / "ca.key"
            self._ca = self._load(self.ca_certfile, key_path)
            if self._ca is None:
                self._ca = create_ca()
                self._save(self._ca, self.ca_certfile, key_path)
        return self._ca

    def leaf(self, serial: str) -> PrinterCertificate:
        """The printer's leaf files; reused when they exist and match serial and CA."""
        ca = self.ca()
        certfile = self.directory / f"{serial}.crt"
        keyfile = self.directory / f"{serial}.key"
        pair = self._load(certfile, keyfile)
        if pair is not None and not self._belongs(pair, serial, ca):
            pair = None
        if pair is None:
            pair = issue_leaf(ca, serial)
            self._save(pair, certfile, keyfile)
        return PrinterCertificate(serial, certfile, keyfile, pair.fingerprint)

    @staticmethod
    def _belongs(pair: KeyPair, serial: str, ca: KeyPair) -> bool:
        cert = pair.certificate
        return common_name(cert) == serial and cert.issuer == ca.certificate.subject

    @staticmethod
    def _load(certfile: Path, keyfile: Path) -> KeyPair | None:
        if not certfile.exists() or not keyfile.exists():
            return None
        try:
            pair = KeyPair(certfile.read_bytes(), keyfile.read_bytes())
            pair.certificate  # noqa: B018 - parse now so a corrupt file fails here
            serialization.load_pem_private_key(pair.key_pem, password=None)
        except (OSError, ValueError) as err:
            raise CertificateStoreError(f"cannot read {certfile.name}/{keyfile.name}") from err
        return pair

    @staticmethod
    def _save(pair: KeyPair, certfile: Path, keyfile: Path) -> None:
        certfile.write_bytes(pair.cert_pem)
        descriptor = os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pair.key_pem)
