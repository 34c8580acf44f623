"""RTSP Digest authentication (RFC 2617, MD5), as the printers' live555 server does it.

The server answers an unauthenticated request with 401 and a fresh nonce; the client
repeats it with ``Authorization: Digest username=..., response=MD5(HA1:nonce:HA2)``. Only
the nonce most recently issued on a connection is accepted, so a captured header cannot
be replayed on another connection. ``qop=auth`` answers are accepted too (some clients
send them), although the challenge does not offer it, matching live555.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
import hmac
import re
import secrets

LIVE555_REALM = "LIVE555 Streaming Media"
_PARAM_RE = re.compile(r'([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))')


def _md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def parse_digest(header: str) -> dict[str, str] | None:
    """Parameters of a ``Digest ...`` Authorization header (keys lower case), else None."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    return {
        match.group(1).lower(): match.group(2) if match.group(2) is not None else match.group(3)
        for match in _PARAM_RE.finditer(rest)
    }


def digest_response(
    *,
    username: str,
    password: str,
    realm: str,
    nonce: str,
    method: str,
    uri: str,
    qop: str | None = None,
    nc: str = "",
    cnonce: str = "",
) -> str:
    """The ``response`` value a client computes (RFC 2617 3.2.2.1)."""
    ha1 = _md5(f"{username}:{realm}:{password}")
    ha2 = _md5(f"{method}:{uri}")
    if qop:
        return _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return _md5(f"{ha1}:{nonce}:{ha2}")


@dataclass(frozen=True, slots=True)
class DigestAuthenticator:
    """Checks one username/password pair; the password never appears in repr."""

    username: str
    password: str = field(repr=False)
    realm: str = LIVE555_REALM

    @staticmethod
    def new_nonce() -> str:
        """An unpredictable nonce for the next challenge."""
        return secrets.token_hex(16)

    def challenge(self, nonce: str) -> str:
        """The ``WWW-Authenticate`` value of a 401 reply."""
        return f'Digest realm="{self.realm}", nonce="{nonce}"'

    def verify(self, method: str, authorization: str | None, nonce: str | None) -> bool:
        """True when ``authorization`` answers ``nonce`` with the right credentials."""
        if authorization is None or nonce is None:
            return False
        params = parse_digest(authorization)
        if params is None:
            return False
        required = ("username", "realm", "nonce", "uri", "response")
        if any(key not in params for key in required):
            return False
        if params["realm"] != self.realm or not hmac.compare_digest(params["nonce"], nonce):
            return False
        qop = params.get("qop")
        if qop not in (None, "auth"):
            return False
        expected = digest_response(
            username=self.username,
            password=self.password,
            realm=self.realm,
            nonce=nonce,
            method=method,
            uri=params["uri"],
            qop=qop,
            nc=params.get("nc", ""),
            cnonce=params.get("cnonce", ""),
        )
        same_user = hmac.compare_digest(params["username"].encode(), self.username.encode())
        same_response = hmac.compare_digest(params["response"].lower().encode(), expected.encode())
        return same_user and same_response
