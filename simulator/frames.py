"""Renders the JPEG frames of the simulated chamber camera.

Each frame shows what a viewer needs to see that the stream is live and tied to the
printer state: model and serial, gcode state, layer, a progress bar, a growing "part" on
the bed, temperatures and a clock. With the chamber light off the chamber is dark, as a
real camera sees it (too dark for photo analysis); with it on, the walls and the textured
plate are lit. Rendering is CPU work (tens of milliseconds), so the camera server runs it
in a worker thread.
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
_LIT_BED = (92, 96, 104)
_HEAD = (20, 20, 22)


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
    lit: bool = False


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=4)
def _lit_chamber_png(size: tuple[int, int]) -> bytes:
    """Walls lit from above (brighter at the top) and a plate with its texture grid."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = round(168 - 70 * y / height)
        draw.line((0, y, width, y), fill=(shade, shade, shade + 6))
    plate_top, step = round(height * 0.62), max(8, width // 64)
    for x in range(0, width, step):
        draw.line((x, plate_top, x, height), fill=(70, 72, 78), width=2)
    for y in range(plate_top, height, step):
        draw.line((0, y, width, y), fill=(70, 72, 78), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _lit_chamber(size: tuple[int, int]) -> Image.Image:
    """A fresh copy of the cached lit background (drawing it each frame would cost more)."""
    return Image.open(io.BytesIO(_lit_chamber_png(size))).convert("RGB")


def render_jpeg(view: FrameView, size: tuple[int, int], quality: int = 70) -> bytes:
    """Draw `view` and return baseline JPEG bytes (JFIF, starts FF D8 FF E0, ends FF D9)."""
    width, height = size
    image = _lit_chamber(size) if view.lit else Image.new("RGB", size, _BACKGROUND)
    draw = ImageDraw.Draw(image)
    scale = height / 720
    big, small = _font(round(40 * scale)), _font(round(28 * scale))

    bed_top = round(height * 0.72)
    draw.rectangle(
        (round(width * 0.2), bed_top, round(width * 0.8), bed_top + round(24 * scale)),
        fill=_LIT_BED if view.lit else _BED,
    )
    part_height = round((bed_top - height * 0.3) * view.percent / 100)
    if part_height > 0:
        draw.rectangle(
            (round(width * 0.42), bed_top - part_height, round(width * 0.58), bed_top), fill=_PART
        )
    # The toolhead darts across the bed, as it does while printing, so consecutive frames
    # differ clearly (a hung camera is the one that repeats its picture).
    head_w, head_h = round(width * 0.05), round(height * 0.08)
    head_x = round(width * 0.2 + (view.frame_number * 7 % 20) / 19 * width * 0.6)
    head_y = bed_top - part_height - round(40 * scale)
    draw.rectangle((head_x - head_w, head_y - head_h, head_x + head_w, head_y), fill=_HEAD)

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
