"""Read what the access token says about itself: expiry and MQTT user name. Pure functions.

Bambu access tokens are (or were) JWTs. The signature cannot be checked here and does not
need to be: the claims only tell us when to ask the user to sign in again and which MQTT
user name to use; the cloud itself decides whether the token is valid.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
import json
import re
from typing import Final

_USERNAME_RE: Final = re.compile(r"u_([0-9]{1,20})")
_UID_RE: Final = re.compile(r"[0-9]{1,20}")
_MAX_TOKEN_LENGTH: Final = 16 * 1024
# Years 1970-9999: anything outside is a corrupt claim, not a real expiry.
_MAX_EPOCH: Final = 253_402_300_799


def decode_jwt_claims(token: str) -> Mapping[str, object] | None:
    """The payload of a JWT-shaped token as a mapping, or None if it is not one."""
    if len(token) > _MAX_TOKEN_LENGTH:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def uid_from_claims(claims: Mapping[str, object]) -> str | None:
    """The numeric account id from ``username`` (or the older ``preferred_username``)."""
    for key in ("username", "preferred_username"):
        value = claims.get(key)
        if isinstance(value, str) and (match := _USERNAME_RE.fullmatch(value)):
            return match.group(1)
    return None


def expiry_from_claims(claims: Mapping[str, object]) -> datetime | None:
    """The ``exp`` claim as an aware UTC datetime, or None when absent or nonsensical."""
    value = claims.get("exp")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not 0 < value <= _MAX_EPOCH:
        return None
    return datetime.fromtimestamp(value, UTC)


def normalize_uid(value: object) -> str | None:
    """A uid from a JSON answer (number or digit string) as a digit string, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value > 0 else None
    if isinstance(value, str) and _UID_RE.fullmatch(value.strip()):
        return value.strip()
    return None
