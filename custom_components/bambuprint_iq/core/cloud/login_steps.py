"""What a sign-in attempt can ask for next, as values a configuration flow can match on.

``async_login`` returns one of :data:`LoginStep`: finished (:class:`CloudCredentials`), an
e-mailed code is needed (:class:`EmailCodeRequired`, the code has already been sent), or an
authenticator-app code is needed (:class:`TfaRequired`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .credentials import CloudCredentials


class CodeReason(StrEnum):
    """Why an e-mailed code was sent; lets the flow explain the step to the user."""

    ACCOUNT_REQUIRES_CODE = "account_requires_code"
    """The cloud answered the password with ``loginType: verifyCode``."""
    TFA_UNAVAILABLE = "tfa_unavailable"
    """Bambu's two-factor endpoint refused the request (CSRF ``missing_cookie``)."""
    REQUESTED = "requested"
    """The user asked for a (new) code."""


@dataclass(frozen=True, slots=True)
class EmailCodeRequired:
    """A code was e-mailed to ``account``; finish with ``async_login_with_code``."""

    account: str = field(repr=False)
    reason: CodeReason


@dataclass(frozen=True, slots=True)
class TfaRequired:
    """The account uses two-factor sign-in; finish with ``async_submit_tfa_code``.

    ``tfa_key`` binds the code to this password check; it is kept out of ``repr``.
    """

    account: str = field(repr=False)
    tfa_key: str = field(repr=False)


type LoginStep = CloudCredentials | EmailCodeRequired | TfaRequired
