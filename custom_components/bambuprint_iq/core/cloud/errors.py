"""Typed failures of the Bambu Cloud client, grouped by what the caller should do about them.

* :class:`CloudUnavailable` and its subclasses: the cloud (or the way to it) is down or
  blocking us; retry later, keep the configuration.
* :class:`CloudAuthError` and its subclasses: only the user can fix it (new password, new
  code, sign in again).
* :class:`CloudResponseError`: the cloud answered something this client does not understand.

Messages name hosts, paths and HTTP statuses only: never a password, token, code or e-mail.
"""

from __future__ import annotations


class BambuCloudError(Exception):
    """Base class for everything the cloud client raises."""


class CloudUnavailable(BambuCloudError):
    """The cloud could not be reached or did not answer usefully; retrying later may help."""


class CloudTimeout(CloudUnavailable):
    """No complete answer within the client's timeout."""


class CloudServerError(CloudUnavailable):
    """The cloud answered with a 5xx status."""

    def __init__(self, message: str, *, status: int) -> None:
        """Keep the status for diagnostics."""
        super().__init__(message)
        self.status = status


class CloudRateLimited(CloudUnavailable):
    """The cloud answered 429 with its own (non-Cloudflare) body: too many requests."""


class CloudflareBlocked(CloudUnavailable):
    """Bambu's Cloudflare front answered with an HTML challenge or block page (403/429).

    Nothing is wrong with the credentials; the block usually lifts after a while or from
    another network.
    """

    def __init__(self, message: str, *, status: int) -> None:
        """Keep the status (403 block or 429 rate limit) for diagnostics."""
        super().__init__(message)
        self.status = status


class CloudResponseError(BambuCloudError):
    """The cloud answered with a status or body this client cannot interpret."""


class CloudAuthError(BambuCloudError):
    """Base class for failures that need the user (credentials, code, a new sign-in)."""


class InvalidCredentials(CloudAuthError):
    """The cloud refused the e-mail/password pair."""


class PhoneAccountNotSupported(CloudAuthError):
    """The account is a phone number; sign-in by SMS code is not supported yet."""


class VerificationCodeExpired(CloudAuthError):
    """The e-mailed code is too old (the cloud's ``{"code": 1}``); request a new one."""


class VerificationCodeInvalid(CloudAuthError):
    """The e-mailed code is wrong or was replaced by a newer one (the cloud's ``{"code": 2}``)."""


class TfaCodeInvalid(CloudAuthError):
    """The two-factor (authenticator app) code was refused."""


class TokenExpired(CloudAuthError):
    """The access token is past its expiry or the cloud refused it (HTTP 401).

    There is no working refresh endpoint, so the only way forward is a new sign-in.
    ``rejected`` is True when the cloud said so, False when the local expiry time passed.
    """

    def __init__(self, message: str, *, rejected: bool) -> None:
        """Remember whether the cloud or the local clock decided."""
        super().__init__(message)
        self.rejected = rejected
