"""Long-lived link to one printer: reconnects, watches for silence, rate-limits pushall.

Policy, in one place:

* **On every (re)connect** the supervisor sends ``info.get_version`` and then, if no
  ``pushing.pushall`` went out in the last ``pushall_min_interval`` seconds (default 300,
  the limit OpenBambuAPI gives for the P1P), ``pushing.pushall``. The first connect always
  sends one; a reconnect after a short blip does not, because the printer keeps pushing
  deltas and P1/A1 models send an unsolicited full status about every five minutes.
* :meth:`PrinterConnection.async_request_pushall` sends one only if the interval has
  passed. ``force=True`` also allows it when no pushall was sent on the *current*
  connection yet (for example right after a reconnect that skipped it), so forcing still
  yields at most one pushall per connection.
* **Reconnect** with exponential backoff and full jitter, ``backoff_initial`` doubling up to
  ``backoff_max`` (1 s to 60 s by default). The backoff starts over only after a link
  stayed up for ``backoff_max`` seconds, so a printer that accepts and drops at once is not
  hammered.
* **Fatal errors** (:class:`~.errors.InvalidAccessCode`, :class:`~.errors.CertificateMismatch`,
  :class:`~.errors.SerialMismatch`) stop the retries and go to ``on_fatal_error``: only the
  user can fix them (reauth or repair).
* **Watchdog**: a link that delivers no message for ``watchdog_timeout`` seconds is treated as
  dead and replaced.
* **Logging**: the first failure of an outage at info level, the recovery once at info level,
  everything in between at debug. The access code never reaches a log line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
import contextlib
from dataclasses import dataclass
import logging
import random
from typing import Any, Final

from .errors import (
    CertificateMismatch,
    InvalidAccessCode,
    NotConnected,
    PrinterConnectionError,
    SerialMismatch,
)
from .mqtt import (
    DEFAULT_KEEPALIVE,
    DEFAULT_PORT,
    DEFAULT_TOPIC_PREFIX,
    LAN_USERNAME,
    MqttConnectionSettings,
    PrinterMqttClient,
)
from .tls import TlsPolicy

_LOGGER = logging.getLogger(__name__)

FATAL_ERRORS: Final = (InvalidAccessCode, CertificateMismatch, SerialMismatch)


@dataclass(frozen=True, slots=True)
class ConnectionTimings:
    """Every delay the supervisor uses, in seconds; tests inject short ones."""

    connect_timeout: float = 10.0
    publish_timeout: float = 10.0
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    watchdog_timeout: float = 60.0
    pushall_min_interval: float = 300.0

    def __post_init__(self) -> None:
        """Reject values that would spin or never act."""
        if min(self.connect_timeout, self.publish_timeout, self.watchdog_timeout) <= 0:
            raise ValueError("timeouts must be positive")
        if not 0 < self.backoff_initial <= self.backoff_max:
            raise ValueError("backoff must satisfy 0 < backoff_initial <= backoff_max")
        if self.pushall_min_interval < 0:
            raise ValueError("pushall_min_interval must not be negative")


def backoff_delay(attempt: int, initial: float, maximum: float, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform in ``[0, min(maximum, initial * 2**attempt)]``.

    The floor of ``initial / 2`` keeps a dead printer from being hammered in a tight loop.
    """
    ceiling = min(maximum, initial * 2 ** min(attempt, 32))
    return max(initial / 2, rng.uniform(0, ceiling))


def get_version_request() -> dict[str, Any]:
    """A fresh ``info.get_version`` request."""
    return {"info": {"sequence_id": "0", "command": "get_version"}}


def pushall_request() -> dict[str, Any]:
    """A fresh ``pushing.pushall`` request (full status snapshot)."""
    return {"pushing": {"sequence_id": "0", "command": "pushall", "version": 1, "push_target": 1}}


class PrinterConnection:
    """Keeps one printer connected in the background and reports what happens.

    ``on_message`` gets every report payload (bytes) in the event loop;
    ``on_availability`` gets ``True``/``False`` on each change; ``on_fatal_error`` gets the
    error that ended the retries. Callbacks are not called after :meth:`async_stop`.
    """

    def __init__(
        self,
        *,
        host: str,
        serial: str,
        access_code: str,
        tls_policy: TlsPolicy,
        on_message: Callable[[bytes], None],
        on_availability: Callable[[bool], None],
        on_fatal_error: Callable[[PrinterConnectionError], None],
        port: int = DEFAULT_PORT,
        username: str = LAN_USERNAME,
        topic_prefix: str = DEFAULT_TOPIC_PREFIX,
        keepalive: int = DEFAULT_KEEPALIVE,
        timings: ConnectionTimings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """Validate the settings; nothing touches the network until :meth:`async_start`."""
        self._settings = MqttConnectionSettings(
            host=host,
            serial=serial,
            access_code=access_code,
            tls_policy=tls_policy,
            port=port,
            username=username,
            topic_prefix=topic_prefix,
            keepalive=keepalive,
        )
        self._on_message = on_message
        self._on_availability = on_availability
        self._on_fatal_error = on_fatal_error
        self._timings = timings or ConnectionTimings()
        self._rng = rng or random.Random()
        self._task: asyncio.Task[None] | None = None
        self._client: PrinterMqttClient | None = None
        self._available = False
        self._outage_logged = False
        self._last_message_at = 0.0
        self._last_pushall_at: float | None = None
        self._pushall_sent_on_link = False
        self._stopping = False

    def __repr__(self) -> str:
        """Identify the printer without exposing credentials."""
        return (
            f"<PrinterConnection serial={self._settings.serial} "
            f"{self._settings.host}:{self._settings.port} available={self._available}>"
        )

    @property
    def available(self) -> bool:
        """True while a subscribed MQTT link to the printer is up."""
        return self._available

    @property
    def serial(self) -> str:
        """The printer serial this connection is for."""
        return self._settings.serial

    async def async_start(self) -> None:
        """Start connecting in the background; returns at once."""
        if self._task is not None and not self._task.done():
            raise RuntimeError("connection already started")
        self._stopping = False
        self._task = asyncio.get_running_loop().create_task(
            self._async_run(), name=f"bambuprint_iq connection {self._settings.serial}"
        )

    async def async_stop(self) -> None:
        """Stop retrying, close the link and wait until nothing is left running."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        client, self._client = self._client, None
        if client is not None:
            await client.async_disconnect()
        self._available = False

    async def async_publish(
        self, payload: bytes | bytearray | Mapping[str, Any], qos: int = 0
    ) -> None:
        """Send a request to the printer; raises :class:`~.errors.NotConnected` when offline."""
        client = self._client
        if client is None or not client.connected:
            raise NotConnected(f"printer {self._settings.serial} is not connected")
        await client.async_publish(payload, qos)

    async def async_request_pushall(self, force: bool = False) -> bool:
        """Ask for a full status if the rate limit allows it; return whether it was sent.

        Never raises for link trouble: a link that fails here is being replaced anyway, and
        the pushall slot stays used so a flapping link cannot be flooded with requests.
        """
        client = self._client
        if client is None or not client.connected or not self._pushall_allowed(force):
            return False
        try:
            await self._async_send_pushall(client)
        except PrinterConnectionError as err:
            _LOGGER.debug("Pushall to printer %s not sent: %s", self._settings.serial, err)
            return False
        return True

    # -- supervisor -------------------------------------------------------------------------

    async def _async_run(self) -> None:
        loop = asyncio.get_running_loop()
        attempt = 0
        while True:
            client = PrinterMqttClient.from_settings(
                self._settings,
                on_message=self._handle_message,
                on_connection_change=self._handle_link_change,
                publish_timeout=self._timings.publish_timeout,
            )
            try:
                await client.async_connect(self._timings.connect_timeout)
            except FATAL_ERRORS as err:
                self._report_fatal(err)
                return
            except PrinterConnectionError as err:
                self._mark_down(str(err))
            else:
                self._client = client
                connected_at = loop.time()
                try:
                    reason = await self._async_serve(client)
                finally:
                    self._client = None
                    await client.async_disconnect()
                self._mark_down(reason)
                # Only a link that held for a while proves the printer is healthy again;
                # one that drops right away must not turn into a tight reconnect loop.
                if loop.time() - connected_at >= self._timings.backoff_max:
                    attempt = 0
            delay = backoff_delay(
                attempt, self._timings.backoff_initial, self._timings.backoff_max, self._rng
            )
            attempt += 1
            _LOGGER.debug("Reconnecting to printer %s in %.2f s", self._settings.serial, delay)
            await asyncio.sleep(delay)

    async def _async_serve(self, client: PrinterMqttClient) -> str:
        """Prime a fresh link, then hold it until it drops or goes silent; return why."""
        loop = asyncio.get_running_loop()
        self._last_message_at = loop.time()
        self._pushall_sent_on_link = False
        try:
            await client.async_publish(get_version_request())
            if self._pushall_allowed(force=False):
                await self._async_send_pushall(client)
        except PrinterConnectionError as err:
            return f"link failed while requesting status: {err}"
        self._mark_up()
        while True:
            silent_for = loop.time() - self._last_message_at
            remaining = self._timings.watchdog_timeout - silent_for
            if remaining <= 0:
                return f"no data for {self._timings.watchdog_timeout:g} s"
            try:
                async with asyncio.timeout(remaining):
                    await client.async_wait_closed()
            except TimeoutError:
                continue
            return "connection closed"

    async def _async_send_pushall(self, client: PrinterMqttClient) -> None:
        self._last_pushall_at = asyncio.get_running_loop().time()
        self._pushall_sent_on_link = True
        await client.async_publish(pushall_request())

    def _pushall_allowed(self, force: bool) -> bool:
        last = self._last_pushall_at
        if last is None:
            return True
        if asyncio.get_running_loop().time() - last >= self._timings.pushall_min_interval:
            return True
        return force and not self._pushall_sent_on_link

    # -- state changes ----------------------------------------------------------------------

    def _handle_message(self, payload: bytes) -> None:
        self._last_message_at = asyncio.get_running_loop().time()
        if not self._stopping:
            self._on_message(payload)

    def _handle_link_change(self, connected: bool) -> None:
        """The supervisor learns about drops through ``async_wait_closed``; just trace it."""
        _LOGGER.debug(
            "Printer %s MQTT link %s", self._settings.serial, "up" if connected else "down"
        )

    def _mark_up(self) -> None:
        if self._outage_logged:
            _LOGGER.info("Printer %s is reachable again", self._settings.serial)
            self._outage_logged = False
        self._set_available(True)

    def _mark_down(self, reason: str) -> None:
        if not self._outage_logged:
            _LOGGER.info(
                "Printer %s at %s is unavailable: %s; retrying in the background",
                self._settings.serial,
                self._settings.host,
                reason,
            )
            self._outage_logged = True
        else:
            _LOGGER.debug("Printer %s still unavailable: %s", self._settings.serial, reason)
        self._set_available(False)

    def _report_fatal(self, err: PrinterConnectionError) -> None:
        _LOGGER.warning(
            "Stopped connecting to printer %s until the configuration is fixed: %s",
            self._settings.serial,
            err,
        )
        self._outage_logged = True
        self._set_available(False)
        if not self._stopping:
            self._on_fatal_error(err)

    def _set_available(self, available: bool) -> None:
        if available == self._available:
            return
        self._available = available
        if self._stopping:
            return
        try:
            self._on_availability(available)
        except Exception:
            _LOGGER.exception("Error in availability callback for %s", self._settings.serial)
