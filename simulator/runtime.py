"""Runs one simulated printer on an asyncio loop: broker, camera, clock and request handling.

`PrinterSim` decides what to say; this module is the plumbing that makes it heard. Reports
go through a single outbox task so they leave in exactly the order the simulation produced
them, whether they come from the periodic tick, a request reply or a test control call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import datetime
import json
import logging
import time
from typing import Any

from simulator.broker import LAN_USERNAME, BrokerBinding, CredentialSet, PrinterBroker
from simulator.camera import CameraServer, CameraStats, server_ssl_context
from simulator.certs import PrinterCertificate
from simulator.frames import FrameView
from simulator.models import CameraKind
from simulator.printer import PrinterSim
from simulator.rtsp import RtspServer, RtspStats
from simulator.state import PrinterSetup

_LOGGER = logging.getLogger(__name__)

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    """One message a client published on the request topic."""

    topic: str
    raw: bytes
    payload: JsonDict | None  # the parsed JSON object, None if it was not one
    client_id: str | None
    sequence: int  # arrival order on this printer, from 0


def _parse_object(raw: bytes) -> JsonDict | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


class PrinterRuntime:
    """Everything one printer runs, bound to the running event loop."""

    def __init__(
        self,
        setup: PrinterSetup,
        certificate: PrinterCertificate,
        mqtt_port: int,
        camera_port: int | None,
        clock: Callable[[], float] = time.time,
        rtsp_port: int | None = None,
    ) -> None:
        self.setup = setup
        self.certificate = certificate
        self.sim = PrinterSim(setup, clock)
        self.credentials = CredentialSet([(LAN_USERNAME, setup.access_code)])
        self.binding = BrokerBinding(setup.serial, self.credentials, self._on_request)
        self.broker = PrinterBroker(
            self.binding, setup.host, mqtt_port, certificate.certfile, certificate.keyfile
        )
        self.camera: CameraServer | None = None
        if setup.spec.camera is CameraKind.JPEG and camera_port is not None:
            self.camera = CameraServer(
                serial=setup.serial,
                access_code=setup.access_code,
                host=setup.host,
                port=camera_port,
                ssl_context=server_ssl_context(certificate.certfile, certificate.keyfile),
                frame_source=self._frame_view,
                size=setup.spec.frame_size,
                interval=min(2.0, 1.0 / setup.speed),
            )
        self.rtsp: RtspServer | None = None
        if setup.spec.camera is CameraKind.RTSP and rtsp_port is not None:
            self.rtsp = RtspServer(
                serial=setup.serial,
                access_code=setup.access_code,
                host=setup.host,
                port=rtsp_port,
                ssl_context=server_ssl_context(certificate.certfile, certificate.keyfile),
                frame_source=self._frame_view,
                size=setup.spec.frame_size,
                title=setup.spec.product_name,
            )
            self.sim.state.rtsp_port = rtsp_port
        self._inbox: asyncio.Queue[ReceivedRequest] = asyncio.Queue()
        self._outbox: asyncio.Queue[JsonDict] = asyncio.Queue()
        self._requests: list[ReceivedRequest] = []
        self._request_seen = asyncio.Condition()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def serial(self) -> str:
        """The printer's serial number."""
        return self.setup.serial

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        """Open the ports and start the clock."""
        await self.broker.start()
        if self.camera is not None:
            await self.camera.start()
        if self.rtsp is not None:
            await self.rtsp.start()
        self._tasks = [
            asyncio.create_task(self._tick_loop(), name=f"printer-tick-{self.serial}"),
            asyncio.create_task(self._request_loop(), name=f"printer-requests-{self.serial}"),
            asyncio.create_task(self._publish_loop(), name=f"printer-outbox-{self.serial}"),
        ]

    async def stop(self) -> None:
        """Stop every task and close every port."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self.camera is not None:
            await self.camera.stop()
        if self.rtsp is not None:
            await self.rtsp.stop()
        await self.broker.stop()

    # ------------------------------------------------------------------- loops
    def _on_request(self, topic: str, raw: bytes, client_id: str | None) -> None:
        request = ReceivedRequest(topic, raw, _parse_object(raw), client_id, len(self._requests))
        self._requests.append(request)
        self._inbox.put_nowait(request)

    async def _request_loop(self) -> None:
        while True:
            request = await self._inbox.get()
            try:
                replies = self.sim.handle_request(request.raw)
            except Exception:  # a simulator bug must not kill the printer
                _LOGGER.exception("request handling failed on %s", self.serial)
                replies = []
            for reply in replies:
                self._outbox.put_nowait(reply)
            async with self._request_seen:
                self._request_seen.notify_all()

    async def _tick_loop(self) -> None:
        loop = asyncio.get_running_loop()
        interval = self.setup.tick_seconds
        deadline = loop.time()
        while True:
            deadline = max(deadline + interval, loop.time())  # late ticks are not made up
            await asyncio.sleep(max(0.0, deadline - loop.time()))
            for report in self.sim.tick():
                self._outbox.put_nowait(report)

    async def _publish_loop(self) -> None:
        while True:
            payload = await self._outbox.get()
            data = json.dumps(payload, separators=(",", ":")).encode()
            try:
                await self.broker.publish(data)
            except Exception:  # a broker going down mid-publish only loses this report
                _LOGGER.debug("publish failed on %s", self.serial, exc_info=True)

    # ---------------------------------------------------------------- controls
    def publish_changes(self) -> None:
        """Push out whatever a control call changed, as the printer would on its next report."""
        report = self.sim.change_report() if self.sim.push_enabled else None
        if report is not None:
            self._outbox.put_nowait(report)

    def requests(self) -> tuple[ReceivedRequest, ...]:
        """Every request received so far, in arrival order."""
        return tuple(self._requests)

    async def wait_for_request(
        self, predicate: Callable[[ReceivedRequest], bool], within: float
    ) -> ReceivedRequest:
        """First handled request matching `predicate` (raises TimeoutError)."""

        def find() -> ReceivedRequest | None:
            return next((r for r in self._requests if predicate(r)), None)

        async with asyncio.timeout(within), self._request_seen:
            await self._request_seen.wait_for(lambda: find() is not None)
        found = find()
        assert found is not None
        return found

    def camera_stats(self) -> CameraStats | None:
        """Camera counters, or None for models without the JPEG camera."""
        return self.camera.stats if self.camera is not None else None

    def rtsp_stats(self) -> RtspStats | None:
        """RTSP camera counters, or None for models without the RTSPS camera."""
        return self.rtsp.stats if self.rtsp is not None else None

    def _frame_view(self, frame_number: int) -> FrameView:
        status = self.sim.snapshot()
        return FrameView(
            title=self.setup.spec.product_name,
            serial=self.serial,
            gcode_state=str(status.get("gcode_state", "")),
            layer=round(_number(status.get("layer_num"))),
            total_layers=round(_number(status.get("total_layer_num"))),
            percent=round(_number(status.get("mc_percent"))),
            remaining_minutes=round(_number(status.get("mc_remaining_time"))),
            nozzle_temp=_number(status.get("nozzle_temper")),
            bed_temp=_number(status.get("bed_temper")),
            clock=datetime.datetime.now().strftime("%H:%M:%S"),
            frame_number=frame_number,
            lit=_chamber_light_on(status),
        )


def _chamber_light_on(status: dict[str, object]) -> bool:
    """The camera sees a lit chamber only while the chamber light is on, as on a printer."""
    lights = status.get("lights_report")
    if not isinstance(lights, list):
        return False
    return any(
        isinstance(light, dict)
        and light.get("node") == "chamber_light"
        and light.get("mode") == "on"
        for light in lights
    )


def _number(value: object) -> float:
    """Overrides set by tests may carry any type; the overlay just shows 0 then."""
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
