"""Checks on what the user typed, before anything is sent. Pure functions.

Rejecting a malformed code locally saves a round trip and keeps the cloud's attempt counter
for real mistakes.
"""

from __future__ import annotations

import re
from typing import Final

from .errors import (
    InvalidCredentials,
    PhoneAccountNotSupported,
    TfaCodeInvalid,
    VerificationCodeInvalid,
)

_EMAIL_RE: Final = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}")
_PHONE_RE: Final = re.compile(r"\+?[0-9][0-9 ()-]{4,24}")
_EMAIL_CODE_RE: Final = re.compile(r"[0-9]{4,8}")
_TFA_CODE_RE: Final = re.compile(r"[0-9]{6,8}")
_MAX_PASSWORD: Final = 1024


def checked_account(account: str) -> str:
    """The e-mail address, trimmed; phone numbers and malformed input are refused."""
    cleaned = account.strip()
    if "@" not in cleaned and _PHONE_RE.fullmatch(cleaned):
        raise PhoneAccountNotSupported(
            "phone-number accounts are not supported yet; sign in with an e-mail address"
        )
    if not _EMAIL_RE.fullmatch(cleaned):
        raise InvalidCredentials("the account is not a valid e-mail address")
    return cleaned


def checked_password(password: str) -> str:
    """The password as typed (spaces matter); empty or absurdly long ones are refused."""
    if not password or len(password) > _MAX_PASSWORD or "\x00" in password:
        raise InvalidCredentials("the password is empty or not usable")
    return password


def _digits(code: str) -> str:
    return "".join(code.split())


def checked_email_code(code: str) -> str:
    """The e-mailed code without spaces; it must be 4-8 digits."""
    cleaned = _digits(code)
    if not _EMAIL_CODE_RE.fullmatch(cleaned):
        raise VerificationCodeInvalid("the verification code must be 4 to 8 digits")
    return cleaned


def checked_tfa_code(code: str) -> str:
    """The authenticator code without spaces; it must be 6-8 digits."""
    cleaned = _digits(code)
    if not _TFA_CODE_RE.fullmatch(cleaned):
        raise TfaCodeInvalid("the two-factor code must be 6 to 8 digits")
    return cleaned
