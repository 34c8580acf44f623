"""A hand-rolled MQTT 3.1.1 TLS server for byte-level situations a real broker won't produce.

amqtt writes every packet with its own TLS record. Printers are not obliged to, and several
packets sharing one record is exactly the case where decrypted bytes wait inside the TLS
layer, invisible to the selector. This server sends SUBACK and a few PUBLISH packets in a
single write to reproduce that.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import ssl
import struct

CONNACK_ACCEPTED = b"\x20\x02\x00\x00"
_CONNECT = 0x10
_SUBSCRIBE = 0x80


def _remaining_length(length: int) -> bytes:
    encoded = bytearray()
    while True:
        length, digit = divmod(length, 128)
        encoded.append(digit | (0x80 if length else 0))
        if not length:
            return bytes(encoded)


def publish_packet(topic: str, payload: bytes) -> bytes:
    """A QoS 0 PUBLISH."""
    body = struct.pack("!H", len(topic)) + topic.encode() + payload
    return b"\x30" + _remaining_length(len(body)) + body


async def read_packet(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Return (packet type nibble << 4, body)."""
    header = (await reader.readexactly(1))[0]
    length, multiplier = 0, 1
    while True:
        digit = (await reader.readexactly(1))[0]
        length += (digit & 0x7F) * multiplier
        multiplier *= 128
        if not digit & 0x80:
            break
    return header & 0xF0, await reader.readexactly(length)


@contextlib.asynccontextmanager
async def coalescing_server(
    context: ssl.SSLContext, reports: list[bytes], topic: str
) -> AsyncIterator[int]:
    """Serve one client: CONNACK, then SUBACK plus ``reports`` in a single TLS write."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            kind, _ = await read_packet(reader)
            assert kind == _CONNECT
            writer.write(CONNACK_ACCEPTED)
            kind, body = await read_packet(reader)
            assert kind == _SUBSCRIBE
            suback = b"\x90\x03" + body[:2] + b"\x00"
            writer.write(suback + b"".join(publish_packet(topic, r) for r in reports))
            await writer.drain()
            await reader.read()  # until the client goes away
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, ssl.SSLError):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
