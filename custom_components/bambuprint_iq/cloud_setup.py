"""Where the cloud lives and how its broker is trusted, per region.

Production uses Bambu's public endpoints and public-CA verification. Tests point both at
loopback stand-ins by setting ``hass.data[CLOUD_ENDPOINTS]`` / ``hass.data[CLOUD_TLS]``; the
code paths are otherwise the same. Likewise ``hass.data[LAN_PORTS]`` tells where a cloud
printer's LAN broker and camera listen (printers: 8883 and 6000; simulated printers: any).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_METHOD,
    CONF_SERIAL,
    DEFAULT_CAMERA_PORT,
    DEFAULT_MQTT_PORT,
    DOMAIN,
    ConnectionMethod,
)
from .core.cloud import CloudCredentials, CloudEndpoints, CloudRegion, cloud_mqtt_settings
from .core.printer.public_ca import PublicCaVerification
from .core.printer.tls import TlsPolicy

CONF_REGION: Final = "region"
CONF_CLOUD_ACCOUNT: Final = "cloud_account"
CONF_CLOUD_CREDENTIALS: Final = "cloud_credentials"

CLOUD_ENDPOINTS: HassKey[Callable[[CloudRegion], CloudEndpoints]] = HassKey(
    f"{DOMAIN}_cloud_endpoints"
)
CLOUD_TLS: HassKey[TlsPolicy] = HassKey(f"{DOMAIN}_cloud_tls")
LAN_PORTS: HassKey[Callable[[str], tuple[int, int]]] = HassKey(f"{DOMAIN}_lan_ports")


def cloud_endpoints(hass: HomeAssistant, region: CloudRegion) -> CloudEndpoints:
    """API, web and MQTT hosts for the region."""
    override = hass.data.get(CLOUD_ENDPOINTS)
    return override(region) if override is not None else CloudEndpoints.for_region(region)


def lan_ports(hass: HomeAssistant, serial: str) -> tuple[int, int]:
    """MQTT and camera port of a printer found through the cloud, when it is used on the LAN."""
    override = hass.data.get(LAN_PORTS)
    return override(serial) if override is not None else (DEFAULT_MQTT_PORT, DEFAULT_CAMERA_PORT)


def is_cloud(data: Mapping[str, Any]) -> bool:
    """Entries that reach the printer through the cloud broker."""
    return data.get(CONF_METHOD) == ConnectionMethod.CLOUD.value


def is_lan_from_cloud(data: Mapping[str, Any]) -> bool:
    """LAN entries set up from a cloud sign-in; they keep the account to switch back."""
    return not is_cloud(data) and CONF_CLOUD_CREDENTIALS in data and CONF_CLOUD_ACCOUNT in data


def cloud_tls_policy(hass: HomeAssistant) -> TlsPolicy:
    """The cloud broker presents a public-CA certificate for its host name."""
    return hass.data.get(CLOUD_TLS) or PublicCaVerification()


def cloud_connection_args(hass: HomeAssistant, data: Mapping[str, Any]) -> dict[str, Any]:
    """Host, port, user and password for a printer reached through the cloud broker.

    Raises ``ValueError`` when the stored credentials are unusable (treated as reauth).
    """
    credentials = CloudCredentials.from_storage(data[CONF_CLOUD_CREDENTIALS])
    region = CloudRegion(data[CONF_REGION])
    settings = cloud_mqtt_settings(
        credentials, data[CONF_SERIAL], endpoints=cloud_endpoints(hass, region)
    )
    return {
        "host": settings.host,
        "port": settings.port,
        "username": settings.username,
        "access_code": settings.password,
        "tls_policy": cloud_tls_policy(hass),
        "expired": credentials.is_expired(),
    }
