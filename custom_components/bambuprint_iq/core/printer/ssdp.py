"""Find printers on the LAN from the SSDP ``NOTIFY`` datagrams they broadcast to UDP 2021.

Bambu printers do not use the standard SSDP port (1900): every few seconds they broadcast
``NOTIFY * HTTP/1.1`` to port 2021 with ``USN`` = serial, ``Location`` = bare IPv4 address
and ``*.bambu.com`` headers (model id, name, cloud/LAN mode, bind state, firmware).
Anything else arriving on the port is ignored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import ipaddress
import logging
import re
import socket
from types import TracebackType
from typing import Final, Self

from ..cloud.model_codes import model_from_names
from .models import PrinterModel, model_from_serial

_LOGGER = logging.getLogger(__name__)

SSDP_PORT: Final = 2021
BAMBU_SSDP_URN: Final = "urn:bambulab-com:device:3dprinter:1"
MAX_DATAGRAM_BYTES: Final = 4096
_REQUEST_LINE: Final = "NOTIFY * HTTP/1.1"
_SERIAL_RE: Final = re.compile(r"[A-Za-z0-9]{6,32}")
_MAX_TEXT: Final = 128


class SsdpListenError(OSError):
    """The discovery port could not be opened (in use without sharing, or no permission)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SsdpDiscovery:
    """One printer announcing itself on the LAN."""

    serial: str
    host: str
    """IPv4 address from ``Location``."""
    model: PrinterModel | None
    model_id: str | None
    """``DevModel.bambu.com`` as sent (Studio model id, e.g. ``N7``)."""
    name: str | None
    connect_mode: str | None
    """``DevConnect.bambu.com``: ``cloud`` or ``lan`` (LAN-only mode)."""
    bind_state: str | None
    """``DevBind.bambu.com``: ``occupied`` when bound to a cloud account."""
    firmware: str | None

    @property
    def lan_only(self) -> bool:
        """True when the printer says it runs in LAN-only mode."""
        return self.connect_mode == "lan"


def parse_notify(datagram: bytes) -> SsdpDiscovery | None:
    """A Bambu ``NOTIFY ... ssdp:alive`` as a discovery, None for anything else. Pure."""
    if len(datagram) > MAX_DATAGRAM_BYTES:
        return None
    lines = datagram.decode("utf-8", errors="replace").splitlines()
    if not lines or lines[0].strip().upper() != _REQUEST_LINE:
        return None
    headers = _headers(lines[1:])
    if headers.get("nts", "ssdp:alive").lower() != "ssdp:alive":
        return None
    notification_type = headers.get("nt")
    if notification_type is None and "devmodel.bambu.com" not in headers:
        return None
    if notification_type is not None and notification_type.lower() != BAMBU_SSDP_URN:
        return None
    serial = headers.get("usn", "")
    host = _ipv4(headers.get("location", ""))
    if not _SERIAL_RE.fullmatch(serial) or host is None:
        return None
    model_id = _text(headers.get("devmodel.bambu.com"))
    return SsdpDiscovery(
        serial=serial,
        host=host,
        model=model_from_names(model_id) or model_from_serial(serial),
        model_id=model_id,
        name=_text(headers.get("devname.bambu.com")),
        connect_mode=_lower_text(headers.get("devconnect.bambu.com")),
        bind_state=_lower_text(headers.get("devbind.bambu.com")),
        firmware=_text(headers.get("devversion.bambu.com")),
    )


def _headers(lines: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.setdefault(name.strip().lower(), value.strip())
    return headers


def _ipv4(location: str) -> str | None:
    try:
        address = ipaddress.IPv4Address(location.strip())
    except ValueError:
        return None
    if (
        address.is_unspecified
        or address.is_multicast
        or address == ipaddress.IPv4Address("255.255.255.255")
    ):
        return None
    return str(address)


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = "".join(char for char in value if char.isprintable()).strip()
    return cleaned[:_MAX_TEXT] or None


def _lower_text(value: str | None) -> str | None:
    text = _text(value)
    return text.lower() if text else None


class _NotifyProtocol(asyncio.DatagramProtocol):
    def __init__(self, on_discovery: Callable[[SsdpDiscovery], None]) -> None:
        self._on_discovery = on_discovery
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        discovery = parse_notify(data)
        if discovery is None:
            return
        try:
            self._on_discovery(discovery)
        except Exception:
            _LOGGER.exception("Error handling the SSDP announcement of %s", discovery.serial)

    def error_received(self, exc: Exception) -> None:
        _LOGGER.debug("SSDP socket error: %s", exc)


def _open_socket(bind_address: str, port: int) -> socket.socket:
    """A non-blocking UDP socket that shares the port with other listeners (and HA itself)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setblocking(False)
        sock.bind((bind_address, port))
    except OSError as err:
        sock.close()
        raise SsdpListenError(
            err.errno, f"cannot listen for printers on UDP {bind_address}:{port}: {err.strerror}"
        ) from err
    return sock


class SsdpListener:
    """Receives printer announcements until stopped; ``on_discovery`` runs in the event loop.

    Every announcement is passed on (printers repeat them every few seconds), so the
    callback also sees address changes. It must not block.
    """

    def __init__(
        self,
        on_discovery: Callable[[SsdpDiscovery], None],
        *,
        port: int = SSDP_PORT,
        bind_address: str = "0.0.0.0",
    ) -> None:
        """Nothing is opened until :meth:`async_start`."""
        if not 0 <= port < 65536:
            raise ValueError("port must be between 0 and 65535")
        self._on_discovery = on_discovery
        self._port = port
        self._bind_address = bind_address
        self._transport: asyncio.DatagramTransport | None = None
        self._protocol: _NotifyProtocol | None = None

    @property
    def port(self) -> int:
        """The bound UDP port (useful when 0 asked the system to pick one)."""
        if self._transport is None:
            return self._port
        return int(self._transport.get_extra_info("sockname")[1])

    async def async_start(self) -> None:
        """Open the socket. Raises :class:`SsdpListenError` when the port cannot be used."""
        if self._transport is not None:
            raise RuntimeError("listener already started")
        sock = _open_socket(self._bind_address, self._port)
        loop = asyncio.get_running_loop()
        self._transport, self._protocol = await loop.create_datagram_endpoint(
            lambda: _NotifyProtocol(self._on_discovery), sock=sock
        )

    async def async_stop(self) -> None:
        """Close the socket; safe to call more than once."""
        transport, self._transport = self._transport, None
        protocol, self._protocol = self._protocol, None
        if transport is not None and protocol is not None:
            transport.close()
            await protocol.closed

    async def __aenter__(self) -> Self:
        """Start listening."""
        await self.async_start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop listening."""
        await self.async_stop()


async def async_discover(
    duration: float,
    *,
    port: int = SSDP_PORT,
    bind_address: str = "0.0.0.0",
) -> tuple[SsdpDiscovery, ...]:
    """Listen for ``duration`` seconds; the distinct printers heard, latest announcement each.

    ``bind_address`` defaults to all interfaces: broadcasts do not reach a socket bound to
    one unicast address.

    Printers announce every 5-10 s, so 10 s or more finds every printer that is on.
    """
    if duration <= 0:
        raise ValueError("duration must be positive")
    found: dict[str, SsdpDiscovery] = {}

    def remember(discovery: SsdpDiscovery) -> None:
        found[discovery.serial.upper()] = discovery

    async with SsdpListener(remember, port=port, bind_address=bind_address):
        await asyncio.sleep(duration)
    return tuple(found.values())
