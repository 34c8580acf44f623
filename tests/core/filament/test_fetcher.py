"""Fetch etiquette against a real loopback server: robots, pacing, back-off, limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from itertools import pairwise

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.filament import (
    BlockedHost,
    FetchPolicy,
    HttpStatusError,
    RateLimited,
    ResponseTooLarge,
    RobotsDisallowed,
)
from custom_components.bambuprint_iq.core.filament.web.fetcher import (
    PoliteFetcher,
    retry_after_seconds,
)
from custom_components.bambuprint_iq.core.filament.web.policy import PRODUCT_TOKEN
from tests.fakes.filament_web import FilamentWeb

from .conftest import FAST_SPACING_S


async def test_robots_disallow_is_honoured(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """A disallowed path is never requested; robots.txt itself is read once per origin."""
    web.robots_txt = "User-agent: *\nDisallow: /private/\nDisallow: /*.pdf$\n"
    web.add("/private/spec", "secret")
    web.add("/files/tds.pdf", b"%PDF-", "application/pdf")
    web.add("/public", "ok")
    fetcher = PoliteFetcher(session, fast_policy)

    with pytest.raises(RobotsDisallowed):
        await fetcher.get(web.url("/private/spec"), max_bytes=1000)
    with pytest.raises(RobotsDisallowed):
        await fetcher.get(web.url("/files/tds.pdf"), max_bytes=1000)
    document = await fetcher.get(web.url("/public"), max_bytes=1000)

    assert document.text() == "ok"
    assert web.hits("/private/spec") == []
    assert web.hits("/files/tds.pdf") == []
    assert len(web.hits("/robots.txt")) == 1


async def test_groups_for_named_ai_crawlers_do_not_block_us(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """Rules for other user agents are not merged into ours (a known crawler pitfall)."""
    web.robots_txt = "User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    web.add("/page", "fine")
    document = await PoliteFetcher(session, fast_policy).get(web.url("/page"), max_bytes=100)
    assert document.status == 200


@pytest.mark.parametrize(("status", "allowed"), [(500, False), (403, False), (404, True)])
async def test_unreadable_robots_means_disallow(
    web: FilamentWeb,
    session: aiohttp.ClientSession,
    fast_policy: FetchPolicy,
    status: int,
    allowed: bool,
) -> None:
    """5xx and 401/403 on robots.txt disallow everything; a missing file allows everything."""
    web.add("/robots.txt", "nope", "text/plain", status=status)
    web.add("/page", "content")
    fetcher = PoliteFetcher(session, fast_policy)
    if allowed:
        assert (await fetcher.get(web.url("/page"), max_bytes=100)).text() == "content"
    else:
        with pytest.raises(RobotsDisallowed):
            await fetcher.get(web.url("/page"), max_bytes=100)
        assert web.hits("/page") == []


async def test_unreachable_host_robots_disallow(
    session: aiohttp.ClientSession, fast_policy: FetchPolicy, socket_enabled: None
) -> None:
    """No server at all: robots.txt is unreachable, so the page is not allowed."""
    async with FilamentWeb() as gone:
        url = gone.url("/page")
    with pytest.raises(RobotsDisallowed):
        await PoliteFetcher(session, fast_policy).get(url, max_bytes=100)


async def test_requests_to_one_host_are_spaced(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """Concurrent requests to one host go one at a time, at least the interval apart."""
    for index in range(5):
        web.add(f"/p{index}", f"page {index}")
    fetcher = PoliteFetcher(session, fast_policy)
    await asyncio.gather(*(fetcher.get(web.url(f"/p{index}"), max_bytes=100) for index in range(5)))
    times = [request.at for request in web.requests]
    assert len(times) == 6  # robots.txt + five pages
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert min(gaps) >= FAST_SPACING_S * 0.95


async def test_crawl_delay_widens_the_spacing(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """A Crawl-delay longer than our own interval is honoured."""
    web.robots_txt = "User-agent: *\nCrawl-delay: 0.2\n"
    web.add("/a", "a")
    web.add("/b", "b")
    fetcher = PoliteFetcher(session, fast_policy)
    await fetcher.get(web.url("/a"), max_bytes=10)
    await fetcher.get(web.url("/b"), max_bytes=10)
    assert web.hits("/b")[0].at - web.hits("/a")[0].at >= 0.19


async def test_429_with_retry_after_is_waited_out(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """The fetcher waits the Retry-After time, then succeeds on the next attempt."""
    web.add("/busy", "finally")
    web.fail_first("/busy", [(429, "1")])
    document = await PoliteFetcher(session, fast_policy).get(web.url("/busy"), max_bytes=100)
    hits = web.hits("/busy")
    assert document.text() == "finally"
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 0.95


async def test_persistent_5xx_gives_up_with_backoff(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """Three 503s without Retry-After: exponential back-off, then ``RateLimited``."""
    web.add("/down", "never")
    web.fail_first("/down", [(503, None)] * 3)
    with pytest.raises(RateLimited):
        await PoliteFetcher(session, fast_policy).get(web.url("/down"), max_bytes=100)
    hits = web.hits("/down")
    assert len(hits) == 3
    assert hits[2].at - hits[1].at >= hits[1].at - hits[0].at - 0.01


async def test_long_retry_after_is_not_waited_for(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """A host asking for an hour's pause fails fast instead of blocking the lookup."""
    web.add("/slow", "later")
    web.fail_first("/slow", [(429, "3600")])
    with pytest.raises(RateLimited):
        await PoliteFetcher(session, fast_policy).get(web.url("/slow"), max_bytes=100)
    assert len(web.hits("/slow")) == 1


async def test_marketplaces_and_odd_schemes_are_refused_without_a_request(
    session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """Amazon, eBay, Temu … and non-http URLs are refused before any network use."""
    fetcher = PoliteFetcher(session, fast_policy)
    for url in (
        "https://www.amazon.de/dp/B0",
        "https://smile.amazon.com/x",
        "https://www.ebay.co.uk/itm/1",
        "https://www.temu.com/x",
        "https://de.aliexpress.com/item/1.html",
        "ftp://example.com/tds.pdf",
        "file:///etc/passwd",
    ):
        with pytest.raises(BlockedHost):
            await fetcher.get(url, max_bytes=10)


async def test_redirect_to_a_marketplace_is_refused(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """Each redirect hop is checked like a direct link."""
    web.add("/buy", "", status=302, headers={"Location": "https://www.amazon.com/dp/B0"})
    with pytest.raises(BlockedHost):
        await PoliteFetcher(session, fast_policy).get(web.url("/buy"), max_bytes=10)


async def test_redirects_within_the_site_are_followed(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """A same-site redirect lands on the final page."""
    web.add("/old", "", status=301, headers={"Location": "/new"})
    web.add("/new", "moved here")
    document = await PoliteFetcher(session, fast_policy).get(web.url("/old"), max_bytes=100)
    assert document.text() == "moved here"
    assert document.url.endswith("/new")


async def test_body_size_is_bounded(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """A body past the limit is refused, declared or not."""
    web.add("/big", b"x" * 200_000, "text/plain")
    with pytest.raises(ResponseTooLarge):
        await PoliteFetcher(session, fast_policy).get(web.url("/big"), max_bytes=50_000)


async def test_user_agent_identifies_the_product_and_errors_are_typed(
    web: FilamentWeb, session: aiohttp.ClientSession, fast_policy: FetchPolicy
) -> None:
    """Every request says who we are; a 404 is an ``HttpStatusError`` with its status."""
    with pytest.raises(HttpStatusError) as caught:
        await PoliteFetcher(session, fast_policy).get(web.url("/missing"), max_bytes=10)
    assert caught.value.status == 404
    assert web.requests
    assert all(request.user_agent.startswith(PRODUCT_TOKEN) for request in web.requests)


def test_retry_after_forms() -> None:
    """Delta-seconds and HTTP dates are both understood; garbage is ignored."""
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_policy_refuses_anonymous_or_negative_settings() -> None:
    """The user agent must name the product; intervals cannot be negative."""
    with pytest.raises(ValueError, match="identify"):
        FetchPolicy(user_agent="Mozilla/5.0")
    with pytest.raises(ValueError, match="negative"):
        FetchPolicy(min_interval_s=-1)
