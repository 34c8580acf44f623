"""The result of a successful sign-in, and how it is stored in a configuration entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import re
from typing import Final

from .jwt_claims import normalize_uid
from .regions import CloudRegion

_TOKEN_RE: Final = re.compile(r"[\x21-\x7e]{1,16384}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudCredentials:
    """A signed-in account: what the cloud REST calls and the cloud MQTT broker need.

    ``access_token`` and ``account`` (the e-mail address) are left out of ``repr``.
    ``expires_at`` is None when neither the token nor the login answer said when it ends;
    the cloud's 401 is then the only signal.
    """

    region: CloudRegion
    account: str = field(repr=False)
    access_token: str = field(repr=False)
    uid: str
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        """Reject values that could not work as HTTP headers or MQTT credentials."""
        if not _TOKEN_RE.fullmatch(self.access_token):
            raise ValueError("access token must be printable ASCII without spaces")
        if normalize_uid(self.uid) != self.uid:
            raise ValueError("uid must be a decimal account id")
        if not self.account or self.account != self.account.strip():
            raise ValueError("account must be a non-empty e-mail address")
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            raise ValueError("expires_at must be timezone-aware")

    @property
    def mqtt_username(self) -> str:
        """User name on the cloud MQTT broker: ``u_<uid>``."""
        return f"u_{self.uid}"

    def is_expired(self, now: datetime | None = None) -> bool:
        """True once the known expiry has passed (False when the expiry is unknown)."""
        if self.expires_at is None:
            return False
        return (now or datetime.now(UTC)) >= self.expires_at

    def to_storage(self) -> dict[str, str | None]:
        """Plain JSON-able values for a configuration entry (contains the token: keep private)."""
        return {
            "region": self.region.value,
            "account": self.account,
            "access_token": self.access_token,
            "uid": self.uid,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_storage(cls, data: Mapping[str, object]) -> CloudCredentials:
        """Rebuild from :meth:`to_storage` output; raises ``ValueError`` on anything malformed."""
        expires = data.get("expires_at")
        if expires is not None and not isinstance(expires, str):
            raise ValueError("stored expiry is not a timestamp")
        return cls(
            region=CloudRegion(_stored_text(data, "region")),
            account=_stored_text(data, "account"),
            access_token=_stored_text(data, "access_token"),
            uid=_stored_text(data, "uid"),
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


def _stored_text(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ValueError(f"stored cloud credentials lack {key!r}")
    return value
