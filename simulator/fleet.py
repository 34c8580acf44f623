"""Async API: run a fleet of simulated printers inside the current event loop.

Use it directly from asyncio code (`async with SimulatorFleet([...]) as fleet:`), or through
`SimulatorThread`, which runs the same fleet on a private loop in a background thread.
Control methods are synchronous because they only touch in-memory state on the loop
thread; anything that opens or closes sockets is a coroutine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import errno
import logging
from pathlib import Path
import ssl
import tempfile
import time
from types import TracebackType
from typing import Any, Self

from simulator.camera import CameraFault, CameraStats
from simulator.certs import CertificateStore, PrinterCertificate
from simulator.config import PrinterInfo, SimulatedPrinter, free_port, resolve_setups
from simulator.job import JobSpec
from simulator.models import CameraKind
from simulator.payload_ops import merge_status
from simulator.rtsp import RtspStats
from simulator.runtime import PrinterRuntime, ReceivedRequest
from simulator.state import PrinterSetup

_LOGGER = logging.getLogger(__name__)

JsonDict = dict[str, Any]
_BIND_ATTEMPTS = 5


class SimulatorFleet:
    """N printers, each with its own broker (and camera), on the running loop."""

    def __init__(
        self,
        printers: Sequence[SimulatedPrinter],
        *,
        cert_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not printers:
            raise ValueError("a fleet needs at least one printer")
        self._configs = tuple(printers)
        self._setups = resolve_setups(printers)
        self._cert_dir = cert_dir
        self._clock = clock
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self._store: CertificateStore | None = None
        self._runtimes: dict[str, PrinterRuntime] = {}
        self._infos: dict[str, PrinterInfo] = {}

    # ---------------------------------------------------------------- lifecycle
    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Issue certificates, then open every printer's ports."""
        certificates = await asyncio.to_thread(self._issue_certificates)
        try:
            for config, setup in zip(self._configs, self._setups, strict=True):
                await self._start_printer(config, setup, certificates[setup.serial])
        except BaseException:
            await self.stop()
            raise

    def _issue_certificates(self) -> dict[str, PrinterCertificate]:
        directory = self._cert_dir
        if directory is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="printer-sim-certs-")
            directory = Path(self._tempdir.name)
        self._store = CertificateStore(directory)
        return {setup.serial: self._store.leaf(setup.serial) for setup in self._setups}

    async def _start_printer(
        self, config: SimulatedPrinter, setup: PrinterSetup, certificate: PrinterCertificate
    ) -> None:
        has_camera = setup.spec.camera is CameraKind.JPEG
        has_rtsp = setup.spec.camera is CameraKind.RTSP
        for attempt in range(_BIND_ATTEMPTS):
            mqtt_port = config.mqtt_port or free_port(setup.host)
            camera_port = (config.camera_port or free_port(setup.host)) if has_camera else None
            rtsp_port = (config.rtsp_port or free_port(setup.host)) if has_rtsp else None
            runtime = PrinterRuntime(
                setup, certificate, mqtt_port, camera_port, self._clock, rtsp_port=rtsp_port
            )
            try:
                await runtime.start()
            except Exception as err:
                await runtime.stop()
                picked = (
                    not config.mqtt_port
                    or (has_camera and not config.camera_port)
                    or (has_rtsp and not config.rtsp_port)
                )
                if picked and _is_address_in_use(err) and attempt + 1 < _BIND_ATTEMPTS:
                    continue
                raise
            break
        self._runtimes[setup.serial] = runtime
        self._infos[setup.serial] = PrinterInfo(
            model=setup.spec.key,
            product_name=setup.spec.product_name,
            serial=setup.serial,
            access_code=setup.access_code,
            host=setup.host,
            mqtt_port=mqtt_port,
            camera_port=camera_port,
            fingerprint=certificate.fingerprint,
            secured=setup.secured,
            rtsp_port=rtsp_port,
        )
        _LOGGER.info(
            "simulated %s %s on %s mqtt=%s camera=%s rtsp=%s",
            setup.spec.key,
            setup.serial,
            setup.host,
            mqtt_port,
            camera_port,
            rtsp_port,
        )

    async def stop(self) -> None:
        """Close everything; safe to call more than once."""
        runtimes = list(self._runtimes.values())
        self._runtimes.clear()
        await asyncio.gather(*(runtime.stop() for runtime in runtimes), return_exceptions=True)
        tempdir, self._tempdir = self._tempdir, None
        if tempdir is not None:
            await asyncio.to_thread(tempdir.cleanup)

    # ------------------------------------------------------------------- lookup
    @property
    def printers(self) -> tuple[PrinterInfo, ...]:
        """Connection facts of every running printer, in configuration order."""
        return tuple(
            self._infos[setup.serial] for setup in self._setups if setup.serial in self._infos
        )

    def info(self, serial: str) -> PrinterInfo:
        """Connection facts of one printer."""
        return self._infos[serial]

    def runtime(self, serial: str) -> PrinterRuntime:
        """The running printer (raises KeyError for unknown serials)."""
        return self._runtimes[serial]

    @property
    def ca_certfile(self) -> Path | None:
        """The CA every leaf is issued by, for clients that want a strict chain check."""
        return self._store.ca_certfile if self._store is not None else None

    # ----------------------------------------------------------------- controls
    def start_print(self, serial: str, job: JobSpec | None = None) -> bool:
        """Start a job now (False if the printer is busy)."""
        runtime = self.runtime(serial)
        started = runtime.sim.start_print(job or JobSpec(name="Simulated_Job"))
        runtime.publish_changes()
        return started

    def set_value(self, serial: str, key: str, value: Any) -> None:
        """Pin a top-level `print` field to `value` in every report until cleared."""
        self.patch_status(serial, {key: value})

    def patch_status(self, serial: str, fragment: JsonDict) -> None:
        """Deep-merge `fragment` (lists of objects matched by `id`) over every report."""
        runtime = self.runtime(serial)
        state = runtime.sim.state
        state.overrides = merge_status(state.overrides, fragment)
        runtime.publish_changes()

    def clear_overrides(self, serial: str) -> None:
        """Drop everything set with set_value/patch_status."""
        runtime = self.runtime(serial)
        runtime.sim.state.overrides.clear()
        runtime.publish_changes()

    def set_secured(self, serial: str, secured: bool) -> None:
        """Toggle signed-command enforcement (and `fun` bit 29)."""
        runtime = self.runtime(serial)
        runtime.sim.state.secured = secured
        runtime.publish_changes()

    def set_door_open(self, serial: str, is_open: bool) -> None:
        """Open or close the door (reported on models with a door sensor)."""
        runtime = self.runtime(serial)
        runtime.sim.state.door_open = is_open
        runtime.publish_changes()

    def set_light(self, serial: str, node: str, mode: str) -> None:
        """Switch a light as someone at the printer would (also what its camera sees)."""
        runtime = self.runtime(serial)
        if node not in runtime.sim.state.lights:
            raise ValueError(f"{serial} has no light {node!r}")
        runtime.sim.state.lights[node] = mode
        runtime.publish_changes()

    def freeze_camera(self, serial: str, frozen: bool) -> None:
        """Make the JPEG camera resend its last picture (a hung camera), or recover."""
        camera = self.runtime(serial).camera
        if camera is None:
            raise ValueError(f"{serial} has no JPEG camera")
        camera.set_frozen(frozen)

    def inject_hms(self, serial: str, attr: int, code: int) -> None:
        """Raise an HMS entry that stays until clear_hms()."""
        runtime = self.runtime(serial)
        runtime.sim.inject_hms(attr, code)
        runtime.publish_changes()

    def clear_hms(self, serial: str) -> None:
        """Remove every HMS entry."""
        runtime = self.runtime(serial)
        runtime.sim.clear_hms()
        runtime.publish_changes()

    def add_credentials(self, serial: str, username: str, password: str) -> None:
        """Accept another MQTT login, e.g. cloud-style `u_<uid>` + token."""
        self.runtime(serial).credentials.add(username, password)

    async def revoke_credentials(self, serial: str, username: str, password: str) -> bool:
        """Refuse a login from now on and cut off clients using it (a revoked cloud token)."""
        runtime = self.runtime(serial)
        removed = runtime.credentials.remove(username, password)
        if removed:
            await runtime.broker.disconnect_user(username)
        return removed

    def snapshot(self, serial: str) -> JsonDict:
        """The full status the printer would report right now."""
        return self.runtime(serial).sim.snapshot()

    def requests(self, serial: str) -> tuple[ReceivedRequest, ...]:
        """Every request the printer received, in order."""
        return self.runtime(serial).requests()

    async def wait_for_request(
        self,
        serial: str,
        predicate: Callable[[ReceivedRequest], bool] | None = None,
        *,
        command: str | None = None,
        within: float = 5.0,
    ) -> ReceivedRequest:
        """First request matching `predicate` and/or whose section command is `command`."""

        def matches(request: ReceivedRequest) -> bool:
            if command is not None and command not in _commands_of(request):
                return False
            return predicate is None or predicate(request)

        return await self.runtime(serial).wait_for_request(matches, within)

    def camera_stats(self, serial: str) -> CameraStats | None:
        """Camera connection counters (None for RTSP models)."""
        return self.runtime(serial).camera_stats()

    def rtsp_stats(self, serial: str) -> RtspStats | None:
        """RTSP camera counters (None for JPEG-camera models)."""
        return self.runtime(serial).rtsp_stats()

    def inject_camera_fault(self, serial: str, fault: CameraFault) -> None:
        """Break the next camera frame of this printer once."""
        camera = self.runtime(serial).camera
        if camera is None:
            raise ValueError(f"{serial} has no JPEG camera")
        camera.inject_fault(fault)

    async def stop_broker(self, serial: str) -> None:
        """Take the MQTT broker down (clients get disconnected); the printer keeps running."""
        await self.runtime(serial).broker.stop()

    async def start_broker(self, serial: str) -> None:
        """Bring the broker back on the same host, port and certificate."""
        broker = self.runtime(serial).broker
        for attempt in range(_BIND_ATTEMPTS):
            try:
                await broker.start()
                return
            except Exception as err:
                if not _is_address_in_use(err) or attempt + 1 == _BIND_ATTEMPTS:
                    raise
                await asyncio.sleep(0.2)


def quiet_connection_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Loop exception handler: clients hanging up mid-handshake are routine for a test server."""
    if isinstance(context.get("exception"), ConnectionError | ssl.SSLError):
        _LOGGER.debug("connection dropped: %s", context.get("message"))
        return
    loop.default_exception_handler(context)


def _commands_of(request: ReceivedRequest) -> set[str]:
    payload = request.payload or {}
    return {
        body["command"]
        for body in payload.values()
        if isinstance(body, dict) and isinstance(body.get("command"), str)
    }


def _is_address_in_use(err: BaseException) -> bool:
    current: BaseException | None = err
    while current is not None:
        if isinstance(current, OSError) and current.errno == errno.EADDRINUSE:
            return True
        current = current.__cause__ or current.__context__
    return False
