"""Photos generated on the fly for the image tests: a striped "print" on a plain table.

The layer-line stripes give the object real edges, so sharpness and framing checks have
something to measure, and each variant changes exactly one property of the good photo.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageEnhance, ImageFilter


def print_photo(
    width: int = 1600,
    height: int = 1200,
    *,
    centre: tuple[float, float] = (0.5, 0.5),
    object_fraction: float = 0.4,
) -> Image.Image:
    """A light table with a soft gradient and an orange striped block where ``centre`` says.

    Drawn with Pillow primitives (fast even at 12 MP) plus mild sensor-like noise.
    """
    column = np.linspace(150, 190, height).astype(np.uint8)[:, None]
    grey = Image.fromarray(column, "L").resize((width, height), Image.Resampling.NEAREST)
    image = Image.merge(
        "RGB", (grey, grey.point(lambda v: v * 0.98), grey.point(lambda v: v * 0.95))
    )
    obj_w, obj_h = int(width * object_fraction), int(height * object_fraction)
    left = max(0, int(centre[0] * width - obj_w / 2))
    top = max(0, int(centre[1] * height - obj_h / 2))
    right, bottom = min(width, left + obj_w), min(height, top + obj_h)
    draw = ImageDraw.Draw(image)
    for row in range(top, bottom, 4):
        shade = 1.0 if (row - top) // 4 % 2 == 0 else 0.82
        colour = (round(230 * shade), round(120 * shade), round(30 * shade))
        draw.rectangle((left, row, right - 1, min(row + 3, bottom - 1)), fill=colour)
    return ImageChops.add(image, _noise(width, height), scale=1.0, offset=-128)


def _noise(width: int, height: int) -> Image.Image:
    """Grey noise around 128, tiled from a small patch so 12 MP frames stay cheap."""
    tile = Image.effect_noise((257, 263), 2.0)
    noise = Image.new("L", (width, height))
    for top in range(0, height, tile.height):
        for left in range(0, width, tile.width):
            noise.paste(tile, (left, top))
    return noise.convert("RGB")


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    """Encode with Pillow; JPEG defaults to quality 90."""
    buffer = io.BytesIO()
    if fmt == "JPEG":
        params.setdefault("quality", 90)
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def darkened(image: Image.Image) -> Image.Image:
    """As if the chamber light were off."""
    return ImageEnhance.Brightness(image).enhance(0.12)


def blown_out(image: Image.Image) -> Image.Image:
    """Heavy overexposure: most of the frame clips to white."""
    return ImageEnhance.Brightness(image).enhance(3.0)


def blurred(image: Image.Image, radius: float = 10.0) -> Image.Image:
    """Out of focus or shaken."""
    return image.filter(ImageFilter.GaussianBlur(radius))
