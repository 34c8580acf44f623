"""Deterministic printer identities (serial number and LAN access code).

Tests and the demo need stable identities: the same seed must give the same serial and
access code on every run, so dashboards, pinned fingerprints and saved config entries keep
working across restarts. Identities are derived by hashing, not by a shared RNG, so adding a
printer of another model never shifts the serials of the existing ones.
"""

from __future__ import annotations

import hashlib
import re

from simulator.models import ModelSpec

SERIAL_LENGTH = 15
ACCESS_CODE_LENGTH = 8
_SERIAL_RE = re.compile(r"^[0-9A-Z]{15}$")
_ACCESS_CODE_RE = re.compile(r"^[0-9A-Za-z]{8}$")


class InvalidIdentityError(ValueError):
    """A user-supplied serial or access code has the wrong shape."""


def _digest(*parts: object) -> bytes:
    text = ":".join(str(part) for part in parts)
    return hashlib.sha256(text.encode()).digest()


def derive_serial(spec: ModelSpec, seed: int, ordinal: int) -> str:
    """Serial = model prefix + "00" + a batch letter + 9 digits, 15 characters in all.

    `ordinal` separates several printers of the same model under one seed.
    """
    digest = _digest("serial", seed, spec.key, ordinal)
    batch = "ABC"[digest[0] % 3]
    digits = str(int.from_bytes(digest[1:9], "big") % 10**9).zfill(9)
    return f"{spec.serial_prefix}00{batch}{digits}"


def derive_access_code(serial: str, seed: int) -> str:
    """Eight digits, like the code shown on the printer screen."""
    digest = _digest("access-code", seed, serial)
    return str(int.from_bytes(digest[:8], "big") % 10**8).zfill(ACCESS_CODE_LENGTH)


def validate_serial(serial: str) -> str:
    """Return the serial unchanged, or raise if it is not 15 upper-case letters/digits."""
    if not _SERIAL_RE.fullmatch(serial):
        raise InvalidIdentityError("a serial must be 15 characters of 0-9 and A-Z")
    return serial


def validate_access_code(code: str) -> str:
    """Return the code unchanged, or raise if it is not 8 letters/digits (value never echoed)."""
    if not _ACCESS_CODE_RE.fullmatch(code):
        raise InvalidIdentityError("an access code must be 8 letters or digits")
    return code
