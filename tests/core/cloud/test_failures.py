"""Cloud outages and blocks map to typed errors on every kind of call, sign-in included."""

from __future__ import annotations

import socket
import time

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.cloud import (
    BambuCloudClient,
    CloudCredentials,
    CloudEndpoints,
    CloudflareBlocked,
    CloudRegion,
    CloudServerError,
    CloudTimeout,
    CloudUnavailable,
)
from tests.fakes.bambu_cloud import FakeBambuCloud

from .conftest import PASSWORD, PASSWORD_USER


@pytest.mark.parametrize("status", [403, 429])
async def test_cloudflare_page_on_login(
    client: BambuCloudClient, cloud: FakeBambuCloud, status: int
) -> None:
    cloud.cloudflare_status = status

    with pytest.raises(CloudflareBlocked) as caught:
        await client.async_login(PASSWORD_USER, PASSWORD)

    assert caught.value.status == status
    assert isinstance(caught.value, CloudUnavailable)


async def test_cloudflare_page_on_device_list(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    cloud.cloudflare_status = 403

    with pytest.raises(CloudflareBlocked):
        await client.async_get_devices(credentials)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors(client: BambuCloudClient, cloud: FakeBambuCloud, status: int) -> None:
    cloud.server_error_status = status

    with pytest.raises(CloudServerError) as caught:
        await client.async_login(PASSWORD_USER, PASSWORD)

    assert caught.value.status == status


async def test_outage_then_recovery(client: BambuCloudClient, cloud: FakeBambuCloud) -> None:
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    cloud.server_error_status = 503
    with pytest.raises(CloudUnavailable):
        await client.async_get_devices(credentials)

    cloud.server_error_status = None

    assert len(await client.async_get_devices(credentials)) == 2


async def test_timeout(cloud: FakeBambuCloud, http_session: aiohttp.ClientSession) -> None:
    cloud.response_delay = 5.0
    client = BambuCloudClient(http_session, endpoints=cloud.endpoints(), timeout=0.3)
    started = time.monotonic()

    with pytest.raises(CloudTimeout):
        await client.async_login(PASSWORD_USER, PASSWORD)

    assert time.monotonic() - started < 2.0


async def test_unreachable_host(socket_enabled: None, http_session: aiohttp.ClientSession) -> None:
    # A port that was just free: nothing listens there, so the connection is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    endpoints = CloudEndpoints(api_url=url, web_url=url, mqtt_host="127.0.0.1")
    client = BambuCloudClient(http_session, CloudRegion.GLOBAL, endpoints=endpoints, timeout=2.0)

    with pytest.raises(CloudUnavailable) as caught:
        await client.async_login(PASSWORD_USER, PASSWORD)

    assert not isinstance(caught.value, CloudTimeout | CloudflareBlocked)
