"""A frame source that draws its own JPEGs: real images for storage and encoding tests
that need frames but not a network (the network path is covered against the simulator)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
import io
import time

from PIL import Image, ImageDraw

from custom_components.bambuprint_iq.core.camera import CameraFrame, CameraUnavailable


def render_jpeg(number: int, size: tuple[int, int]) -> bytes:
    """A frame visibly different from its neighbours (a moving block on a shifting tint)."""
    width, height = size
    image = Image.new("RGB", size, ((number * 37) % 256, 40, 90))
    draw = ImageDraw.Draw(image)
    left = (number * 23) % max(1, width - 40)
    draw.rectangle((left, height // 3, left + 40, height // 3 + 40), fill=(255, 120, 20))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


class RenderedCamera:
    """Implements the ``FrameSource`` call; ``available = False`` simulates a dead camera."""

    def __init__(self, size: tuple[int, int] = (320, 180)) -> None:
        self.size = size
        self.available = True
        self.frames = 0

    async def get_frame(self, max_age: float = 5.0, timeout: float = 15.0) -> CameraFrame:
        """A new frame on every call."""
        if not self.available:
            raise CameraUnavailable("camera is off")
        self.frames += 1
        jpeg = await asyncio.to_thread(render_jpeg, self.frames, self.size)
        return CameraFrame(jpeg, self.frames, time.monotonic(), datetime.now(UTC))
