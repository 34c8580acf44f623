"""Passwords, tokens, codes and access codes stay out of logs, reprs and error messages."""

from __future__ import annotations

import logging

import pytest

from custom_components.bambuprint_iq.core.cloud import (
    BambuCloudClient,
    BambuCloudError,
    CloudCredentials,
    EmailCodeRequired,
    TfaRequired,
    cloud_mqtt_settings,
)
from tests.fakes.bambu_cloud import FakeBambuCloud

from .conftest import CODE_USER, PASSWORD, PASSWORD_USER, TFA_USER


async def test_no_secret_in_logs_reprs_or_errors(
    client: BambuCloudClient, cloud: FakeBambuCloud, caplog: pytest.LogCaptureFixture
) -> None:
    secrets: list[str] = [PASSWORD]
    shown: list[object] = [client]
    errors: list[BambuCloudError] = []
    caplog.set_level(logging.DEBUG)

    direct = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(direct, CloudCredentials)
    devices = await client.async_get_devices(direct)
    secrets += [direct.access_token, *(d.access_code for d in devices if d.access_code)]
    shown += [direct, *devices, cloud_mqtt_settings(direct, devices[0].serial)]

    code_step = await client.async_login(CODE_USER, PASSWORD)
    assert isinstance(code_step, EmailCodeRequired)
    code = cloud.last_code(CODE_USER)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    try:
        await client.async_login_with_code(CODE_USER, wrong)
    except BambuCloudError as err:
        errors.append(err)
    coded = await client.async_login_with_code(CODE_USER, code)
    secrets += [code, wrong, coded.access_token]
    shown += [code_step, coded]

    tfa_step = await client.async_login(TFA_USER, PASSWORD)
    assert isinstance(tfa_step, TfaRequired)
    try:
        await client.async_submit_tfa_code(tfa_step, "999999")
    except BambuCloudError as err:
        errors.append(err)
    tfa_step = await client.async_login(TFA_USER, PASSWORD)
    assert isinstance(tfa_step, TfaRequired)
    tfa_done = await client.async_submit_tfa_code(tfa_step, "135790")
    assert isinstance(tfa_done, CloudCredentials)
    secrets += [tfa_step.tfa_key, "135790", "999999", tfa_done.access_token]
    shown += [tfa_step, tfa_done]

    for account, password in ((PASSWORD_USER, "wrong-password-123"), ("+4917012345", PASSWORD)):
        try:
            await client.async_login(account, password)
        except BambuCloudError as err:
            errors.append(err)
    secrets.append("wrong-password-123")
    cloud.revoke_all_tokens()
    try:
        await client.async_get_devices(direct)
    except BambuCloudError as err:
        errors.append(err)

    assert len(errors) == 5
    assert "HTTP 200" in caplog.text  # the client did log its requests
    texts = [caplog.text, *(repr(item) for item in shown)]
    texts += [f"{err!s} {err!r} {err.__cause__!r}" for err in errors]
    for secret in secrets:
        for text in texts:
            assert secret not in text
    # E-mail addresses are personal data: not in reprs either.
    for item in shown:
        assert all(email not in repr(item) for email in (PASSWORD_USER, CODE_USER, TFA_USER))
