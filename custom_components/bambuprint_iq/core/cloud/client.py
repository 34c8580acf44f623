"""Bambu Cloud client: sign-in (password, e-mailed code, two-factor) and account data.

The caller owns the ``aiohttp.ClientSession`` (Home Assistant passes its shared one). The
token is never refreshed: Bambu's refresh endpoint only answers 401, so an expired or
revoked token raises :class:`~.errors.TokenExpired` and the user signs in again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
import logging
from typing import Any, Final

import aiohttp

from .account import (
    CloudDevice,
    CloudProfile,
    parse_device_list,
    parse_preference_uid,
    parse_profile,
)
from .credentials import CloudCredentials
from .errors import (
    CloudResponseError,
    InvalidCredentials,
    TfaCodeInvalid,
    TokenExpired,
    VerificationCodeExpired,
    VerificationCodeInvalid,
)
from .inputs import checked_account, checked_email_code, checked_password, checked_tfa_code
from .jwt_claims import decode_jwt_claims, expiry_from_claims, uid_from_claims
from .login_steps import CodeReason, EmailCodeRequired, LoginStep, TfaRequired
from .regions import CloudEndpoints, CloudRegion
from .transport import CloudReply, CloudTransport

_LOGGER = logging.getLogger(__name__)

LOGIN_PATH: Final = "/v1/user-service/user/login"
SEND_EMAIL_CODE_PATH: Final = "/v1/user-service/user/sendemail/code"
TFA_PATH: Final = "/api/sign-in/tfa"
DEVICES_PATH: Final = "/v1/iot-service/api/user/bind"
PREFERENCE_PATH: Final = "/v1/design-user-service/my/preference"
PROFILE_PATH: Final = "/v1/user-service/my/profile"
TOKEN_COOKIE: Final = "token"
DEFAULT_TIMEOUT: Final = 15.0
# The cloud's answer to a code login: HTTP 400 with {"code": 1} or {"code": 2}.
_CODE_EXPIRED: Final = 1
_CODE_WRONG: Final = 2
# Longest expiresIn taken at face value (the cloud uses about 90 days).
_MAX_EXPIRES_IN: Final = 10 * 365 * 86400

type Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BambuCloudClient:
    """Talks to one region of the Bambu Cloud. Stateless apart from its settings.

    Every method raises :class:`~.errors.CloudUnavailable` (timeout, unreachable,
    Cloudflare, 429, 5xx) or :class:`~.errors.CloudResponseError` (unexpected answer) in
    addition to the errors it lists.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        region: CloudRegion = CloudRegion.GLOBAL,
        *,
        endpoints: CloudEndpoints | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        clock: Clock = _utc_now,
    ) -> None:
        """``endpoints`` defaults to ``region``'s production addresses."""
        self._region = region
        self._endpoints = endpoints or CloudEndpoints.for_region(region)
        self._transport = CloudTransport(session, timeout=timeout)
        self._clock = clock

    def __repr__(self) -> str:
        """Region and API address; the client holds no secret."""
        return f"<BambuCloudClient region={self._region.value} api={self._endpoints.api_url}>"

    @property
    def region(self) -> CloudRegion:
        """The cloud region this client signs in to."""
        return self._region

    @property
    def endpoints(self) -> CloudEndpoints:
        """The addresses in use."""
        return self._endpoints

    # -- sign-in ----------------------------------------------------------------------------

    async def async_login(self, account: str, password: str) -> LoginStep:
        """Sign in with e-mail and password.

        Returns credentials, or :class:`EmailCodeRequired` (a code has been e-mailed), or
        :class:`TfaRequired`. Raises :class:`~.errors.InvalidCredentials` and
        :class:`~.errors.PhoneAccountNotSupported`.
        """
        account = checked_account(account)
        body = {"account": account, "password": checked_password(password), "apiError": ""}
        reply = await self._post_api(LOGIN_PATH, body)
        if not reply.ok:
            if reply.status in (400, 401, 403):
                raise InvalidCredentials("the cloud refused the e-mail address or password")
            raise CloudResponseError(f"password sign-in answered HTTP {reply.status}")
        login_type = reply.body.get("loginType")
        if login_type == "verifyCode":
            return await self.async_request_email_code(
                account, reason=CodeReason.ACCOUNT_REQUIRES_CODE
            )
        if login_type == "tfa":
            tfa_key = reply.body.get("tfaKey")
            if not isinstance(tfa_key, str) or not tfa_key:
                raise CloudResponseError("two-factor sign-in answer has no tfaKey")
            return TfaRequired(account=account, tfa_key=tfa_key)
        return await self._async_credentials(account, reply.body.get("accessToken"), reply.body)

    async def async_request_email_code(
        self, account: str, *, reason: CodeReason = CodeReason.REQUESTED
    ) -> EmailCodeRequired:
        """E-mail a sign-in code to ``account`` (also the "send a new code" action).

        A new code replaces the previous one. Raises
        :class:`~.errors.PhoneAccountNotSupported` for phone numbers.
        """
        account = checked_account(account)
        reply = await self._post_api(SEND_EMAIL_CODE_PATH, {"email": account, "type": "codeLogin"})
        if not reply.ok:
            raise CloudResponseError(f"the cloud refused to send a code (HTTP {reply.status})")
        return EmailCodeRequired(account=account, reason=reason)

    async def async_login_with_code(self, account: str, code: str) -> CloudCredentials:
        """Finish sign-in with the e-mailed code.

        Raises :class:`~.errors.VerificationCodeExpired` (ask for a new code) and
        :class:`~.errors.VerificationCodeInvalid` (typo, or an older code).
        """
        account = checked_account(account)
        body = {"account": account, "code": checked_email_code(code)}
        reply = await self._post_api(LOGIN_PATH, body)
        if not reply.ok:
            cloud_code = reply.body.get("code")
            if cloud_code == _CODE_EXPIRED:
                raise VerificationCodeExpired("the verification code has expired")
            if cloud_code == _CODE_WRONG:
                raise VerificationCodeInvalid("the verification code is not correct")
            raise CloudResponseError(f"code sign-in answered HTTP {reply.status}")
        return await self._async_credentials(account, reply.body.get("accessToken"), reply.body)

    async def async_submit_tfa_code(
        self, challenge: TfaRequired, code: str
    ) -> CloudCredentials | EmailCodeRequired:
        """Finish two-factor sign-in with the authenticator code.

        When Bambu's web site refuses two-factor sign-in outright (403 CSRF
        ``missing_cookie``), a code is e-mailed instead and :class:`EmailCodeRequired` with
        :attr:`CodeReason.TFA_UNAVAILABLE` is returned. Raises
        :class:`~.errors.TfaCodeInvalid`.
        """
        body = {"tfaKey": challenge.tfa_key, "tfaCode": checked_tfa_code(code)}
        reply = await self._transport.async_request(
            "POST", f"{self._endpoints.web_url}{TFA_PATH}", json_body=body
        )
        if reply.status == 403 and _is_csrf_refusal(reply.body):
            _LOGGER.info("Bambu refused two-factor sign-in; sending an e-mail code instead")
            return await self.async_request_email_code(
                challenge.account, reason=CodeReason.TFA_UNAVAILABLE
            )
        if not reply.ok:
            if reply.status in (400, 401, 403):
                raise TfaCodeInvalid("the two-factor code was refused")
            raise CloudResponseError(f"two-factor sign-in answered HTTP {reply.status}")
        token = reply.cookies.get(TOKEN_COOKIE)
        # The session's cookie jar may be Home Assistant's shared one: do not leave it there.
        self._transport.forget_cookie(self._endpoints.web_host, TOKEN_COOKIE)
        return await self._async_credentials(challenge.account, token, {})

    # -- account data -----------------------------------------------------------------------

    async def async_get_devices(self, credentials: CloudCredentials) -> tuple[CloudDevice, ...]:
        """Printers bound to the account, with their LAN access codes.

        Raises :class:`~.errors.TokenExpired`.
        """
        reply = await self._get_authorized(credentials, DEVICES_PATH)
        return parse_device_list(reply.body)

    async def async_get_profile(self, credentials: CloudCredentials) -> CloudProfile:
        """The account profile. Raises :class:`~.errors.TokenExpired`."""
        reply = await self._get_authorized(credentials, PROFILE_PATH)
        return parse_profile(reply.body)

    # -- internals --------------------------------------------------------------------------

    async def _post_api(self, path: str, body: Mapping[str, Any]) -> CloudReply:
        return await self._transport.async_request(
            "POST", f"{self._endpoints.api_url}{path}", json_body=body
        )

    async def _get_authorized(self, credentials: CloudCredentials, path: str) -> CloudReply:
        if credentials.region is not self._region:
            raise ValueError("credentials belong to another cloud region")
        if credentials.is_expired(self._clock()):
            raise TokenExpired("the cloud access token has expired", rejected=False)
        return await self._get_with_token(credentials.access_token, path)

    async def _get_with_token(self, token: str, path: str) -> CloudReply:
        reply = await self._transport.async_request(
            "GET", f"{self._endpoints.api_url}{path}", token=token
        )
        if reply.status == 401:
            raise TokenExpired("the cloud no longer accepts the access token", rejected=True)
        if not reply.ok:
            raise CloudResponseError(f"GET {path} answered HTTP {reply.status}")
        return reply

    async def _async_credentials(
        self, account: str, token: object, answer: Mapping[str, object]
    ) -> CloudCredentials:
        """Credentials for a fresh token: uid and expiry from the JWT, else from the cloud."""
        if not isinstance(token, str) or not token:
            raise CloudResponseError("sign-in succeeded but no access token came back")
        claims = decode_jwt_claims(token) or {}
        uid = uid_from_claims(claims)
        if uid is None:
            uid = parse_preference_uid((await self._get_with_token(token, PREFERENCE_PATH)).body)
        try:
            return CloudCredentials(
                region=self._region,
                account=account,
                access_token=token,
                uid=uid,
                expires_at=expiry_from_claims(claims) or self._expiry_from_answer(answer),
            )
        except ValueError as err:
            raise CloudResponseError("the cloud returned an unusable access token") from err

    def _expiry_from_answer(self, answer: Mapping[str, object]) -> datetime | None:
        expires_in = answer.get("expiresIn")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int):
            return None
        if not 0 < expires_in <= _MAX_EXPIRES_IN:
            return None
        return self._clock() + timedelta(seconds=expires_in)


def _is_csrf_refusal(body: Mapping[str, object]) -> bool:
    reason = body.get("reason")
    error = body.get("error")
    return reason == "missing_cookie" or (isinstance(error, str) and "csrf" in error.lower())
