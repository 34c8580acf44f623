"""One HTTP exchange with the Bambu Cloud, with every transport failure mapped to a typed error.

Callers get a :class:`CloudReply` for 2xx and 4xx answers (4xx bodies carry the cloud's own
error codes, which only the caller can interpret). Timeouts, unreachable hosts, Cloudflare
pages, 429 and 5xx never reach the caller as replies. Nothing secret is logged: only the
method, path and status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import Morsel
import json
import logging
from typing import Any, Final

import aiohttp
from yarl import URL

from .errors import (
    CloudflareBlocked,
    CloudRateLimited,
    CloudResponseError,
    CloudServerError,
    CloudTimeout,
    CloudUnavailable,
)

_LOGGER = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 1024 * 1024
_CHUNK: Final = 64 * 1024
# Slicer-style identification: the cloud and its Cloudflare rules are used to these clients.
_DEFAULT_HEADERS: Final = {
    "Accept": "application/json",
    "User-Agent": "bambu_network_agent/01.09.05.01",
    "X-BBL-Client-Type": "slicer",
    "X-BBL-Language": "en-US",
}


@dataclass(frozen=True, slots=True)
class CloudReply:
    """A 2xx or 4xx answer: status, JSON object body (``{}`` if none) and response cookies."""

    status: int
    body: Mapping[str, object]
    cookies: Mapping[str, str] = field(repr=False, default_factory=dict)

    @property
    def ok(self) -> bool:
        """True for 2xx."""
        return 200 <= self.status < 300


class CloudTransport:
    """Sends JSON requests through a caller-owned ``aiohttp.ClientSession``."""

    def __init__(self, session: aiohttp.ClientSession, *, timeout: float) -> None:
        """``timeout`` bounds each whole exchange (connect, send, read) in seconds."""
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._timeout_seconds = timeout

    async def async_request(
        self,
        method: str,
        url: str,
        *,
        json_body: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> CloudReply:
        """Send one request; raise for anything that is not a usable 2xx/4xx answer."""
        target = URL(url)
        headers = dict(_DEFAULT_HEADERS)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        where = f"{method} {target.path} on {target.host}"
        try:
            async with self._session.request(
                method,
                target,
                json=json_body,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                raw = await _read_limited(response, where)
                status = response.status
                content_type = response.content_type
                cookies = {name: morsel.value for name, morsel in response.cookies.items()}
        except TimeoutError as err:
            raise CloudTimeout(f"{where} timed out after {self._timeout_seconds:g} s") from err
        except aiohttp.ClientError as err:
            raise CloudUnavailable(f"{where} failed: {type(err).__name__}") from err
        _LOGGER.debug("%s -> HTTP %s", where, status)
        _raise_for_unusable(status, content_type, raw, where)
        return CloudReply(status, _json_object(raw, status, where), cookies)

    def forget_cookie(self, host: str, name: str) -> None:
        """Drop one cookie the session jar may have kept (the jar may be shared with others)."""

        def matches(morsel: Morsel[str]) -> bool:
            return morsel.key == name and morsel["domain"].lstrip(".") == host

        self._session.cookie_jar.clear(matches)


async def _read_limited(response: aiohttp.ClientResponse, where: str) -> bytes:
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise CloudResponseError(f"{where}: answer larger than {MAX_BODY_BYTES} bytes")
    return bytes(body)


def looks_like_html(content_type: str, raw: bytes) -> bool:
    """True for an HTML page (Cloudflare's block and challenge pages are HTML)."""
    return content_type == "text/html" or raw.lstrip()[:1] == b"<"


def _raise_for_unusable(status: int, content_type: str, raw: bytes, where: str) -> None:
    if status in (403, 429) and looks_like_html(content_type, raw):
        raise CloudflareBlocked(f"{where}: blocked by Cloudflare (HTTP {status})", status=status)
    if status == 429:
        raise CloudRateLimited(f"{where}: too many requests (HTTP 429)")
    if status >= 500:
        raise CloudServerError(f"{where}: server error (HTTP {status})", status=status)
    if status < 200 or 300 <= status < 400:
        raise CloudResponseError(f"{where}: unexpected HTTP {status}")


def _json_object(raw: bytes, status: int, where: str) -> Mapping[str, object]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return data
    if 200 <= status < 300:
        raise CloudResponseError(f"{where}: answer is not a JSON object")
    # A 4xx with a foreign body (an HTML 404 page, say): the status alone must do.
    return {}
