"""Token facts (uid, expiry) from the JWT or the cloud, expiry handling, and storage."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
import json

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.cloud import (
    BambuCloudClient,
    CloudCredentials,
    CloudRegion,
    TokenExpired,
)
from custom_components.bambuprint_iq.core.cloud.jwt_claims import (
    decode_jwt_claims,
    expiry_from_claims,
    uid_from_claims,
)
from tests.fakes.bambu_cloud import NINETY_DAYS, FakeBambuCloud

from .conftest import PASSWORD, PASSWORD_UID, PASSWORD_USER

PREFERENCE = "/v1/design-user-service/my/preference"
BIND = "/v1/iot-service/api/user/bind"


def _jwt(claims: object) -> str:
    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.c2lnbmF0dXJl"


def test_claims_from_a_jwt() -> None:
    claims = decode_jwt_claims(_jwt({"username": "u_42", "exp": 1_900_000_000}))

    assert claims is not None
    assert uid_from_claims(claims) == "42"
    assert expiry_from_claims(claims) == datetime.fromtimestamp(1_900_000_000, UTC)


def test_older_preferred_username_claim() -> None:
    claims = decode_jwt_claims(_jwt({"preferred_username": "u_7"}))

    assert claims is not None
    assert uid_from_claims(claims) == "7"
    assert expiry_from_claims(claims) is None


@pytest.mark.parametrize(
    "token",
    ["opaque-token", "a.b", "a.%%%.c", _jwt([1, 2]), "x" * 20_000, "a..c"],
)
def test_tokens_that_are_not_jwts(token: str) -> None:
    assert decode_jwt_claims(token) is None


@pytest.mark.parametrize(
    "claims",
    [{"username": "alice"}, {"username": 42}, {"username": "u_"}, {"preferred_username": "u_x1"}],
)
def test_unusable_user_claims(claims: dict[str, object]) -> None:
    assert uid_from_claims(claims) is None


@pytest.mark.parametrize("exp", [True, "1900000000", -5, 0, 10**15, None])
def test_unusable_expiry_claims(exp: object) -> None:
    assert expiry_from_claims({"exp": exp}) is None


async def test_opaque_token_uses_preference_and_expires_in(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    cloud.token_style = "opaque"
    before = datetime.now(UTC)

    credentials = await client.async_login(PASSWORD_USER, PASSWORD)

    assert isinstance(credentials, CloudCredentials)
    assert credentials.uid == str(PASSWORD_UID)
    assert cloud.paths()[-1] == PREFERENCE
    assert cloud.requests[-1].authorized
    assert credentials.expires_at is not None
    assert abs(credentials.expires_at - (before + timedelta(seconds=NINETY_DAYS))) < timedelta(
        seconds=5
    )


async def test_jwt_without_user_claim_uses_preference_but_keeps_exp(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    cloud.token_style = "no_user_claim"
    cloud.token_lifetime = 3600

    credentials = await client.async_login(PASSWORD_USER, PASSWORD)

    assert isinstance(credentials, CloudCredentials)
    assert credentials.uid == str(PASSWORD_UID)
    assert PREFERENCE in cloud.paths()
    claims = decode_jwt_claims(credentials.access_token)
    assert claims is not None
    assert credentials.expires_at == expiry_from_claims(claims)


async def test_preferred_username_token_needs_no_lookup(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    cloud.token_style = "preferred_username"

    credentials = await client.async_login(PASSWORD_USER, PASSWORD)

    assert isinstance(credentials, CloudCredentials)
    assert credentials.mqtt_username == f"u_{PASSWORD_UID}"
    assert PREFERENCE not in cloud.paths()


async def test_locally_expired_token_is_not_sent(
    cloud: FakeBambuCloud, http_session: aiohttp.ClientSession
) -> None:
    client = BambuCloudClient(http_session, endpoints=cloud.endpoints())
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    assert credentials.expires_at is not None
    later = credentials.expires_at + timedelta(seconds=1)
    future_client = BambuCloudClient(http_session, endpoints=cloud.endpoints(), clock=lambda: later)
    requests_before = len(cloud.requests)

    with pytest.raises(TokenExpired) as caught:
        await future_client.async_get_devices(credentials)

    assert caught.value.rejected is False
    assert len(cloud.requests) == requests_before
    assert credentials.is_expired(later)


async def test_cloud_refusing_an_aged_token_means_sign_in_again(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    cloud.token_lifetime = 600
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    assert len(await client.async_get_devices(credentials)) == 2
    cloud.advance(601)

    with pytest.raises(TokenExpired) as caught:
        await client.async_get_devices(credentials)

    assert caught.value.rejected is True
    # No refresh attempt: the refresh endpoint is dead, re-login is the only path.
    assert not any("refresh" in path for path in cloud.paths())


async def test_revoked_token(client: BambuCloudClient, cloud: FakeBambuCloud) -> None:
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    cloud.revoke_all_tokens()

    with pytest.raises(TokenExpired):
        await client.async_get_profile(credentials)


async def test_credentials_of_another_region_are_refused(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    china = CloudCredentials.from_storage({**credentials.to_storage(), "region": "china"})

    with pytest.raises(ValueError, match="region"):
        await client.async_get_devices(china)


def test_storage_round_trip() -> None:
    credentials = CloudCredentials(
        region=CloudRegion.CHINA,
        account="maker@example.com",
        access_token=_jwt({"username": "u_9"}),
        uid="9",
        expires_at=datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
    )

    stored = credentials.to_storage()

    assert json.loads(json.dumps(stored)) == stored
    assert CloudCredentials.from_storage(stored) == credentials
    assert CloudCredentials.from_storage({**stored, "expires_at": None}).expires_at is None


@pytest.mark.parametrize(
    "change",
    [
        {"access_token": None},
        {"access_token": "has space"},
        {"uid": "u_9"},
        {"region": "mars"},
        {"expires_at": 5},
        {"expires_at": "2030-01-02T03:04:05"},
        {"account": ""},
    ],
)
def test_malformed_storage_is_refused(change: dict[str, object]) -> None:
    stored: dict[str, object] = {
        "region": "global",
        "account": "maker@example.com",
        "access_token": "token",
        "uid": "9",
        "expires_at": "2030-01-02T03:04:05+00:00",
    }

    with pytest.raises(ValueError):  # noqa: PT011 - several distinct messages
        CloudCredentials.from_storage({**stored, **change})
