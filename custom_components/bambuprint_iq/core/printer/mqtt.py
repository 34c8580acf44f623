"""Asyncio MQTT transport for one printer: paho-mqtt driven by the event loop, no thread.

paho's blocking ``connect()`` (TCP connect, TLS handshake with the pin check, CONNECT
queued) runs once in the default executor. From then on the socket is registered with
``loop.add_reader``/``loop.add_writer`` and a one-second ``loop_misc`` timer handles
keepalive, so a printer costs a file descriptor and a timer, not a thread.

One :class:`PrinterMqttClient` is one connection. Once it has closed, build a new one;
:class:`~.connection.PrinterConnection` does that for you.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import enum
import json
import logging
import re
import secrets
import ssl
from typing import TYPE_CHECKING, Any, Final

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode, MQTTProtocolVersion

from .errors import (
    CannotConnect,
    ConnectionTimeout,
    InvalidAccessCode,
    NotConnected,
    PrinterConnectionError,
)
from .tls import TlsPolicy, async_ssl_context, translate_connect_error

if TYPE_CHECKING:
    from paho.mqtt.client import SocketLike
    from paho.mqtt.properties import Properties
    from paho.mqtt.reasoncodes import ReasonCode

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT: Final = 8883
LAN_USERNAME: Final = "bblp"
DEFAULT_TOPIC_PREFIX: Final = "device"
DEFAULT_CLIENT_ID_PREFIX: Final = "bambuprint-iq-"
# Also the TLS handshake timeout paho applies inside the executor thread.
DEFAULT_KEEPALIVE: Final = 10

_MISC_INTERVAL: Final = 1.0
_DISCONNECT_TIMEOUT: Final = 2.0
# MQTT 3.1.1 CONNACK 4 ("bad user name or password") and 5 ("not authorized") as paho
# reports them through its MQTT 5 style reason codes.
_CREDENTIALS_REFUSED: Final = frozenset({0x86, 0x87})
_SERIAL_RE: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_TOPIC_PREFIX_RE: Final = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class MqttConnectionSettings:
    """Where and how to reach one printer's broker; validated so topics cannot be injected.

    ``access_code`` is the LAN access code (or, for the cloud broker, the access token with
    ``username="u_<uid>"``). It is excluded from ``repr`` and never logged.
    """

    host: str
    serial: str
    access_code: str = field(repr=False)
    tls_policy: TlsPolicy
    port: int = DEFAULT_PORT
    username: str = LAN_USERNAME
    topic_prefix: str = DEFAULT_TOPIC_PREFIX
    client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX
    keepalive: int = DEFAULT_KEEPALIVE

    def __post_init__(self) -> None:
        """Reject values that would produce a broken or unsafe connection."""
        if not self.host or any(char.isspace() for char in self.host):
            raise ValueError("host must be a non-empty host name or IP address")
        if not 0 < self.port < 65536:
            raise ValueError("port must be between 1 and 65535")
        if not _SERIAL_RE.fullmatch(self.serial):
            raise ValueError("serial must be 1-64 letters, digits, '-', '_' or '.'")
        if not self.access_code or "\x00" in self.access_code:
            raise ValueError("access code must be a non-empty string")
        if not self.username or "\x00" in self.username:
            raise ValueError("username must be a non-empty string")
        if not _TOPIC_PREFIX_RE.fullmatch(self.topic_prefix):
            raise ValueError("topic prefix must be plain topic levels without wildcards")
        if not self.client_id_prefix.isascii():
            raise ValueError("client id prefix must be ASCII")
        if not 1 <= self.keepalive <= 3600:
            raise ValueError("keepalive must be between 1 and 3600 seconds")

    @property
    def report_topic(self) -> str:
        """Printer to client: telemetry and command replies."""
        return f"{self.topic_prefix}/{self.serial}/report"

    @property
    def request_topic(self) -> str:
        """Client to printer: commands."""
        return f"{self.topic_prefix}/{self.serial}/request"


class _Phase(enum.Enum):
    NEW = enum.auto()
    OPENING = enum.auto()
    HANDSHAKING = enum.auto()
    CONNECTED = enum.auto()
    CLOSED = enum.auto()


def encode_payload(payload: bytes | bytearray | Mapping[str, Any]) -> bytes:
    """Bytes pass through; mappings become compact JSON, which is what printers expect."""
    if isinstance(payload, bytes | bytearray):
        return bytes(payload)
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


class PrinterMqttClient:
    """One MQTT 3.1.1 session with a printer (or the cloud broker) over pinned TLS.

    ``on_message`` receives the raw payload of every message on the report topic,
    synchronously in the event loop. ``on_connection_change`` gets ``True`` once the
    report subscription is acknowledged and ``False`` when that established link ends for
    any reason (including :meth:`async_disconnect`). Callbacks must not block.
    """

    def __init__(
        self,
        *,
        host: str,
        serial: str,
        access_code: str,
        tls_policy: TlsPolicy,
        on_message: Callable[[bytes], None],
        on_connection_change: Callable[[bool], None],
        port: int = DEFAULT_PORT,
        username: str = LAN_USERNAME,
        topic_prefix: str = DEFAULT_TOPIC_PREFIX,
        client_id_prefix: str = DEFAULT_CLIENT_ID_PREFIX,
        keepalive: int = DEFAULT_KEEPALIVE,
        publish_timeout: float = 10.0,
    ) -> None:
        """Prepare a client; nothing touches the network until :meth:`async_connect`.

        Raises ``ValueError`` for settings that cannot work (see :class:`MqttConnectionSettings`).
        """
        settings = MqttConnectionSettings(
            host=host,
            serial=serial,
            access_code=access_code,
            tls_policy=tls_policy,
            port=port,
            username=username,
            topic_prefix=topic_prefix,
            client_id_prefix=client_id_prefix,
            keepalive=keepalive,
        )
        self._settings = settings
        self._on_message = on_message
        self._on_connection_change = on_connection_change
        self._publish_timeout = publish_timeout
        self._client_id = f"{settings.client_id_prefix}{secrets.token_hex(4)}"
        self._phase = _Phase.NEW
        self._loop: asyncio.AbstractEventLoop | None = None
        self._paho: mqtt.Client | None = None
        self._open_job: asyncio.Future[None] | None = None
        self._abandoned = False
        self._close_when_job_ends = False
        self._fd: int | None = None
        self._misc_timer: asyncio.TimerHandle | None = None
        self._connack: asyncio.Future[None] | None = None
        self._acks: dict[int, asyncio.Future[None]] = {}
        self._closed = asyncio.Event()

    @classmethod
    def from_settings(
        cls,
        settings: MqttConnectionSettings,
        *,
        on_message: Callable[[bytes], None],
        on_connection_change: Callable[[bool], None],
        publish_timeout: float = 10.0,
    ) -> PrinterMqttClient:
        """Build a client from already validated settings (what the supervisor reuses)."""
        return cls(
            host=settings.host,
            serial=settings.serial,
            access_code=settings.access_code,
            tls_policy=settings.tls_policy,
            on_message=on_message,
            on_connection_change=on_connection_change,
            port=settings.port,
            username=settings.username,
            topic_prefix=settings.topic_prefix,
            client_id_prefix=settings.client_id_prefix,
            keepalive=settings.keepalive,
            publish_timeout=publish_timeout,
        )

    def __repr__(self) -> str:
        """Identify the client without exposing credentials."""
        settings = self._settings
        return (
            f"<PrinterMqttClient {self._client_id} {settings.host}:{settings.port} "
            f"serial={settings.serial} {self._phase.name.lower()}>"
        )

    @property
    def connected(self) -> bool:
        """True between an acknowledged report subscription and the end of the link."""
        return self._phase is _Phase.CONNECTED

    @property
    def client_id(self) -> str:
        """The random MQTT client id of this connection."""
        return self._client_id

    @property
    def settings(self) -> MqttConnectionSettings:
        """The settings this client was built with."""
        return self._settings

    async def async_connect(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Connect, authenticate and subscribe to the report topic, all within ``timeout``.

        ``timeout`` is also paho's TCP connect timeout inside the executor thread, which a
        caller-side ``asyncio.timeout()`` could not reach.

        Raises :class:`~.errors.CertificateMismatch` / :class:`~.errors.SerialMismatch`
        (before credentials are sent), :class:`~.errors.InvalidAccessCode`,
        :class:`~.errors.ConnectionTimeout`, :class:`~.errors.NotAPrinter` or
        :class:`~.errors.CannotConnect`. A client connects at most once.
        """
        if self._phase is not _Phase.NEW:
            raise RuntimeError("a PrinterMqttClient connects only once; create a new one")
        self._phase = _Phase.OPENING
        loop = self._loop = asyncio.get_running_loop()
        settings = self._settings
        try:
            async with asyncio.timeout(timeout):
                context = await async_ssl_context(settings.tls_policy)
                client = self._paho = self._create_paho_client(context, timeout)
                connack = self._connack = loop.create_future()
                await self._async_open_socket(client)
                if self._phase is _Phase.OPENING:
                    self._phase = _Phase.HANDSHAKING
                await connack
                await self._async_subscribe(client)
                if self._phase is not _Phase.HANDSHAKING:
                    raise CannotConnect("the connection closed while subscribing")
        except TimeoutError as err:
            self._abort()
            raise ConnectionTimeout(
                f"MQTT connection to {settings.host}:{settings.port} not ready within {timeout} s"
            ) from err
        except BaseException:
            self._abort()
            raise
        self._phase = _Phase.CONNECTED
        _LOGGER.debug(
            "MQTT connected to %s:%s as %s", settings.host, settings.port, self._client_id
        )
        self._notify_connection_change(True)

    async def async_publish(
        self, payload: bytes | bytearray | Mapping[str, Any], qos: int = 0
    ) -> None:
        """Send ``payload`` (bytes, or a mapping sent as JSON) to the request topic.

        Returns once paho has written it (QoS 0) or the broker acknowledged it (QoS 1).
        Raises :class:`~.errors.NotConnected` when there is no link and
        :class:`~.errors.ConnectionTimeout` when the write or ack does not happen in time.
        """
        if qos not in (0, 1):
            raise ValueError("qos must be 0 or 1")
        data = encode_payload(payload)
        client = self._paho
        if self._phase is not _Phase.CONNECTED or client is None:
            raise NotConnected("not connected to the printer")
        info = client.publish(self._settings.request_topic, data, qos=qos)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise NotConnected(f"publish failed: {mqtt.error_string(info.rc)}")
        ack = self._expect_ack(info.mid)
        try:
            async with asyncio.timeout(self._publish_timeout):
                await ack
        except TimeoutError as err:
            raise ConnectionTimeout("the printer link did not take the message in time") from err
        finally:
            self._acks.pop(info.mid, None)

    async def async_disconnect(self) -> None:
        """Close the link: a polite DISCONNECT when connected, a hard close otherwise.

        Returns once the socket is closed and unregistered from the event loop.
        """
        client = self._paho
        if self._phase is _Phase.NEW:
            self._phase = _Phase.CLOSED
            self._closed.set()
            return
        if self._closed.is_set():
            return
        if self._phase is _Phase.CONNECTED and client is not None and client.socket() is not None:
            client.disconnect()
            # Flush the two-byte DISCONNECT right away; paho closes the socket once written.
            client.loop_write()
            try:
                async with asyncio.timeout(_DISCONNECT_TIMEOUT):
                    await self._closed.wait()
            except TimeoutError:
                self._close_socket()
            return
        self._abort()
        # When the executor job still owns the socket, it is closed as soon as that job returns.
        await self._closed.wait()

    async def async_wait_closed(self) -> None:
        """Wait until this connection has ended (or failed to start)."""
        await self._closed.wait()

    # -- connection setup -------------------------------------------------------------------

    def _create_paho_client(self, context: ssl.SSLContext, timeout: float) -> mqtt.Client:
        client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=self._client_id,
            clean_session=True,
            protocol=MQTTProtocolVersion.MQTTv311,
            # paho's own retry would call the blocking reconnect() inside the event loop.
            reconnect_on_failure=False,
        )
        client.username_pw_set(self._settings.username, self._settings.access_code)
        client.tls_set_context(context)
        client.connect_timeout = timeout
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_paho_message
        client.on_publish = self._on_publish
        client.on_subscribe = self._on_subscribe
        client.on_socket_close = self._on_socket_close
        client.on_socket_unregister_write = self._on_unregister_write
        return client

    async def _async_open_socket(self, client: mqtt.Client) -> None:
        loop = self._require_loop()
        # While the executor thread owns the client, socket events hop over to the loop.
        client.on_socket_open = self._on_socket_open_from_thread
        client.on_socket_register_write = self._on_register_write_from_thread
        job = self._open_job = loop.run_in_executor(None, self._blocking_connect, client)
        # Shielded because a thread cannot be interrupted; if we stop waiting, _abort()
        # arranges for whatever it opened to be closed once it returns.
        await asyncio.shield(job)
        client.on_socket_open = self._on_socket_open
        client.on_socket_register_write = self._on_register_write

    def _blocking_connect(self, client: mqtt.Client) -> None:
        """Executor job: TCP connect, TLS handshake (pin check included), queue CONNECT."""
        settings = self._settings
        try:
            rc = client.connect(settings.host, settings.port, keepalive=settings.keepalive)
        except PrinterConnectionError:
            raise
        except OSError as err:
            raise translate_connect_error(err, settings.host, settings.port) from err
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise CannotConnect(f"could not send CONNECT: {mqtt.error_string(rc)}")

    async def _async_subscribe(self, client: mqtt.Client) -> None:
        rc, mid = client.subscribe(self._settings.report_topic, qos=0)
        if rc != MQTTErrorCode.MQTT_ERR_SUCCESS or mid is None:
            raise CannotConnect(f"could not subscribe: {mqtt.error_string(rc)}")
        ack = self._expect_ack(mid)
        try:
            await ack
        finally:
            self._acks.pop(mid, None)

    def _expect_ack(self, mid: int) -> asyncio.Future[None]:
        """Register interest in packet ``mid``.

        Called right after paho queued the packet, before the next await: with an external
        event loop paho never writes (and so never acknowledges) synchronously.
        """
        future = self._acks[mid] = self._require_loop().create_future()
        return future

    # -- teardown ---------------------------------------------------------------------------

    def _abort(self) -> None:
        """Give up on this connection; safe to call repeatedly, from any phase and task."""
        self._abandoned = True
        connack = self._connack
        if connack is not None and not connack.done():
            connack.set_exception(CannotConnect("the connection attempt was abandoned"))
            connack.exception()  # a connect still waiting gets it; nobody else must log it
        job = self._open_job
        if job is not None and not job.done():
            if not self._close_when_job_ends:
                self._close_when_job_ends = True
                job.add_done_callback(self._on_abandoned_open_done)
            return
        self._close_socket()

    def _on_abandoned_open_done(self, job: asyncio.Future[None]) -> None:
        if not job.cancelled() and (error := job.exception()) is not None:
            _LOGGER.debug("Abandoned connection attempt ended with: %s", error)
        self._close_socket()

    def _close_socket(self) -> None:
        client = self._paho
        if client is not None and client.socket() is not None:
            # paho has no public "abort"; _sock_close() runs on_socket_close (which
            # unregisters the descriptor from the loop) and closes the socket.
            client._sock_close()
        self._finish()

    def _finish(self) -> None:
        """Mark the link as ended, fail whatever still waits on it, tell the owner once."""
        if self._closed.is_set():
            return
        was_connected = self._phase is _Phase.CONNECTED
        self._phase = _Phase.CLOSED
        if self._connack is not None and not self._connack.done():
            self._connack.set_exception(CannotConnect("the connection closed before CONNACK"))
        for future in self._acks.values():
            if not future.done():
                future.set_exception(NotConnected("the connection closed before the ack"))
        self._closed.set()
        if was_connected:
            self._notify_connection_change(False)

    def _notify_connection_change(self, connected: bool) -> None:
        try:
            self._on_connection_change(connected)
        except Exception:
            _LOGGER.exception("Error in connection change callback for %s", self._settings.serial)

    def _require_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("client is not bound to an event loop yet")
        return self._loop

    # -- socket plumbing (event loop) -------------------------------------------------------

    def _on_socket_open_from_thread(
        self, client: mqtt.Client, userdata: Any, sock: SocketLike
    ) -> None:
        self._require_loop().call_soon_threadsafe(self._on_socket_open, client, userdata, sock)

    def _on_register_write_from_thread(
        self, client: mqtt.Client, userdata: Any, sock: SocketLike
    ) -> None:
        self._require_loop().call_soon_threadsafe(self._on_register_write, client, userdata, sock)

    def _on_socket_open(self, client: mqtt.Client, userdata: Any, sock: SocketLike) -> None:
        if self._abandoned:
            return  # the socket is closed by _on_abandoned_open_done
        loop = self._require_loop()
        self._fd = sock.fileno()
        loop.add_reader(self._fd, self._on_readable)
        self._misc_timer = loop.call_later(_MISC_INTERVAL, self._on_misc_tick)

    def _on_socket_close(self, client: mqtt.Client, userdata: Any, sock: SocketLike) -> None:
        loop = self._require_loop()
        if self._fd is not None:
            loop.remove_reader(self._fd)
            loop.remove_writer(self._fd)
            self._fd = None
        if self._misc_timer is not None:
            self._misc_timer.cancel()
            self._misc_timer = None
        self._finish()

    def _on_register_write(self, client: mqtt.Client, userdata: Any, sock: SocketLike) -> None:
        if self._fd is not None:
            self._require_loop().add_writer(self._fd, self._on_writable)

    def _on_unregister_write(self, client: mqtt.Client, userdata: Any, sock: SocketLike) -> None:
        if self._fd is not None:
            self._require_loop().remove_writer(self._fd)

    def _on_readable(self) -> None:
        client = self._paho
        if client is None:
            return
        rc = client.loop_read()
        # paho reads one packet per call; TLS may already hold the next one in its buffer,
        # where the selector cannot see it, so drain that before going back to sleep.
        while rc == MQTTErrorCode.MQTT_ERR_SUCCESS and _has_buffered_tls_data(client.socket()):
            rc = client.loop_read()

    def _on_writable(self) -> None:
        if self._paho is not None:
            self._paho.loop_write()

    def _on_misc_tick(self) -> None:
        self._misc_timer = None
        client = self._paho
        if client is None or self._fd is None:
            return
        if client.loop_misc() == MQTTErrorCode.MQTT_ERR_SUCCESS and self._fd is not None:
            self._misc_timer = self._require_loop().call_later(_MISC_INTERVAL, self._on_misc_tick)

    # -- paho protocol callbacks (event loop) -----------------------------------------------

    def _on_connect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.ConnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        connack = self._connack
        if connack is None or connack.done():
            return
        if not reason_code.is_failure:
            connack.set_result(None)
        elif reason_code.value in _CREDENTIALS_REFUSED:
            connack.set_exception(
                InvalidAccessCode(f"the printer refused the access code ({reason_code})")
            )
        else:
            connack.set_exception(
                CannotConnect(f"the broker refused the connection ({reason_code})")
            )

    def _on_disconnect(
        self,
        client: mqtt.Client,
        userdata: Any,
        flags: mqtt.DisconnectFlags,
        reason_code: ReasonCode,
        properties: Properties | None,
    ) -> None:
        _LOGGER.debug("MQTT link %s ended: %s", self._client_id, reason_code)
        self._finish()

    def _on_subscribe(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_codes: list[ReasonCode],
        properties: Properties | None,
    ) -> None:
        future = self._acks.get(mid)
        if future is None or future.done():
            return
        if any(code.is_failure for code in reason_codes):
            future.set_exception(CannotConnect("the broker refused the report subscription"))
        else:
            future.set_result(None)

    def _on_publish(
        self,
        client: mqtt.Client,
        userdata: Any,
        mid: int,
        reason_code: ReasonCode,
        properties: Properties,
    ) -> None:
        future = self._acks.get(mid)
        if future is not None and not future.done():
            future.set_result(None)

    def _on_paho_message(
        self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage
    ) -> None:
        if message.topic != self._settings.report_topic:
            return
        try:
            self._on_message(message.payload)
        except Exception:
            _LOGGER.exception("Error handling a report from printer %s", self._settings.serial)


def _has_buffered_tls_data(sock: SocketLike | None) -> bool:
    return isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
