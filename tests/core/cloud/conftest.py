"""Fixtures: the loopback fake cloud with one account per sign-in style, and a client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.cloud import BambuCloudClient, CloudRegion
from tests.fakes.bambu_cloud import FakeAccount, FakeBambuCloud, device_entry

PASSWORD_USER = "direct@example.com"
CODE_USER = "coded@example.com"
TFA_USER = "twofactor@example.com"
PASSWORD = "correct horse battery staple"
PASSWORD_UID = 1_234_567_890
X1C_SERIAL = "00M09A350100123"
P1S_SERIAL = "01P00C441000456"


def make_accounts() -> list[FakeAccount]:
    """Fresh accounts (and device lists) for every test."""
    return [
        FakeAccount(
            email=PASSWORD_USER,
            password=PASSWORD,
            uid=PASSWORD_UID,
            devices=[
                device_entry(
                    X1C_SERIAL,
                    name="Garage X1C",
                    model_name="BL-P001",
                    product_name="X1 Carbon",
                    access_code="a1b2c3d4\n",
                    print_status="RUNNING",
                ),
                device_entry(P1S_SERIAL, name="Office P1S", online=False, access_code="87654321"),
            ],
        ),
        FakeAccount(email=CODE_USER, password=PASSWORD, uid=2_000_001, login_type="verifyCode"),
        FakeAccount(email=TFA_USER, password=PASSWORD, uid=3_000_001, login_type="tfa"),
    ]


@pytest.fixture
async def cloud(socket_enabled: None) -> AsyncIterator[FakeBambuCloud]:
    """The fake cloud on 127.0.0.1, stopped after the test."""
    async with FakeBambuCloud(make_accounts()) as running:
        yield running


@pytest.fixture
async def http_session() -> AsyncIterator[aiohttp.ClientSession]:
    """The caller-owned session (Home Assistant's shared one in production)."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(cloud: FakeBambuCloud, http_session: aiohttp.ClientSession) -> BambuCloudClient:
    """A global-region client pointed at the fake."""
    return BambuCloudClient(
        http_session, CloudRegion.GLOBAL, endpoints=cloud.endpoints(), timeout=5.0
    )
