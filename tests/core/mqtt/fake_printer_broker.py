"""A real amqtt broker on 127.0.0.1 with TLS, playing the part of a printer's MQTT broker.

It serves a certificate made by :func:`make_leaf_certificate` (CN = serial, no SAN, issued by
a throw-away CA, like a printer leaf), accepts only ``bblp`` + the access code, records what
reached it, and answers ``get_version`` / ``pushall`` on the report topic.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import hashlib
import json
from pathlib import Path
import socket
from typing import Any

from amqtt.broker import Broker
from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class LeafCertificate:
    """Files for the broker plus the facts a test compares against."""

    certfile: Path
    keyfile: Path
    der: bytes
    common_name: str
    issuer_common_name: str

    @property
    def fingerprint(self) -> str:
        """Lowercase hex SHA-256 of the DER, the form the pinning code uses."""
        return hashlib.sha256(self.der).hexdigest()


def make_leaf_certificate(directory: Path, common_name: str, issuer: str) -> LeafCertificate:
    """Write a leaf with ``CN=common_name`` and no SAN, signed by a fresh CA named ``issuer``."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)])
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(ca_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    certfile = directory / "leaf.pem"
    keyfile = directory / "leaf.key"
    certfile.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return LeafCertificate(
        certfile=certfile,
        keyfile=keyfile,
        der=leaf.public_bytes(serialization.Encoding.DER),
        common_name=common_name,
        issuer_common_name=issuer,
    )


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class BrokerJournal:
    """What reached the broker; shared by every broker started for one test."""

    packets: list[str] = field(default_factory=list)
    logins: list[tuple[str | None, bool]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def commands(self) -> list[str]:
        """``section.command`` of each request, in arrival order."""
        return [
            f"{section}.{body.get('command')}"
            for request in self.requests
            for section, body in request.items()
            if isinstance(body, dict)
        ]


def version_reply(serial: str) -> bytes:
    """A minimal ``get_version`` answer."""
    module = {"name": "ota", "sw_ver": "01.08.00.00", "hw_ver": "", "sn": serial}
    reply = {
        "info": {
            "command": "get_version",
            "sequence_id": "0",
            "module": [module],
            "result": "success",
            "reason": "",
        }
    }
    return json.dumps(reply).encode()


def full_status_reply() -> bytes:
    """A minimal full status push, as sent after ``pushall``."""
    status = {"command": "push_status", "msg": 0, "sequence_id": "1", "nozzle_temper": 24.5}
    return json.dumps({"print": status}).encode()


class RecordingPrinterPlugin(BaseAuthPlugin):  # type: ignore[misc]  # amqtt is untyped here
    """Authenticates like a printer (``bblp`` + access code), records traffic, answers."""

    @dataclass
    class Config:
        """Plugin settings; ``journal`` is the test's :class:`BrokerJournal`."""

        journal: Any = None
        serial: str = ""
        access_code: str = ""
        replies: bool = True

    async def authenticate(self, *, session: Session) -> bool:
        """Accept only ``bblp`` with the right access code (amqtt then sends CONNACK 5)."""
        config = self.context.config
        accepted: bool = session.username == "bblp" and session.password == config.access_code
        config.journal.logins.append((session.username, accepted))
        return accepted

    async def on_mqtt_packet_received(self, *, packet: Any, session: Any = None) -> None:
        """Every packet the broker parsed, CONNECT included."""
        self.context.config.journal.packets.append(type(packet).__name__)

    async def on_broker_message_received(self, *, client_id: str, message: Any) -> None:
        """Record requests and answer the two the connection supervisor sends."""
        config = self.context.config
        if message is None or message.topic != f"device/{config.serial}/request":
            return
        request = json.loads(bytes(message.data))
        config.journal.requests.append(request)
        if not config.replies:
            return
        report_topic = f"device/{config.serial}/report"
        if request.get("info", {}).get("command") == "get_version":
            await self.context.broadcast_message(report_topic, version_reply(config.serial))
        elif request.get("pushing", {}).get("command") == "pushall":
            await self.context.broadcast_message(report_topic, full_status_reply())


class _ResetTolerantBroker(Broker):  # type: ignore[misc]  # amqtt is untyped here
    """amqtt lets a client's TCP reset escape from its connection handler as an unhandled
    error. paho closes at once after a refused CONNACK, which can reset the socket while
    amqtt still waits for its own close to finish; a printer shrugs that off, so do we.
    """

    async def stream_connected(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, listener_name: str
    ) -> None:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            await super().stream_connected(reader, writer, listener_name)


class FakePrinterBroker:
    """Start/stop/restart an amqtt TLS broker on a fixed loopback port."""

    def __init__(
        self,
        *,
        certificate: LeafCertificate,
        serial: str,
        access_code: str,
        replies: bool = True,
    ) -> None:
        """Pick the port now so a restarted broker comes back on the same one."""
        self.certificate = certificate
        self.serial = serial
        self.port = free_port()
        self.journal = BrokerJournal()
        self._access_code = access_code
        self._replies = replies
        self._broker: _ResetTolerantBroker | None = None

    @property
    def report_topic(self) -> str:
        """Where the printer publishes."""
        return f"device/{self.serial}/report"

    async def start(self) -> None:
        """Listen with TLS on ``self.port``."""
        plugin = f"{RecordingPrinterPlugin.__module__}.{RecordingPrinterPlugin.__qualname__}"
        config = {
            "listeners": {
                "default": {
                    "type": "tcp",
                    "bind": f"127.0.0.1:{self.port}",
                    "ssl": True,
                    "certfile": str(self.certificate.certfile),
                    "keyfile": str(self.certificate.keyfile),
                }
            },
            "plugins": {
                plugin: {
                    "journal": self.journal,
                    "serial": self.serial,
                    "access_code": self._access_code,
                    "replies": self._replies,
                }
            },
        }
        self._broker = _ResetTolerantBroker(config)
        await self._broker.start()

    async def stop(self) -> None:
        """Shut down, closing every client connection."""
        broker, self._broker = self._broker, None
        if broker is not None:
            await broker.shutdown()

    async def publish_report(self, payload: bytes) -> None:
        """Send ``payload`` on the report topic as if the printer pushed it."""
        assert self._broker is not None
        await self._broker.internal_message_broadcast(self.report_topic, payload)
