"""One real MQTT broker (amqtt) per simulated printer, on a TLS listener.

Why broker plugins rather than an internal MQTT client: the printer logic then sees every
request the moment the broker accepts it (`on_broker_message_received`) and publishes with
`BrokerContext.broadcast_message`, without a second TLS session, credentials or
subscription of its own that tests would have to account for (an internal client would
also show up as a connected session and could be kicked out by a client-id clash).

Authentication accepts only the credential pairs held by the printer's `CredentialSet`:
`bblp` + access code, plus any pairs added later (for example cloud-style `u_<uid>` +
token). Everything else is refused by amqtt with CONNACK return code 5 (not authorised).

A `PrinterBroker` can be stopped and started again on the same host, port and certificate;
each start builds a fresh amqtt `Broker`, because amqtt keeps per-run state internally.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import hmac
import logging
from pathlib import Path
from typing import Any, Protocol, cast

from amqtt.broker import Broker
from amqtt.plugins.base import BaseAuthPlugin, BasePlugin

_LOGGER = logging.getLogger(__name__)
_AMQTT_LOGGER = logging.getLogger("amqtt")

LAN_USERNAME = "bblp"


class _Publisher(Protocol):
    async def broadcast_message(self, topic: str, data: bytes, qos: int | None = None) -> None:
        """amqtt's BrokerContext publishing entry point."""


class CredentialSet:
    """Accepted (username, password) pairs; compared in constant time, never printed."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = list(pairs)

    def add(self, username: str, password: str) -> None:
        """Accept another pair (for example a cloud `u_<uid>` + token)."""
        self._pairs.append((username, password))

    def remove(self, username: str, password: str) -> bool:
        """Stop accepting a pair (a revoked cloud token); False when it was not accepted."""
        kept = [pair for pair in self._pairs if pair != (username, password)]
        removed = len(kept) != len(self._pairs)
        self._pairs = kept
        return removed

    def accepts(self, username: str | None, password: str | None) -> bool:
        """True when the pair matches one of the accepted ones."""
        if username is None or password is None:
            return False
        matched = False
        for user, secret in self._pairs:
            same_user = hmac.compare_digest(user.encode(), username.encode())
            same_secret = hmac.compare_digest(secret.encode(), password.encode())
            matched |= same_user and same_secret
        return matched

    def __repr__(self) -> str:
        return f"CredentialSet(<{len(self._pairs)} pairs>)"


class BrokerBinding:
    """What the broker plugins share with the printer runtime."""

    def __init__(
        self,
        serial: str,
        credentials: CredentialSet,
        on_request: Callable[[str, bytes, str | None], None],
    ) -> None:
        self.serial = serial
        self.credentials = credentials
        self.on_request = on_request
        self.publisher: _Publisher | None = None

    @property
    def request_topic(self) -> str:
        """Client -> printer."""
        return f"device/{self.serial}/request"

    @property
    def report_topic(self) -> str:
        """Printer -> client."""
        return f"device/{self.serial}/report"


@dataclass
class _PluginConfig:
    binding: Any = None


# amqtt ships without type information, so its base classes are `Any` to mypy.
class PrinterAuthPlugin(BaseAuthPlugin):  # type: ignore[misc]
    """Accepts only the printer's credential pairs; amqtt answers others with CONNACK 5."""

    Config = _PluginConfig

    async def authenticate(self, *, session: Any) -> bool:
        binding = cast(BrokerBinding, self.config.binding)
        username = session.username if isinstance(session.username, str) else None
        password = session.password if isinstance(session.password, str) else None
        accepted = binding.credentials.accepts(username, password)
        if not accepted:
            _LOGGER.debug("refusing MQTT login on %s (user %r)", binding.serial, username)
        return accepted


class PrinterBridgePlugin(BasePlugin):  # type: ignore[misc]
    """Hands requests to the printer logic and lends it the broker's publishing context."""

    Config = _PluginConfig

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self._binding = cast(BrokerBinding, self.config.binding)
        self._binding.publisher = cast(_Publisher, context)

    async def on_broker_message_received(self, *, client_id: str | None, message: Any) -> None:
        """Called by amqtt for every PUBLISH it receives from a client."""
        if message is None:
            return
        topic = getattr(message, "topic", None)
        data = getattr(message, "data", None)
        if topic != self._binding.request_topic or not isinstance(data, bytes | bytearray):
            return
        self._binding.on_request(topic, bytes(data), client_id)

    async def close(self) -> None:
        """Detach so nothing is published through a broker that is shutting down."""
        self._binding.publisher = None


class PrinterBroker:
    """Start/stop/restart wrapper around an amqtt broker bound to one TLS port."""

    def __init__(
        self, binding: BrokerBinding, host: str, port: int, certfile: Path, keyfile: Path
    ) -> None:
        self.binding = binding
        self.host = host
        self.port = port
        self._certfile = certfile
        self._keyfile = keyfile
        self._broker: Broker | None = None

    @property
    def running(self) -> bool:
        """True between a successful start and the next stop."""
        return self._broker is not None

    def _config(self) -> dict[str, Any]:
        module = __name__
        return {
            "listeners": {
                "default": {
                    "type": "tcp",
                    "bind": f"{self.host}:{self.port}",
                    "ssl": True,
                    "certfile": str(self._certfile),
                    "keyfile": str(self._keyfile),
                }
            },
            "plugins": {
                f"{module}.PrinterAuthPlugin": {"binding": self.binding},
                f"{module}.PrinterBridgePlugin": {"binding": self.binding},
            },
        }

    async def start(self) -> None:
        """Listen on the configured host/port (raises amqtt's BrokerError if it cannot)."""
        if self._broker is not None:
            return
        if _AMQTT_LOGGER.level == logging.NOTSET:
            # amqtt logs every connection at INFO; keep test and demo output readable
            # unless someone configured the amqtt logger on purpose.
            _AMQTT_LOGGER.setLevel(logging.WARNING)
        broker = Broker(self._config())
        await broker.start()
        self._broker = broker
        _LOGGER.debug(
            "MQTT broker for %s listening on %s:%s", self.binding.serial, self.host, self.port
        )

    async def stop(self) -> None:
        """Close the listener and drop every client connection."""
        broker, self._broker = self._broker, None
        self.binding.publisher = None
        if broker is not None:
            await broker.shutdown()
            _LOGGER.debug("MQTT broker for %s stopped", self.binding.serial)

    async def disconnect_user(self, username: str) -> int:
        """Drop every connected client logged in as ``username``; returns how many.

        Used when a credential is revoked: the client is cut off at once and its next
        CONNECT is refused by the auth plugin, as a cloud broker does with a revoked token.
        """
        broker = self._broker
        if broker is None:
            return 0
        handlers = [
            handler
            for session, handler in list(broker.sessions.values())
            if session.username == username and session.transitions.is_connected()
        ]
        for handler in handlers:
            await handler.stop()
        return len(handlers)

    async def publish(self, payload: bytes) -> bool:
        """Publish a report to subscribers; False when the broker is down."""
        publisher = self.binding.publisher
        if self._broker is None or publisher is None:
            return False
        await publisher.broadcast_message(self.binding.report_topic, payload)
        return True
