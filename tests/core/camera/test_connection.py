"""One camera link against the real simulated printer camera and hostile loopback servers."""

from __future__ import annotations

from pathlib import Path
import socket

import pytest

from custom_components.bambuprint_iq.core.camera import (
    CameraAccessDenied,
    CameraConnection,
    CameraEndpoint,
    CameraProtocolError,
    CameraTimings,
)
from custom_components.bambuprint_iq.core.printer.errors import (
    CannotConnect,
    CertificateMismatch,
    ConnectionTimeout,
    InvalidAccessCode,
    SerialMismatch,
)
from custom_components.bambuprint_iq.core.printer.tls import PinnedCertificate
from simulator import CameraFault, PrinterInfo, SimulatorThread

from .conftest import FAST_TIMINGS, endpoint_for, open_jpeg
from .tls_servers import recording_tls_server, silent_tcp_server

pytestmark = pytest.mark.usefixtures("socket_enabled")


async def test_frames_are_valid_jpegs(printer: PrinterInfo) -> None:
    connection = await CameraConnection.open(endpoint_for(printer), FAST_TIMINGS)
    try:
        first = await connection.read_frame()
        second = await connection.read_frame()
    finally:
        await connection.close()
    assert connection.frames_read == 2
    assert first != second  # a live camera, not a repeated still
    for jpeg in (first, second):
        assert open_jpeg(jpeg).size == (1280, 720)


async def test_wrong_access_code_is_a_clear_error(
    sim: SimulatorThread, printer: PrinterInfo
) -> None:
    connection = await CameraConnection.open(
        endpoint_for(printer, access_code="00000000"), FAST_TIMINGS
    )
    try:
        with pytest.raises(CameraAccessDenied, match="access code") as info:
            await connection.read_frame()
    finally:
        await connection.close()
    assert isinstance(info.value, InvalidAccessCode)  # what the integration handles as reauth
    stats = sim.camera_stats(printer.serial)
    assert stats is not None
    assert (stats.rejected, stats.accepted) == (1, 0)


async def test_pin_mismatch_fails_before_the_access_code_is_sent(tmp_path: Path) -> None:
    serial = "01P00A000000001"
    async with recording_tls_server(tmp_path, serial) as server:
        endpoint = CameraEndpoint(
            host="127.0.0.1",
            port=server.port,
            access_code="SECRET42",
            tls=PinnedCertificate(fingerprint="ab" * 32, serial=serial),
        )
        with pytest.raises(CertificateMismatch) as info:
            await CameraConnection.open(endpoint, FAST_TIMINGS)
    assert info.value.fingerprint == server.fingerprint
    assert server.connections == 1
    assert server.received == [b""]  # the TLS handshake happened, then not a byte


async def test_serial_mismatch_fails_before_the_access_code_is_sent(tmp_path: Path) -> None:
    async with recording_tls_server(tmp_path, "01P00A000000002") as server:
        endpoint = CameraEndpoint(
            host="127.0.0.1",
            port=server.port,
            access_code="SECRET42",
            tls=PinnedCertificate(fingerprint=server.fingerprint, serial="01P00A999999999"),
        )
        with pytest.raises(SerialMismatch):
            await CameraConnection.open(endpoint, FAST_TIMINGS)
    assert server.received == [b""]


async def test_correct_pin_sends_exactly_the_auth_packet(tmp_path: Path) -> None:
    serial = "01P00A000000003"
    async with recording_tls_server(tmp_path, serial) as server:
        endpoint = CameraEndpoint(
            host="127.0.0.1",
            port=server.port,
            access_code="SECRET42",
            tls=PinnedCertificate(fingerprint=server.fingerprint, serial=serial),
        )
        connection = await CameraConnection.open(endpoint, FAST_TIMINGS)
        await connection.close()
    assert len(server.received[0]) == 80
    assert server.received[0][48:56] == b"SECRET42"


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_unreachable_camera(printer: PrinterInfo) -> None:
    endpoint = CameraEndpoint(
        host="127.0.0.1",
        port=_unused_port(),
        access_code=printer.access_code,
        tls=endpoint_for(printer).tls,
    )
    with pytest.raises(CannotConnect, match="cannot reach"):
        await CameraConnection.open(endpoint, FAST_TIMINGS)


async def test_device_that_never_answers_times_out(printer: PrinterInfo) -> None:
    async with silent_tcp_server() as port:
        endpoint = CameraEndpoint(
            host="127.0.0.1", port=port, access_code="12345678", tls=endpoint_for(printer).tls
        )
        timings = CameraTimings(connect_timeout=0.3)
        with pytest.raises(ConnectionTimeout):
            await CameraConnection.open(endpoint, timings)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (CameraFault.GARBAGE_HEADER, CameraProtocolError),
        (CameraFault.TRUNCATED_FRAME, CannotConnect),
    ],
)
async def test_broken_frames_are_typed_errors(
    sim: SimulatorThread, printer: PrinterInfo, fault: CameraFault, error: type[Exception]
) -> None:
    sim.inject_camera_fault(printer.serial, fault)
    connection = await CameraConnection.open(endpoint_for(printer), FAST_TIMINGS)
    try:
        with pytest.raises(error):
            await connection.read_frame()
    finally:
        await connection.close()
