"""Small loopback servers for failure cases the simulator cannot produce on purpose.

They use a printer-shaped certificate (CN = serial, no SAN) from the simulator's own
certificate code, and record every byte a client sends, so a test can prove that
nothing (in particular no access code) left the client.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from simulator.camera import server_ssl_context
from simulator.certs import CertificateStore


@dataclass
class RecordingServer:
    """Where a recording server listens and what it has received so far."""

    port: int
    fingerprint: str
    serial: str
    received: list[bytes] = field(default_factory=list)
    connections: int = 0


@contextlib.asynccontextmanager
async def recording_tls_server(cert_dir: Path, serial: str) -> AsyncIterator[RecordingServer]:
    """TLS server that reads until the client hangs up and keeps what it read."""
    leaf = await asyncio.to_thread(CertificateStore(cert_dir).leaf, serial)
    context = await asyncio.to_thread(server_ssl_context, leaf.certfile, leaf.keyfile)
    handlers: set[asyncio.Task[None]] = set()
    record = RecordingServer(port=0, fingerprint=leaf.fingerprint, serial=serial)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.add(task)
        record.connections += 1
        try:
            async with asyncio.timeout(5):
                record.received.append(await reader.read())
        except (OSError, TimeoutError):
            record.received.append(b"")
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    record.port = server.sockets[0].getsockname()[1]
    try:
        yield record
    finally:
        server.close()
        if handlers:
            await asyncio.wait(handlers)
        await server.wait_closed()


@contextlib.asynccontextmanager
async def silent_tcp_server() -> AsyncIterator[int]:
    """Accepts TCP connections and never answers (a hung device), until the test ends."""
    writers: list[asyncio.StreamWriter] = []

    async def handle(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()
