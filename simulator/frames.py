"""Renders the JPEG frames of the simulated chamber camera.

Each frame shows what a viewer needs to see that the stream is live and tied to the
printer state: model and serial, gcode state, layer, a progress bar, a growing "part" on
the bed, temperatures and a clock. Rendering is CPU work (tens of milliseconds), so the
camera server runs it in a worker thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
import io

from PIL import Image, ImageDraw, ImageFont

_BACKGROUND = (24, 26, 31)
_BED = (60, 64, 72)
_PART = (255, 106, 19)
_TEXT = (235, 235, 235)
_ACCENT = (0, 174, 66)


@dataclass(frozen=True, slots=True)
class FrameView:
    """The printer facts drawn on one frame."""

    title: str
    serial: str
    gcode_state: str
    layer: int
    total_layers: int
    percent: int
    remaining_minutes: int
    nozzle_temp: float
    bed_temp: float
    clock: str
    frame_number: int


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def render_jpeg(view: FrameView, size: tuple[int, int], quality: int = 70) -> bytes:
    """Draw `view` and return baseline JPEG bytes (JFIF, starts FF D8 FF E0, ends FF D9)."""
    width, height = size
    image = Image.new("RGB", size, _BACKGROUND)
    draw = ImageDraw.Draw(image)
    scale = height / 720
    big, small = _font(round(40 * scale)), _font(round(28 * scale))

    bed_top = round(height * 0.72)
    draw.rectangle(
        (round(width * 0.2), bed_top, round(width * 0.8), bed_top + round(24 * scale)), fill=_BED
    )
    part_height = round((bed_top - height * 0.3) * view.percent / 100)
    if part_height > 0:
        draw.rectangle(
            (round(width * 0.42), bed_top - part_height, round(width * 0.58), bed_top), fill=_PART
        )
    # A sweeping toolhead makes consecutive frames visibly different even when idle.
    head_x = round(width * 0.2 + (view.frame_number % 20) / 19 * width * 0.6)
    head_y = bed_top - part_height - round(40 * scale)
    draw.rectangle((head_x - 20, head_y - 30, head_x + 20, head_y), fill=_TEXT)

    margin = round(24 * scale)
    draw.text((margin, margin), f"{view.title}  {view.serial}", font=big, fill=_TEXT)
    status = f"{view.gcode_state}  layer {view.layer}/{view.total_layers}  {view.percent}%"
    draw.text((margin, margin + round(56 * scale)), status, font=small, fill=_TEXT)
    temps = (
        f"nozzle {view.nozzle_temp:.1f} C  bed {view.bed_temp:.1f} C  "
        f"{view.remaining_minutes} min left"
    )
    draw.text((margin, margin + round(96 * scale)), temps, font=small, fill=_TEXT)
    draw.text((width - round(260 * scale), margin), view.clock, font=big, fill=_TEXT)

    bar_top = height - round(60 * scale)
    draw.rectangle(
        (margin, bar_top, width - margin, bar_top + round(24 * scale)), outline=_TEXT, width=2
    )
    filled = round((width - 2 * margin) * view.percent / 100)
    if filled > 0:
        draw.rectangle(
            (margin, bar_top, margin + filled, bar_top + round(24 * scale)), fill=_ACCENT
        )

    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
