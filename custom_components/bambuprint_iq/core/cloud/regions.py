"""Where the Bambu Cloud lives for each region, with every address overridable for tests.

The global and Chinese clouds are separate systems: an account exists in one of them only,
and its printers use that region's MQTT broker.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import ipaddress
from typing import Final

from yarl import URL

CLOUD_MQTT_PORT: Final = 8883
_LOOPBACK_NAMES: Final = frozenset({"localhost"})


class CloudRegion(StrEnum):
    """The two Bambu clouds."""

    GLOBAL = "global"
    CHINA = "china"


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudEndpoints:
    """Base URLs and the MQTT broker of one cloud.

    ``api_url`` serves ``/v1/...``; ``web_url`` is the web site that handles two-factor
    sign-in. URLs must be ``https``, except plain ``http`` to a loopback address (the test
    fake), so a token can never travel in clear text over a network.
    """

    api_url: str
    web_url: str
    mqtt_host: str
    mqtt_port: int = CLOUD_MQTT_PORT

    def __post_init__(self) -> None:
        """Normalise the URLs (no trailing slash) and reject unsafe or unusable values."""
        object.__setattr__(self, "api_url", _checked_base_url(self.api_url, "api_url"))
        object.__setattr__(self, "web_url", _checked_base_url(self.web_url, "web_url"))
        if not self.mqtt_host or any(char.isspace() for char in self.mqtt_host):
            raise ValueError("mqtt_host must be a host name or IP address")
        if not 0 < self.mqtt_port < 65536:
            raise ValueError("mqtt_port must be between 1 and 65535")

    @classmethod
    def for_region(cls, region: CloudRegion) -> CloudEndpoints:
        """The production addresses of ``region``."""
        if region is CloudRegion.CHINA:
            return cls(
                api_url="https://api.bambulab.cn",
                web_url="https://bambulab.cn",
                mqtt_host="cn.mqtt.bambulab.com",
            )
        return cls(
            api_url="https://api.bambulab.com",
            web_url="https://bambulab.com",
            mqtt_host="us.mqtt.bambulab.com",
        )

    @property
    def web_host(self) -> str:
        """Host name of the web site (where the two-factor cookie is set)."""
        return URL(self.web_url).host or ""


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _checked_base_url(value: str, name: str) -> str:
    try:
        url = URL(value.rstrip("/"))
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} is not a URL") from err
    if not url.is_absolute() or not url.host:
        raise ValueError(f"{name} must be an absolute URL")
    if url.query_string or url.fragment or url.user or url.password:
        raise ValueError(f"{name} must not carry credentials, a query or a fragment")
    if url.scheme == "https" or (url.scheme == "http" and _is_loopback(url.host)):
        return str(url)
    raise ValueError(f"{name} must use https (plain http only to a loopback address)")
