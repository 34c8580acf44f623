"""A loopback stand-in for the Bambu Cloud: the REST API host and the web host (two-factor).

It implements the documented request and answer shapes: password sign-in answering with a
token, ``loginType: verifyCode`` or ``loginType: tfa`` per account; e-mailed codes (each
new code replaces the last; 400 ``{"code": 1}`` when expired, ``{"code": 2}`` when wrong);
the two-factor endpoint on the web host that sets a ``token`` cookie (or refuses with the
403 CSRF ``missing_cookie`` answer); the device list, preference and profile behind a
Bearer token that expires (401); a dead refresh endpoint; and switches for Cloudflare HTML
pages, 5xx answers and slow answers. Tokens are JWT-shaped with ``exp`` and a user claim.

Both servers listen on 127.0.0.1 only and stop when the context exits; slow answers are
released at exit so nothing lingers.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Iterable
import contextlib
from dataclasses import dataclass, field
import hashlib
import hmac
import json
import secrets
import time
from types import TracebackType
from typing import Any, Literal, Self

from aiohttp import web
from aiohttp.test_utils import TestServer

from custom_components.bambuprint_iq.core.cloud import CloudEndpoints

type LoginType = Literal["password", "verifyCode", "tfa"]
type TokenStyle = Literal["username", "preferred_username", "no_user_claim", "opaque"]
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

NINETY_DAYS = 90 * 86400
_SIGNING_KEY = secrets.token_bytes(32)

CLOUDFLARE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Just a moment...</title></head>
<body><h1>Checking your connection</h1>
<p>This request was stopped by a security service (cloudflare). Ray ID: 0000000000000000</p>
</body></html>
"""


def device_entry(
    serial: str,
    *,
    name: str = "Workshop printer",
    model_name: str = "C12",
    product_name: str = "P1S",
    access_code: str = "12345678",
    online: bool = True,
    print_status: str = "IDLE",
    nozzle_diameter: float = 0.4,
) -> dict[str, Any]:
    """One ``user/bind`` device entry in the cloud's field names."""
    return {
        "dev_id": serial,
        "name": name,
        "online": online,
        "print_status": print_status,
        "dev_model_name": model_name,
        "dev_product_name": product_name,
        "dev_access_code": access_code,
        "nozzle_diameter": nozzle_diameter,
        "dev_structure": "CoreXY",
    }


@dataclass
class FakeAccount:
    """One cloud account and how it signs in."""

    email: str
    password: str
    uid: int
    login_type: LoginType = "password"
    tfa_code: str = "135790"
    name: str = "Test Maker"
    devices: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedRequest:
    """A request either server received; ``host`` is ``"api"`` or ``"web"``."""

    host: str
    method: str
    path: str
    authorized: bool
    body: dict[str, Any]


@dataclass
class _Code:
    value: str
    issued_at: float


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json(payload: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


class FakeBambuCloud:
    """``async with FakeBambuCloud([FakeAccount(...)]) as cloud:``; then point a client at
    :meth:`endpoints`."""

    def __init__(self, accounts: Iterable[FakeAccount] = ()) -> None:
        """Start with the given accounts and every failure switch off."""
        self.accounts = {account.email.lower(): account for account in accounts}
        self.requests: list[RecordedRequest] = []
        self.cloudflare_status: int | None = None
        """403 or 429: every request gets a Cloudflare HTML page with this status."""
        self.server_error_status: int | None = None
        """5xx: every request gets this status."""
        self.tfa_csrf_refusal = False
        """The two-factor endpoint answers 403 CSRF ``missing_cookie``."""
        self.response_delay = 0.0
        self.code_lifetime = 300.0
        self.token_lifetime = NINETY_DAYS
        self.token_style: TokenStyle = "username"
        self._clock_offset = 0.0
        self._codes: dict[str, list[_Code]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._tfa_keys: dict[str, str] = {}
        self.token_listeners: list[Callable[[str, str], None]] = []
        """Called (in a worker thread) with e-mail and token for every token a sign-in issues,
        e.g. to let a test broker accept it as Bambu's cloud broker accepts the cloud's tokens."""
        self._release = asyncio.Event()
        self._api = TestServer(self._api_app(), host="127.0.0.1")
        self._web = TestServer(self._web_app(), host="127.0.0.1")

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        """Listen on two free loopback ports."""
        await self._api.start_server()
        await self._web.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Release slow answers, then stop both servers."""
        self._release.set()
        await self._api.close()
        await self._web.close()

    @property
    def api_url(self) -> str:
        """Base URL of the REST API host."""
        return str(self._api.make_url("/")).rstrip("/")

    @property
    def web_url(self) -> str:
        """Base URL of the web host."""
        return str(self._web.make_url("/")).rstrip("/")

    def endpoints(self, mqtt_host: str = "127.0.0.1", mqtt_port: int = 8883) -> CloudEndpoints:
        """Client endpoints pointing at this fake (and at a local MQTT broker)."""
        return CloudEndpoints(
            api_url=self.api_url, web_url=self.web_url, mqtt_host=mqtt_host, mqtt_port=mqtt_port
        )

    # -- test controls ----------------------------------------------------------------------

    def now(self) -> float:
        """The fake's wall clock (real time plus :meth:`advance`)."""
        return time.time() + self._clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward (codes and tokens age)."""
        self._clock_offset += seconds

    def codes_sent(self, email: str) -> list[str]:
        """Every code e-mailed to ``email``, oldest first."""
        return [code.value for code in self._codes.get(email.lower(), [])]

    def last_code(self, email: str) -> str:
        """The code in the most recent e-mail to ``email``."""
        return self.codes_sent(email)[-1]

    def issue_token(self, email: str) -> str:
        """A valid token for ``email`` without going through sign-in."""
        account = self.accounts[email.lower()]
        expires = self.now() + self.token_lifetime
        token = self._make_token(account, expires)
        self._tokens[token] = (account.email.lower(), expires)
        return token

    def last_token(self, email: str) -> str:
        """The most recently issued token of ``email`` (to register it with a test broker)."""
        tokens = [token for token, (owner, _) in self._tokens.items() if owner == email.lower()]
        return tokens[-1]

    def revoke_token(self, token: str) -> None:
        """This token is refused from now on (401), as after a password change."""
        self._tokens.pop(token, None)

    def revoke_all_tokens(self) -> None:
        """Every issued token is refused from now on (401)."""
        self._tokens.clear()

    def paths(self, host: str | None = None) -> list[str]:
        """Paths requested so far (optionally on one host), in order."""
        return [r.path for r in self.requests if host is None or r.host == host]

    # -- apps --------------------------------------------------------------------------------

    def _api_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware("api")])
        app.router.add_post("/v1/user-service/user/login", self._login)
        app.router.add_post("/v1/user-service/user/sendemail/code", self._send_code)
        app.router.add_post("/v1/user-service/user/refreshtoken", self._refresh)
        app.router.add_get("/v1/iot-service/api/user/bind", self._devices)
        app.router.add_get("/v1/design-user-service/my/preference", self._preference)
        app.router.add_get("/v1/user-service/my/profile", self._profile)
        return app

    def _web_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware("web")])
        app.router.add_post("/api/sign-in/tfa", self._tfa)
        return app

    def _middleware(self, host: str) -> Any:
        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            body = await request.json() if request.can_read_body else {}
            self.requests.append(
                RecordedRequest(
                    host=host,
                    method=request.method,
                    path=request.path,
                    authorized="Authorization" in request.headers,
                    body=body if isinstance(body, dict) else {},
                )
            )
            if self.response_delay:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._release.wait(), self.response_delay)
            if self.server_error_status is not None:
                return _json({"message": "internal error"}, self.server_error_status)
            if self.cloudflare_status is not None:
                return web.Response(
                    text=CLOUDFLARE_PAGE,
                    status=self.cloudflare_status,
                    content_type="text/html",
                    headers={"Server": "cloudflare", "CF-RAY": "0000000000000000-AMS"},
                )
            return await handler(request)

        return middleware

    # -- tokens ------------------------------------------------------------------------------

    def _make_token(self, account: FakeAccount, expires: float) -> str:
        if self.token_style == "opaque":
            return "AAB" + secrets.token_urlsafe(48)
        claims: dict[str, Any] = {
            "iss": "fake-bambu-cloud",
            "iat": int(self.now()),
            "exp": int(expires),
            "jti": secrets.token_hex(8),
        }
        if self.token_style != "no_user_claim":
            claims[self.token_style] = f"u_{account.uid}"
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps(claims).encode())
        signature = hmac.new(_SIGNING_KEY, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"

    async def _issue_announced(self, account: FakeAccount) -> str:
        token = self.issue_token(account.email)
        for listener in self.token_listeners:
            await asyncio.to_thread(listener, account.email, token)
        return token

    async def _token_answer(self, account: FakeAccount) -> web.Response:
        token = await self._issue_announced(account)
        return _json(
            {
                "accessToken": token,
                "refreshToken": token,
                "expiresIn": self.token_lifetime,
                "refreshExpiresIn": self.token_lifetime,
                "tfaKey": "",
                "accessMethod": "",
                "loginType": "",
            }
        )

    def _authorized_account(self, request: web.Request) -> FakeAccount | None:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        entry = self._tokens.get(token) if scheme == "Bearer" else None
        if entry is None or entry[1] <= self.now():
            return None
        return self.accounts.get(entry[0])

    # -- handlers ----------------------------------------------------------------------------

    async def _login(self, request: web.Request) -> web.Response:
        body = await request.json()
        account = self.accounts.get(str(body.get("account", "")).lower())
        if "code" in body:
            return await self._code_login(account, str(body["code"]))
        if account is None or body.get("password") != account.password:
            return _json({"code": 3, "error": "Incorrect account or password"}, 400)
        if account.login_type == "verifyCode":
            return _json({"accessToken": "", "loginType": "verifyCode", "tfaKey": ""})
        if account.login_type == "tfa":
            key = secrets.token_urlsafe(24)
            self._tfa_keys[key] = account.email.lower()
            return _json({"accessToken": "", "loginType": "tfa", "tfaKey": key})
        return await self._token_answer(account)

    async def _code_login(self, account: FakeAccount | None, code: str) -> web.Response:
        codes = self._codes.get(account.email.lower(), []) if account else []
        if account is None or not codes or codes[-1].value != code:
            return _json({"code": 2, "error": "Incorrect code"}, 400)
        if self.now() - codes[-1].issued_at > self.code_lifetime:
            return _json({"code": 1, "error": "Code expired"}, 400)
        codes.clear()
        return await self._token_answer(account)

    async def _send_code(self, request: web.Request) -> web.Response:
        body = await request.json()
        email = str(body.get("email", "")).lower()
        if body.get("type") != "codeLogin" or email not in self.accounts:
            return _json({"code": 4, "error": "Invalid request"}, 400)
        codes = self._codes.setdefault(email, [])
        previous = {code.value for code in codes}
        value = f"{secrets.randbelow(1_000_000):06d}"
        while value in previous:
            value = f"{secrets.randbelow(1_000_000):06d}"
        codes.append(_Code(value, self.now()))
        return _json({})

    async def _refresh(self, request: web.Request) -> web.Response:
        return _json({"code": 401, "error": "Unauthorized"}, 401)

    async def _tfa(self, request: web.Request) -> web.Response:
        if self.tfa_csrf_refusal:
            return _json({"error": "CSRF error: missing_cookie", "reason": "missing_cookie"}, 403)
        body = await request.json()
        email = self._tfa_keys.get(str(body.get("tfaKey", "")))
        account = self.accounts.get(email) if email else None
        if account is None or body.get("tfaCode") != account.tfa_code:
            return _json({"code": 5, "error": "Invalid verification code"}, 400)
        del self._tfa_keys[str(body["tfaKey"])]
        response = _json({})
        token = await self._issue_announced(account)
        response.set_cookie("token", token, path="/", httponly=True)
        return response

    async def _devices(self, request: web.Request) -> web.Response:
        account = self._authorized_account(request)
        if account is None:
            return _json({"code": 401, "error": "Unauthorized"}, 401)
        return _json(
            {"message": "success", "code": None, "error": None, "devices": account.devices}
        )

    async def _preference(self, request: web.Request) -> web.Response:
        account = self._authorized_account(request)
        if account is None:
            return _json({"code": 401, "error": "Unauthorized"}, 401)
        return _json({"uid": account.uid, "name": account.name, "handle": "maker"})

    async def _profile(self, request: web.Request) -> web.Response:
        account = self._authorized_account(request)
        if account is None:
            return _json({"code": 401, "error": "Unauthorized"}, 401)
        products = sorted({str(device.get("dev_product_name")) for device in account.devices})
        return _json(
            {
                "uid": account.uid,
                "uidStr": str(account.uid),
                "account": account.email,
                "name": account.name,
                "avatar": "",
                "productModels": products,
            }
        )
