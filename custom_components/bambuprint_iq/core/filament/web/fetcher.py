"""A polite HTTP client on top of a caller-provided ``aiohttp.ClientSession``.

Per host: robots.txt first, one request at a time, at least ``min_interval_s`` between the
host's last answer and the next request (longer when robots.txt sets a Crawl-delay),
back-off on 429/5xx honouring Retry-After, bounded bodies, and redirects re-checked hop by
hop (a redirect to a marketplace or a disallowed path is refused like a direct link).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import logging
import time

import aiohttp
from yarl import URL

from ..errors import (
    FetchError,
    HttpStatusError,
    RateLimited,
    ResponseTooLarge,
    RobotsDisallowed,
)
from .hosts import checked_url, origin_of
from .policy import ROBOTS_MAX_BYTES, FetchPolicy
from .robots import RobotsRules, rules_for_status

_LOGGER = logging.getLogger(__name__)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """A fetched body and the headers the caches need."""

    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional request."""
        return self.status == 304

    def text(self) -> str:
        """Body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


@dataclass(slots=True)
class _HostState:
    """Mutable per-host pacing state, owned by one fetcher."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_answer: float | None = None
    """When the host last answered (or failed to); spacing counts from there."""
    not_before: float = 0.0
    interval: float = 0.0
    robots: RobotsRules | None = None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class PoliteFetcher:
    """Fetches pages, datasheets and database files the way a considerate crawler would."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        policy: FetchPolicy | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        """Use the caller's session (Home Assistant passes its shared one)."""
        self._session = session
        self._policy = policy or FetchPolicy()
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}

    @property
    def policy(self) -> FetchPolicy:
        """The etiquette in force."""
        return self._policy

    async def get(
        self,
        url: str,
        *,
        max_bytes: int,
        accept: str = "*/*",
        etag: str | None = None,
    ) -> FetchedDocument:
        """GET one document, bounded to ``max_bytes``; a 304 comes back with an empty body."""
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        async with self._open(url, headers, self._policy.request_timeout_s) as response:
            body = b"" if response.status == 304 else await _read_bounded(response, max_bytes)
            return FetchedDocument(
                url=str(response.url),
                status=response.status,
                content_type=response.headers.get("Content-Type", "").split(";")[0].strip(),
                body=body,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
            )

    async def stream_lines(
        self, url: str, *, max_bytes: int, max_line_bytes: int
    ) -> AsyncIterator[bytes]:
        """Yield the lines of a large document without holding it in memory.

        Lines longer than ``max_line_bytes`` are skipped; the host slot stays taken until the
        stream ends, so nothing else is sent to that host meanwhile.
        """
        accept = {"Accept": "application/x-ndjson, */*"}
        async with self._open(url, accept, self._policy.download_timeout_s) as response:
            total = 0
            pending = b""
            skipping = False
            async for chunk in response.content.iter_chunked(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise ResponseTooLarge(f"{url} exceeds {max_bytes} bytes")
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if not skipping:
                        yield line
                    skipping = False
                if len(pending) > max_line_bytes:
                    pending, skipping = b"", True
            if pending and not skipping:
                yield pending

    # -- request machinery ----------------------------------------------------------------
    @asynccontextmanager
    async def _open(
        self, url: str, headers: dict[str, str], total_timeout_s: float
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        current = checked_url(url)
        for _ in range(self._policy.max_redirects + 1):
            state = await self._allowed_state(current)
            async with state.lock:
                response = await self._send(state, current, headers, total_timeout_s)
                try:
                    if response.status in _REDIRECTS:
                        location = response.headers.get("Location")
                        if not location:
                            raise HttpStatusError(str(current), response.status)
                        current = checked_url(current.join(URL(location)))
                        continue
                    yield response
                    return
                finally:
                    response.release()
        raise FetchError(f"too many redirects from {url}")

    def _host(self, url: URL) -> _HostState:
        key = origin_of(url)
        state = self._hosts.get(key)
        if state is None:
            state = self._hosts[key] = _HostState(interval=self._policy.min_interval_s)
        return state

    async def _allowed_state(self, url: URL) -> _HostState:
        state = self._host(url)
        rules = await self._robots(url, state)
        if not rules.allows(str(url)):
            raise RobotsDisallowed(f"robots.txt of {url.host} does not allow {url.path}")
        return state

    async def _robots(self, url: URL, state: _HostState) -> RobotsRules:
        async with state.robots_lock:
            now = self._clock()
            if (
                state.robots is not None
                and now - state.robots.fetched_at < self._policy.robots_ttl_s
            ):
                return state.robots
            rules = await self._fetch_robots(url.with_path("/robots.txt").with_query(None))
            delay = rules.crawl_delay()
            if delay is not None:
                capped = min(delay, self._policy.max_crawl_delay_s)
                state.interval = max(self._policy.min_interval_s, capped)
            state.robots = rules
            return rules

    async def _fetch_robots(self, robots_url: URL) -> RobotsRules:
        """Read robots.txt, following up to ``max_redirects`` hops (RFC 9309 §2.3.1.2)."""
        current = robots_url
        for _ in range(self._policy.max_redirects + 1):
            state = self._host(current)
            async with state.lock:
                try:
                    response = await self._send(
                        state, current, {"Accept": "text/plain"}, self._policy.request_timeout_s
                    )
                except HttpStatusError as err:
                    return rules_for_status(err.status, None, self._clock())
                except FetchError:
                    _LOGGER.debug("robots.txt of %s unreachable; disallowing", current.host)
                    return RobotsRules.unreachable(self._clock())
                try:
                    location = response.headers.get("Location")
                    if response.status in _REDIRECTS and location:
                        current = checked_url(current.join(URL(location)))
                        continue
                    body = await _read_bounded(response, ROBOTS_MAX_BYTES)
                except FetchError:
                    return RobotsRules.unreachable(self._clock())
                finally:
                    response.release()
            text = body.decode("utf-8", "replace")
            return rules_for_status(response.status, text, self._clock())
        return RobotsRules.unreachable(self._clock())

    async def _wait_turn(self, state: _HostState) -> None:
        now = self._clock()
        ready = state.not_before
        if state.last_answer is not None:
            ready = max(ready, state.last_answer + state.interval)
        if ready > now:
            await self._sleep(ready - now)

    async def _send(
        self, state: _HostState, url: URL, headers: dict[str, str], total_timeout_s: float
    ) -> aiohttp.ClientResponse:
        """One logical request: paced, retried on 429/5xx and network errors."""
        policy = self._policy
        all_headers = {"User-Agent": policy.user_agent, **headers}
        timeout = aiohttp.ClientTimeout(
            total=total_timeout_s,
            connect=policy.request_timeout_s,
            sock_read=policy.request_timeout_s,
        )
        for attempt in range(policy.max_attempts):
            last = attempt == policy.max_attempts - 1
            await self._wait_turn(state)
            try:
                response = await self._session.get(
                    url, headers=all_headers, allow_redirects=False, timeout=timeout
                )
            except (aiohttp.ClientError, TimeoutError) as err:
                state.last_answer = self._clock()
                if last:
                    raise FetchError(f"{url.host} unreachable: {type(err).__name__}") from err
                state.not_before = self._clock() + policy.backoff_base_s * 2**attempt
                continue
            state.last_answer = self._clock()
            status = response.status
            if status == 429 or status >= 500:
                waited = retry_after_seconds(response.headers.get("Retry-After"))
                response.release()
                delay = policy.backoff_base_s * 2**attempt if waited is None else waited
                state.not_before = self._clock() + delay
                if last or delay > policy.max_retry_after_s:
                    raise RateLimited(str(url), status)
                _LOGGER.debug("%s answered %s; retrying in %.1f s", url.host, status, delay)
                continue
            if status >= 400:
                response.release()
                raise HttpStatusError(str(url), status)
            return response
        raise FetchError(f"no answer from {url.host}")  # pragma: no cover - loop returns/raises


async def _read_bounded(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """Read a body, refusing it as soon as it grows past ``max_bytes``."""
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise ResponseTooLarge(f"{response.url} declares {declared} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge(f"{response.url} exceeds {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
