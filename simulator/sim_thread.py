"""Thread-hosted fleet: the simulator on its own event loop, driven from any thread.

Home Assistant tests run the integration on the test's event loop and check that every
thread and socket is gone afterwards. Running the printers on a separate loop in a
background thread keeps the two worlds apart (a blocking client in the test cannot stall
the printers, and vice versa), and `close()` / leaving the `with` block stops every task,
shuts the executor down and joins the thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
import logging
from pathlib import Path
import threading
import time
from types import TracebackType
from typing import Any, Self

from simulator.camera import CameraFault, CameraStats
from simulator.config import PrinterInfo, SimulatedPrinter
from simulator.fleet import SimulatorFleet, quiet_connection_errors
from simulator.job import JobSpec
from simulator.rtsp import RtspStats
from simulator.runtime import ReceivedRequest

_LOGGER = logging.getLogger(__name__)

JsonDict = dict[str, Any]
_CALL_TIMEOUT = 30.0


class SimulatorThread:
    """`with SimulatorThread([SimulatedPrinter("P1S")]) as sim:` - printers run until exit."""

    def __init__(
        self,
        printers: Sequence[SimulatedPrinter],
        *,
        cert_dir: Path | None = None,
        clock: Callable[[], float] = time.time,
        start_timeout: float = 20.0,
    ) -> None:
        self._fleet = SimulatorFleet(printers, cert_dir=cert_dir, clock=clock)
        self._start_timeout = start_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle
    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start the thread and open every printer's ports (blocks until ready)."""
        if self._thread is not None:
            raise RuntimeError("already started")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._run, args=(loop, ready), name="printer-simulator", daemon=True
        )
        self._thread.start()
        ready.wait(self._start_timeout)
        try:
            self._call(self._fleet.start(), self._start_timeout)
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.set_exception_handler(quiet_connection_errors)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def close(self) -> None:
        """Stop every printer, the loop and the thread; safe to call twice."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        try:
            if thread.is_alive():
                self._call(self._fleet.stop(), _CALL_TIMEOUT)
        finally:
            if thread.is_alive():
                loop.call_soon_threadsafe(loop.stop)
            thread.join(_CALL_TIMEOUT)
            self._thread = None
            self._loop = None

    # ------------------------------------------------------------------ helpers
    def _call[R](self, coro: Coroutine[Any, Any, R], timeout: float = _CALL_TIMEOUT) -> R:
        if self._loop is None:
            coro.close()
            raise RuntimeError("simulator is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def _on_loop[**P, R](self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        async def run() -> R:
            return fn(*args, **kwargs)

        return self._call(run())

    # -------------------------------------------------------------------- facts
    @property
    def printers(self) -> tuple[PrinterInfo, ...]:
        """Connection facts of every printer (serial, access code, ports, fingerprint...)."""
        return self._fleet.printers

    def info(self, serial: str) -> PrinterInfo:
        """Connection facts of one printer."""
        return self._fleet.info(serial)

    @property
    def ca_certfile(self) -> Path | None:
        """CA certificate that issued every leaf."""
        return self._fleet.ca_certfile

    # ----------------------------------------------------------------- controls
    def start_print(self, serial: str, job: JobSpec | None = None) -> bool:
        """Start a job now (False if busy)."""
        return self._on_loop(self._fleet.start_print, serial, job)

    def set_value(self, serial: str, key: str, value: Any) -> None:
        """Pin a top-level `print` field in every report."""
        self._on_loop(self._fleet.set_value, serial, key, value)

    def patch_status(self, serial: str, fragment: JsonDict) -> None:
        """Deep-merge a fragment over every report."""
        self._on_loop(self._fleet.patch_status, serial, fragment)

    def clear_overrides(self, serial: str) -> None:
        """Undo set_value/patch_status."""
        self._on_loop(self._fleet.clear_overrides, serial)

    def set_secured(self, serial: str, secured: bool) -> None:
        """Toggle signed-command enforcement."""
        self._on_loop(self._fleet.set_secured, serial, secured)

    def set_door_open(self, serial: str, is_open: bool) -> None:
        """Open or close the door."""
        self._on_loop(self._fleet.set_door_open, serial, is_open)

    def set_light(self, serial: str, node: str, mode: str) -> None:
        """Switch a light ("on"/"off") from the printer's side."""
        self._on_loop(self._fleet.set_light, serial, node, mode)

    def freeze_camera(self, serial: str, frozen: bool) -> None:
        """Make the JPEG camera resend its last picture, or recover."""
        self._on_loop(self._fleet.freeze_camera, serial, frozen)

    def inject_hms(self, serial: str, attr: int, code: int) -> None:
        """Raise an HMS entry until clear_hms()."""
        self._on_loop(self._fleet.inject_hms, serial, attr, code)

    def clear_hms(self, serial: str) -> None:
        """Remove every HMS entry."""
        self._on_loop(self._fleet.clear_hms, serial)

    def add_credentials(self, serial: str, username: str, password: str) -> None:
        """Accept another MQTT login (e.g. cloud-style `u_<uid>` + token)."""
        self._on_loop(self._fleet.add_credentials, serial, username, password)

    def revoke_credentials(self, serial: str, username: str, password: str) -> bool:
        """Refuse that login from now on and disconnect its clients (False if unknown)."""
        return self._call(self._fleet.revoke_credentials(serial, username, password))

    def snapshot(self, serial: str) -> JsonDict:
        """The full status the printer would report now."""
        return self._on_loop(self._fleet.snapshot, serial)

    def requests(self, serial: str) -> tuple[ReceivedRequest, ...]:
        """Every request received so far."""
        return self._on_loop(self._fleet.requests, serial)

    def wait_for_request(
        self,
        serial: str,
        predicate: Callable[[ReceivedRequest], bool] | None = None,
        *,
        command: str | None = None,
        timeout: float = 5.0,
    ) -> ReceivedRequest:
        """Block until a matching request arrived (raises TimeoutError)."""
        coro = self._fleet.wait_for_request(serial, predicate, command=command, within=timeout)
        return self._call(coro, timeout + 5.0)

    def camera_stats(self, serial: str) -> CameraStats | None:
        """Camera connection counters."""
        return self._on_loop(self._fleet.camera_stats, serial)

    def rtsp_stats(self, serial: str) -> RtspStats | None:
        """RTSP camera counters (None for JPEG-camera models)."""
        return self._on_loop(self._fleet.rtsp_stats, serial)

    def inject_camera_fault(self, serial: str, fault: CameraFault) -> None:
        """Break the next camera frame once."""
        self._on_loop(self._fleet.inject_camera_fault, serial, fault)

    def stop_broker(self, serial: str) -> None:
        """Take the MQTT broker down."""
        self._call(self._fleet.stop_broker(serial))

    def start_broker(self, serial: str) -> None:
        """Bring the MQTT broker back on the same port."""
        self._call(self._fleet.start_broker(serial))
