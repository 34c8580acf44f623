"""What every Bambu Cloud step of the config flow shares: flow state, the client, entry data.

The cloud steps are split over a few mixins (sign-in, connection path, reconfigure); this base
holds their common state so each mixin stays small. The LAN path's certificate and login
checks live in ``config_flow.py`` and are reached through :class:`LanFlowSteps`, so a cloud
printer used on the LAN is pinned and checked exactly like one added by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_HOST
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import voluptuous as vol

from .cloud_setup import (
    CONF_CLOUD_ACCOUNT,
    CONF_CLOUD_CREDENTIALS,
    CONF_REGION,
    cloud_endpoints,
)
from .const import (
    CONF_ACCESS_CODE,
    CONF_CAMERA_PORT,
    CONF_METHOD,
    CONF_MODEL,
    CONF_MQTT_PORT,
    CONF_SERIAL,
    CONF_SKIP_TLS_VERIFY,
    ConnectionMethod,
)
from .core.cloud import (
    BambuCloudClient,
    CloudAuthError,
    CloudCredentials,
    CloudDevice,
    CloudflareBlocked,
    CloudRegion,
    InvalidCredentials,
    LoginStep,
    PhoneAccountNotSupported,
    TfaCodeInvalid,
    VerificationCodeExpired,
    VerificationCodeInvalid,
)
from .core.printer.probe import PrinterIdentity
from .core.printer.tls import CertificateInfo
from .flow_selectors import ADVANCED, PORT as _PORT

CONF_EMAIL = "email"
CONF_PASSWORD = "password"
CONF_CODE = "code"


class LanFlowSteps(Protocol):
    """The LAN path's checks (``config_flow.py``) that cloud printers reuse for the LAN."""

    _data: dict[str, Any]
    _certificate: CertificateInfo | None

    async def _async_read_certificate(self, data: Mapping[str, Any]) -> dict[str, str]:
        """Read the leaf certificate at host/port; errors by field, CN must equal the serial."""

    async def _async_identify(self) -> tuple[PrinterIdentity | None, dict[str, str]]:
        """Log in with ``_data`` over the pinned connection and read who answers."""

    async def async_step_certificate(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the fingerprint; once confirmed it is pinned in ``_data``."""

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The LAN entry's address and access code form."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudEntryPlan:
    """An entry decided in the sign-in flow: created now, or confirmed under "Discovered"."""

    serial: str
    title: str
    data: Mapping[str, Any]
    options: Mapping[str, Any]

    def as_discovery(self) -> dict[str, Any]:
        """What the follow-up discovery flow receives."""
        return {
            CONF_SERIAL: self.serial,
            "title": self.title,
            "data": dict(self.data),
            "options": dict(self.options),
        }

    @classmethod
    def from_discovery(cls, info: Mapping[str, Any]) -> CloudEntryPlan:
        """Rebuild from :meth:`as_discovery`; raises ``ValueError`` on anything else."""
        serial, title = info.get(CONF_SERIAL), info.get("title")
        data, options = info.get("data"), info.get("options")
        if not (isinstance(serial, str) and isinstance(title, str) and serial and title):
            raise ValueError("discovery info lacks serial or title")
        if not (isinstance(data, dict) and isinstance(options, dict)):
            raise ValueError("discovery info lacks entry data")
        if data.get(CONF_SERIAL) != serial:
            raise ValueError("discovery info names two printers")
        return cls(serial=serial, title=title, data=dict(data), options=dict(options))


def login_errors(err: Exception) -> dict[str, str]:
    """Translate a sign-in failure into a form error next to the right field."""
    if isinstance(err, PhoneAccountNotSupported):
        return {CONF_EMAIL: "phone_not_supported"}
    if isinstance(err, InvalidCredentials):
        return {CONF_PASSWORD: "invalid_auth"}
    if isinstance(err, VerificationCodeExpired):
        return {CONF_CODE: "code_expired"}
    if isinstance(err, VerificationCodeInvalid | TfaCodeInvalid):
        return {CONF_CODE: "code_incorrect"}
    if isinstance(err, CloudflareBlocked):
        return {"base": "cloudflare"}
    return {"base": "cloud_unavailable"}


def cloud_abort_reason(err: Exception) -> str:
    """Abort reason when a call with a fresh or stored token fails."""
    return "cloud_token_rejected" if isinstance(err, CloudAuthError) else "cloud_unavailable"


def device_title(device: CloudDevice) -> str:
    """The name the user gave the printer in Bambu Handy / Studio."""
    return device.name or f"Bambu Lab {device.serial[-4:]}"


def address_schema(mqtt_port: int, camera_port: int, *, host_required: bool) -> vol.Schema:
    """Printer address, with the ports tucked into a collapsed section as on the LAN path."""
    host: vol.Marker = vol.Required(CONF_HOST) if host_required else vol.Optional(CONF_HOST)
    return vol.Schema(
        {
            host: str,
            vol.Required(ADVANCED): section(
                vol.Schema(
                    {
                        vol.Required(CONF_MQTT_PORT, default=mqtt_port): _PORT,
                        vol.Required(CONF_CAMERA_PORT, default=camera_port): _PORT,
                    }
                ),
                {"collapsed": True},
            ),
        }
    )


def lan_entry_data(
    *,
    serial: str,
    model: str | None,
    access_code: str,
    host: str,
    ports: tuple[int, int],
    account: Mapping[str, Any],
) -> dict[str, Any]:
    """A LAN entry (fingerprint and method follow) that keeps the account it came from.

    ``account`` holds region, e-mail and stored credentials: with them the entry can switch
    back to the cloud, and a later sign-in of the account refreshes its access code.
    """
    mqtt_port, camera_port = ports
    return {
        CONF_HOST: host,
        CONF_SERIAL: serial,
        CONF_ACCESS_CODE: access_code,
        CONF_MQTT_PORT: mqtt_port,
        CONF_CAMERA_PORT: camera_port,
        CONF_SKIP_TLS_VERIFY: False,
        CONF_METHOD: ConnectionMethod.LOCAL.value,
        CONF_MODEL: model,
        CONF_REGION: account[CONF_REGION],
        CONF_CLOUD_ACCOUNT: account[CONF_CLOUD_ACCOUNT],
        CONF_CLOUD_CREDENTIALS: dict(account[CONF_CLOUD_CREDENTIALS]),
    }


def lan_method(identity: PrinterIdentity) -> ConnectionMethod:
    """Developer Mode when the printer takes unsigned commands, telemetry-only otherwise."""
    if identity.signed_commands_required is False:
        return ConnectionMethod.DEVELOPER
    return ConnectionMethod.LOCAL


class CloudFlowBase(ConfigFlow):
    """State shared by the cloud steps; each instance starts from these defaults."""

    _cloud_region: CloudRegion = CloudRegion.GLOBAL
    _cloud_email: str = ""
    _cloud_step: LoginStep | None = None
    _cloud_credentials: CloudCredentials | None = None
    _cloud_devices: tuple[CloudDevice, ...] = ()
    _cloud_reauth_entry: ConfigEntry | None = None
    _cloud_pending: CloudEntryPlan | None = None
    _cloud_queue: tuple[CloudDevice, ...] = ()
    """Chosen printers still waiting for their connection path; the head is being asked."""
    _cloud_plans: tuple[CloudEntryPlan, ...] = ()
    _cloud_lan_host: str | None = None
    """Where the printer at the head of the queue answered on the LAN."""
    _cloud_lan_pending: bool = False
    """A cloud printer is going through the LAN certificate step (see ``config_flow.py``)."""
    _cloud_lan_form_chosen: bool = False

    @property
    def _lan(self) -> LanFlowSteps:
        """The LAN path's steps of the concrete flow class."""
        return cast(LanFlowSteps, self)

    def _cloud_client(self) -> BambuCloudClient:
        return BambuCloudClient(
            async_get_clientsession(self.hass),
            self._cloud_region,
            endpoints=cloud_endpoints(self.hass, self._cloud_region),
        )

    def _cloud_account(self) -> dict[str, Any]:
        """Region, e-mail and credentials of the account signed in in this flow."""
        assert self._cloud_credentials is not None
        return {
            CONF_REGION: self._cloud_region.value,
            CONF_CLOUD_ACCOUNT: self._cloud_email,
            CONF_CLOUD_CREDENTIALS: self._cloud_credentials.to_storage(),
        }
