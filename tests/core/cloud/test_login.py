"""Every sign-in branch against the fake cloud: token, e-mailed code, two-factor, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from yarl import URL

from custom_components.bambuprint_iq.core.cloud import (
    BambuCloudClient,
    CloudCredentials,
    CloudRegion,
    CodeReason,
    EmailCodeRequired,
    InvalidCredentials,
    PhoneAccountNotSupported,
    TfaCodeInvalid,
    TfaRequired,
    VerificationCodeExpired,
    VerificationCodeInvalid,
)
from tests.fakes.bambu_cloud import NINETY_DAYS, FakeBambuCloud

from .conftest import CODE_USER, PASSWORD, PASSWORD_UID, PASSWORD_USER, TFA_USER

LOGIN = "/v1/user-service/user/login"
SEND_CODE = "/v1/user-service/user/sendemail/code"


async def test_password_login_returns_credentials_with_uid_and_expiry(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    before = datetime.now(UTC)
    step = await client.async_login(f"  {PASSWORD_USER} ", PASSWORD)

    assert isinstance(step, CloudCredentials)
    assert step.region is CloudRegion.GLOBAL
    assert step.account == PASSWORD_USER
    assert step.uid == str(PASSWORD_UID)
    assert step.mqtt_username == f"u_{PASSWORD_UID}"
    assert step.expires_at is not None
    lifetime = step.expires_at - before
    assert timedelta(days=89) < lifetime <= timedelta(seconds=NINETY_DAYS + 1)
    assert not step.is_expired()
    # The JWT named the user, so no extra lookup was needed.
    assert cloud.paths() == [LOGIN]
    assert cloud.requests[0].body == {
        "account": PASSWORD_USER,
        "password": PASSWORD,
        "apiError": "",
    }


async def test_verify_code_account_gets_code_then_signs_in(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    step = await client.async_login(CODE_USER, PASSWORD)

    assert step == EmailCodeRequired(account=CODE_USER, reason=CodeReason.ACCOUNT_REQUIRES_CODE)
    assert cloud.paths() == [LOGIN, SEND_CODE]
    assert cloud.requests[1].body == {"email": CODE_USER, "type": "codeLogin"}
    code = cloud.last_code(CODE_USER)

    credentials = await client.async_login_with_code(CODE_USER, f"{code[:3]} {code[3:]}")

    assert credentials.uid == "2000001"
    assert cloud.requests[-1].body == {"account": CODE_USER, "code": code}


async def test_expired_code_is_its_own_error(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    cloud.code_lifetime = 60
    await client.async_login(CODE_USER, PASSWORD)
    cloud.advance(61)

    with pytest.raises(VerificationCodeExpired):
        await client.async_login_with_code(CODE_USER, cloud.last_code(CODE_USER))


async def test_wrong_code_is_its_own_error(client: BambuCloudClient, cloud: FakeBambuCloud) -> None:
    await client.async_login(CODE_USER, PASSWORD)
    wrong = f"{(int(cloud.last_code(CODE_USER)) + 1) % 1_000_000:06d}"

    with pytest.raises(VerificationCodeInvalid) as caught:
        await client.async_login_with_code(CODE_USER, wrong)
    assert not isinstance(caught.value, VerificationCodeExpired)


async def test_resend_replaces_the_code(client: BambuCloudClient, cloud: FakeBambuCloud) -> None:
    await client.async_login(CODE_USER, PASSWORD)
    first = cloud.last_code(CODE_USER)

    step = await client.async_request_email_code(CODE_USER)

    assert step.reason is CodeReason.REQUESTED
    second = cloud.last_code(CODE_USER)
    assert second != first
    with pytest.raises(VerificationCodeInvalid):
        await client.async_login_with_code(CODE_USER, first)
    credentials = await client.async_login_with_code(CODE_USER, second)
    assert credentials.mqtt_username == "u_2000001"


async def test_malformed_code_is_refused_without_a_request(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    with pytest.raises(VerificationCodeInvalid):
        await client.async_login_with_code(CODE_USER, "12ab")
    assert cloud.requests == []


async def test_two_factor_success_reads_the_token_cookie(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    step = await client.async_login(TFA_USER, PASSWORD)
    assert isinstance(step, TfaRequired)

    result = await client.async_submit_tfa_code(step, "135 790")

    assert isinstance(result, CloudCredentials)
    assert result.uid == "3000001"
    assert result.expires_at is not None
    tfa = cloud.requests[-1]
    assert (tfa.host, tfa.path) == ("web", "/api/sign-in/tfa")
    assert tfa.body == {"tfaKey": step.tfa_key, "tfaCode": "135790"}


async def test_two_factor_wrong_code(client: BambuCloudClient, cloud: FakeBambuCloud) -> None:
    step = await client.async_login(TFA_USER, PASSWORD)
    assert isinstance(step, TfaRequired)

    with pytest.raises(TfaCodeInvalid):
        await client.async_submit_tfa_code(step, "000000")


async def test_two_factor_csrf_refusal_falls_back_to_email_code(
    client: BambuCloudClient, cloud: FakeBambuCloud
) -> None:
    cloud.tfa_csrf_refusal = True
    step = await client.async_login(TFA_USER, PASSWORD)
    assert isinstance(step, TfaRequired)

    result = await client.async_submit_tfa_code(step, "135790")

    assert result == EmailCodeRequired(account=TFA_USER, reason=CodeReason.TFA_UNAVAILABLE)
    assert cloud.paths()[-2:] == ["/api/sign-in/tfa", SEND_CODE]
    credentials = await client.async_login_with_code(TFA_USER, cloud.last_code(TFA_USER))
    assert credentials.uid == "3000001"


@pytest.mark.parametrize(
    ("account", "password"),
    [(PASSWORD_USER, "not the password"), ("nobody@example.com", PASSWORD)],
)
async def test_wrong_password_or_unknown_account(
    client: BambuCloudClient, cloud: FakeBambuCloud, account: str, password: str
) -> None:
    with pytest.raises(InvalidCredentials):
        await client.async_login(account, password)
    assert cloud.paths() == [LOGIN]


@pytest.mark.parametrize("account", ["+49 170 1234567", "13800138000"])
async def test_phone_accounts_are_refused_clearly(
    client: BambuCloudClient, cloud: FakeBambuCloud, account: str
) -> None:
    with pytest.raises(PhoneAccountNotSupported):
        await client.async_login(account, PASSWORD)
    assert cloud.requests == []


@pytest.mark.parametrize("account", ["not an email", "user@", "a@b"])
async def test_malformed_account_is_refused_locally(
    client: BambuCloudClient, cloud: FakeBambuCloud, account: str
) -> None:
    with pytest.raises(InvalidCredentials):
        await client.async_login(account, PASSWORD)
    assert cloud.requests == []


async def test_two_factor_token_cookie_is_not_left_in_a_shared_jar(
    cloud: FakeBambuCloud,
) -> None:
    # unsafe=True lets the jar keep cookies from an IP address host, like the fake's.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        session.cookie_jar.update_cookies({"other": "kept"}, URL(cloud.web_url))
        client = BambuCloudClient(session, endpoints=cloud.endpoints())
        step = await client.async_login(TFA_USER, PASSWORD)
        assert isinstance(step, TfaRequired)

        result = await client.async_submit_tfa_code(step, "135790")

        assert isinstance(result, CloudCredentials)
        assert {morsel.key for morsel in session.cookie_jar} == {"other"}
