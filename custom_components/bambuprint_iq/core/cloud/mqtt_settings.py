"""How to reach a printer through the cloud MQTT broker of the account's region.

The broker takes user ``u_<uid>`` with the access token as password, accepts exact topics
only (no wildcards) and lets an account subscribe to ``device/<serial>/report`` and publish
to ``device/<serial>/request`` of its own printers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Final

from ..printer.mqtt import DEFAULT_TOPIC_PREFIX, MqttConnectionSettings
from ..printer.tls import TlsPolicy
from .credentials import CloudCredentials
from .regions import CloudEndpoints

# No MQTT wildcard or level separator can slip into a topic through the serial.
_SERIAL_RE: Final = re.compile(r"[A-Za-z0-9]{6,32}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudMqttSettings:
    """Broker address and login for one printer; ``password`` (the token) is not in repr."""

    host: str
    port: int
    username: str
    password: str = field(repr=False)
    serial: str

    def __post_init__(self) -> None:
        """Refuse serials that would not form a single exact topic."""
        if not _SERIAL_RE.fullmatch(self.serial):
            raise ValueError("serial must be 6-32 letters or digits")

    @property
    def report_topic(self) -> str:
        """The one topic to subscribe to (printer to client)."""
        return f"{DEFAULT_TOPIC_PREFIX}/{self.serial}/report"

    @property
    def request_topic(self) -> str:
        """The one topic to publish to (client to printer)."""
        return f"{DEFAULT_TOPIC_PREFIX}/{self.serial}/request"

    def to_connection_settings(self, tls_policy: TlsPolicy) -> MqttConnectionSettings:
        """Settings for :class:`~..printer.mqtt.PrinterMqttClient` / ``PrinterConnection``.

        In production ``tls_policy`` must verify the broker's public certificate (see
        :class:`~.tls.PublicCaVerification`); tests against a self-made broker pass their own.
        """
        return MqttConnectionSettings(
            host=self.host,
            port=self.port,
            serial=self.serial,
            username=self.username,
            access_code=self.password,
            tls_policy=tls_policy,
        )


def cloud_mqtt_settings(
    credentials: CloudCredentials, serial: str, *, endpoints: CloudEndpoints | None = None
) -> CloudMqttSettings:
    """Cloud broker settings for ``serial`` (``endpoints`` default to the account's region)."""
    where = endpoints or CloudEndpoints.for_region(credentials.region)
    return CloudMqttSettings(
        host=where.mqtt_host,
        port=where.mqtt_port,
        username=credentials.mqtt_username,
        password=credentials.access_token,
        serial=serial,
    )
