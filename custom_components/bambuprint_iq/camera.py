"""The printer camera: MJPEG and stills from the shared port-6000 link (P1/A1), RTSPS otherwise.

P1/A1 printers accept only a few camera connections, so every still and every browser
watching goes through the one upstream the camera manager holds: it opens on demand and
closes when nobody has looked for a while, leaving the camera free for Bambu Studio.
X1/H2/P2S printers serve H.264 over RTSPS, which Home Assistant's stream component plays.
"""

from __future__ import annotations

import logging

from aiohttp import hdrs, web
from homeassistant.components.camera import Camera, CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .camera_manager import (
    MJPEG_MAX_FPS,
    STILL_MAX_AGE,
    STILL_TIMEOUT,
    CameraManager,
    async_get_camera_manager,
)
from .const import CONF_CAMERA_FPS, DEFAULT_CAMERA_FPS
from .coordinator import BambuConfigEntry, PrinterCoordinator
from .core.camera import MJPEG_CONTENT_TYPE, mjpeg_part
from .core.printer.capabilities import Capability
from .core.printer.errors import PrinterConnectionError
from .core.printer.models import CameraKind, spec_for
from .entity import BambuEntity, BambuEntityDescription

_LOGGER = logging.getLogger(__name__)

PARALLEL_UPDATES = 0  # nothing is polled; stills and streams are served on request

CAMERA = BambuEntityDescription(
    key="camera",
    translation_key="camera",
    requires=Capability.CAMERA,
    depends_on=frozenset({"camera"}),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BambuConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """One camera per printer whose model and connection method allow it."""
    manager = async_get_camera_manager(hass, entry)
    if manager is None:
        return
    coordinator = entry.runtime_data.coordinator
    camera_class = JpegStreamCamera if manager.kind is CameraKind.JPEG_STREAM else RtspsCamera
    async_add_entities([camera_class(coordinator, manager)])


class PrinterCamera(BambuEntity, Camera):
    """What both camera kinds share: availability from the manager, device, brand."""

    _attr_brand = "Bambu Lab"

    def __init__(self, coordinator: PrinterCoordinator, manager: CameraManager) -> None:
        """One per printer."""
        super().__init__(coordinator, CAMERA)
        Camera.__init__(self)
        self._manager = manager
        model = coordinator.model
        self._attr_model = spec_for(model).display_name if model is not None else None

    @property
    def available(self) -> bool:
        """Unavailable with the printer, after a refused access code, or with liveview off."""
        return super().available and self._manager.available

    async def async_added_to_hass(self) -> None:
        """Follow the manager's availability changes (access code refused, retried)."""
        await super().async_added_to_hass()
        self.async_on_remove(self._manager.async_add_listener(self.async_write_if_changed))

    def render(self) -> object:
        """The camera's state is idle or streaming; only availability changes matter here."""
        return self._manager.problem

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """A frame at most a couple of seconds old; None (never an error) when none comes.

        P1/A1 take it from the shared link, RTSPS printers from one ffmpeg run (so also
        None when ffmpeg is missing).
        """
        try:
            frame = await self._manager.get_frame(max_age=STILL_MAX_AGE, timeout=STILL_TIMEOUT)
        except PrinterConnectionError as err:
            _LOGGER.debug("No still from the camera of %s: %s", self.coordinator.serial, err)
            return None
        return frame.jpeg


class JpegStreamCamera(PrinterCamera):
    """P1/A1: stills and MJPEG from the shared port-6000 link."""

    _attr_frame_interval = 1.0 / MJPEG_MAX_FPS

    async def handle_async_mjpeg_stream(self, request: web.Request) -> web.StreamResponse | None:
        """Relay the shared link as MJPEG; None (a 502) if not even a first frame arrives."""
        response: web.StreamResponse | None = None
        try:
            max_fps = float(self._manager.entry.options.get(CONF_CAMERA_FPS, DEFAULT_CAMERA_FPS))
            async with self._manager.watch(max_fps) as frames:
                async for frame in frames:
                    if response is None:
                        response = web.StreamResponse(
                            headers={
                                hdrs.CONTENT_TYPE: MJPEG_CONTENT_TYPE,
                                hdrs.CACHE_CONTROL: "no-cache",
                            }
                        )
                        await response.prepare(request)
                    await response.write(mjpeg_part(frame.jpeg))
        except PrinterConnectionError as err:
            _LOGGER.debug("MJPEG stream of %s ended: %s", self.coordinator.serial, err)
        except ConnectionResetError:
            pass  # the viewer went away
        return response


class RtspsCamera(PrinterCamera):
    """X1/H2/P2S: Home Assistant's stream component plays RTSPS; stills through ffmpeg."""

    _attr_supported_features = CameraEntityFeature.STREAM

    @property
    def available(self) -> bool:
        """Also follows Home Assistant's stream worker, like any streaming camera."""
        stream = self.stream
        return super().available and (stream is None or stream.available)

    async def stream_source(self) -> str | None:
        """``rtsps://bblp:<code>@<host>:322/streaming/live/1``; None while liveview is off."""
        return self._manager.stream_source()
