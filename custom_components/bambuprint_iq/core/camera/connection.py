"""One authenticated port-6000 camera link: TLS, pin check, auth packet, frame reads.

The pin is checked right after the TLS handshake and before the auth packet is written,
so a device presenting the wrong certificate never sees the access code. asyncio's TLS
transport does not use ``ssl.SSLSocket``, so the check is done here explicitly with the
same :func:`check_peer_certificate` the MQTT link uses.
"""

from __future__ import annotations

import asyncio
import contextlib

from ..printer.errors import CannotConnect, ConnectionTimeout
from ..printer.tls import async_ssl_context, check_peer_certificate, translate_connect_error
from .errors import CameraAccessDenied
from .protocol import FRAME_HEADER_SIZE, build_auth_packet, parse_frame_length, validate_jpeg
from .settings import CameraEndpoint, CameraTimings

_CLOSE_TIMEOUT = 2.0


class CameraConnection:
    """A single stream of JPEG frames. Not reusable: after an error or close, open a new one."""

    def __init__(
        self,
        endpoint: CameraEndpoint,
        timings: CameraTimings,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        """Use :meth:`open`; this only wraps an already authenticated stream."""
        self._endpoint = endpoint
        self._timings = timings
        self._reader = reader
        self._writer = writer
        self._frames_read = 0

    @classmethod
    async def open(cls, endpoint: CameraEndpoint, timings: CameraTimings) -> CameraConnection:
        """Connect, verify the certificate policy, then send the auth packet.

        Raises :class:`ConnectionTimeout`, :class:`CannotConnect`, :class:`NotAPrinter`,
        :class:`CertificateMismatch` or :class:`SerialMismatch`. A wrong access code is
        only visible once the printer hangs up, so :meth:`read_frame` reports it.
        """
        context = await async_ssl_context(endpoint.tls)
        timeout = timings.connect_timeout
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    endpoint.host,
                    endpoint.port,
                    ssl=context,
                    server_hostname=endpoint.server_hostname,
                    ssl_handshake_timeout=timeout,
                )
        except TimeoutError as err:
            raise ConnectionTimeout(
                f"camera {endpoint.label} did not complete TLS within {timeout} s"
            ) from err
        except OSError as err:
            raise translate_connect_error(err, endpoint.host, endpoint.port) from err

        connection = cls(endpoint, timings, reader, writer)
        try:
            ssl_object = writer.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
            check_peer_certificate(endpoint.tls, der)
            writer.write(build_auth_packet(endpoint.access_code, endpoint.username))
            async with asyncio.timeout(timeout):
                await writer.drain()
        except BaseException as err:
            await connection.close()
            if isinstance(err, TimeoutError):
                raise ConnectionTimeout(f"camera {endpoint.label} did not take the auth") from err
            if isinstance(err, OSError):
                raise CannotConnect(f"camera {endpoint.label} dropped the link at auth") from err
            raise
        return connection

    @property
    def frames_read(self) -> int:
        """Valid frames read so far on this link."""
        return self._frames_read

    async def read_frame(self) -> bytes:
        """Next validated JPEG.

        Raises :class:`CameraAccessDenied` if the printer hangs up before the first byte
        (its answer to a wrong access code), :class:`CameraProtocolError` for a bad header
        or JPEG, :class:`ConnectionTimeout` after ``frame_timeout`` of silence and
        :class:`CannotConnect` when the link drops.
        """
        label = self._endpoint.label
        try:
            async with asyncio.timeout(self._timings.frame_timeout):
                header = await self._reader.readexactly(FRAME_HEADER_SIZE)
                length = parse_frame_length(header)
                payload = await self._reader.readexactly(length)
        except TimeoutError as err:
            raise ConnectionTimeout(
                f"camera {label} sent no frame within {self._timings.frame_timeout} s"
            ) from err
        except asyncio.IncompleteReadError as err:
            if self._frames_read == 0 and not err.partial:
                raise CameraAccessDenied(
                    f"camera {label} closed the stream right after the access code was sent "
                    "(wrong access code, or no free camera connection on the printer)"
                ) from err
            raise CannotConnect(
                f"camera {label} closed the stream mid-frame ({len(err.partial)} bytes read)"
            ) from err
        except OSError as err:  # includes ssl.SSLError
            raise CannotConnect(f"camera {label} link failed: {err}") from err
        validate_jpeg(payload)
        self._frames_read += 1
        return payload

    async def close(self) -> None:
        """Close the link; a peer that never answers close_notify cannot hold us up."""
        writer = self._writer
        if writer.is_closing():
            return
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            async with asyncio.timeout(_CLOSE_TIMEOUT):
                await writer.wait_closed()
