"""Answers the fake cloud never gives, served by a tiny local app: odd bodies and statuses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from custom_components.bambuprint_iq.core.cloud import (
    CloudRateLimited,
    CloudResponseError,
)
from custom_components.bambuprint_iq.core.cloud.transport import MAX_BODY_BYTES, CloudTransport


def _app() -> web.Application:
    async def rate_limited(request: web.Request) -> web.Response:
        return web.json_response({"message": "slow down"}, status=429)

    async def plain_text(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    async def json_list(request: web.Request) -> web.Response:
        return web.json_response([1, 2, 3])

    async def huge(request: web.Request) -> web.Response:
        return web.Response(body=b"{" + b" " * MAX_BODY_BYTES + b"}")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("/plain")

    async def html_not_found(request: web.Request) -> web.Response:
        return web.Response(text="<html>nope</html>", status=404, content_type="text/html")

    async def empty(request: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_get("/rate", rate_limited)
    app.router.add_get("/plain", plain_text)
    app.router.add_get("/list", json_list)
    app.router.add_get("/huge", huge)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/missing", html_not_found)
    app.router.add_get("/empty", empty)
    return app


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[TestServer]:
    server = TestServer(_app(), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def transport() -> AsyncIterator[CloudTransport]:
    async with aiohttp.ClientSession() as session:
        yield CloudTransport(session, timeout=5.0)


async def test_json_429_is_rate_limited(server: TestServer, transport: CloudTransport) -> None:
    with pytest.raises(CloudRateLimited):
        await transport.async_request("GET", str(server.make_url("/rate")))


@pytest.mark.parametrize("path", ["/plain", "/list", "/huge", "/redirect"])
async def test_unusable_answers(server: TestServer, transport: CloudTransport, path: str) -> None:
    with pytest.raises(CloudResponseError):
        await transport.async_request("GET", str(server.make_url(path)))


async def test_client_error_with_foreign_body_keeps_the_status(
    server: TestServer, transport: CloudTransport
) -> None:
    reply = await transport.async_request("GET", str(server.make_url("/missing")))

    assert (reply.status, dict(reply.body), reply.ok) == (404, {}, False)


async def test_empty_success_body(server: TestServer, transport: CloudTransport) -> None:
    reply = await transport.async_request("GET", str(server.make_url("/empty")))

    assert (reply.status, dict(reply.body), reply.ok) == (200, {}, True)


async def test_timeout_must_be_positive() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="positive"):
            CloudTransport(session, timeout=0)
