"""Bambu Cloud: sign-in, account printers and cloud MQTT settings. No Home Assistant imports.

Typical use::

    client = BambuCloudClient(session, CloudRegion.GLOBAL)
    step = await client.async_login(email, password)
    match step:
        case EmailCodeRequired():      # a code was e-mailed
            step = await client.async_login_with_code(email, code)
        case TfaRequired():            # authenticator code; may fall back to an e-mailed code
            step = await client.async_submit_tfa_code(step, tfa_code)
    devices = await client.async_get_devices(credentials)
    mqtt = cloud_mqtt_settings(credentials, devices[0].serial)
"""

from ..printer.public_ca import (
    PublicCaVerification,
    async_public_ca_context,
    build_public_ca_context,
)
from .account import CloudDevice, CloudProfile
from .client import BambuCloudClient
from .credentials import CloudCredentials
from .errors import (
    BambuCloudError,
    CloudAuthError,
    CloudflareBlocked,
    CloudRateLimited,
    CloudResponseError,
    CloudServerError,
    CloudTimeout,
    CloudUnavailable,
    InvalidCredentials,
    PhoneAccountNotSupported,
    TfaCodeInvalid,
    TokenExpired,
    VerificationCodeExpired,
    VerificationCodeInvalid,
)
from .login_steps import CodeReason, EmailCodeRequired, LoginStep, TfaRequired
from .model_codes import model_from_names
from .mqtt_settings import CloudMqttSettings, cloud_mqtt_settings
from .regions import CloudEndpoints, CloudRegion

__all__ = [
    "BambuCloudClient",
    "BambuCloudError",
    "CloudAuthError",
    "CloudCredentials",
    "CloudDevice",
    "CloudEndpoints",
    "CloudMqttSettings",
    "CloudProfile",
    "CloudRateLimited",
    "CloudRegion",
    "CloudResponseError",
    "CloudServerError",
    "CloudTimeout",
    "CloudUnavailable",
    "CloudflareBlocked",
    "CodeReason",
    "EmailCodeRequired",
    "InvalidCredentials",
    "LoginStep",
    "PhoneAccountNotSupported",
    "PublicCaVerification",
    "TfaCodeInvalid",
    "TfaRequired",
    "TokenExpired",
    "VerificationCodeExpired",
    "VerificationCodeInvalid",
    "async_public_ca_context",
    "build_public_ca_context",
    "cloud_mqtt_settings",
    "model_from_names",
]
