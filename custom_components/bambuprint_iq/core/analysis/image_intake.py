"""Safe decoding of untrusted photo bytes.

Everything here is pure and CPU-bound (no I/O, no event loop): call it from an executor.
The checks run in an order that never decodes pixel data before the size is known, so a
small file that claims enormous dimensions (a decompression bomb) is refused cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
import io
import math
from typing import Final

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import CorruptImage, ImageTooLarge, NotAnImage, UnsupportedImageFormat

SUPPORTED_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP"})
MAX_INPUT_BYTES: Final = 40 * 1024 * 1024
# JPEG is decoded at a reduced scale (libjpeg "draft" mode), so it can be larger than the
# formats that must be decoded in full. Both stay below Pillow's own bomb warning level.
MAX_JPEG_PIXELS: Final = 80_000_000
MAX_OTHER_PIXELS: Final = 50_000_000

_EXIF_ORIENTATION_TAG: Final = 0x0112
_ROTATED_ORIENTATIONS: Final = frozenset({5, 6, 7, 8})
_BACKGROUND_FOR_TRANSPARENCY: Final = (255, 255, 255)


@dataclass(frozen=True, slots=True, eq=False)
class DecodedPhoto:
    """An upright RGB image plus what we knew about the original file."""

    image: Image.Image
    source_format: str
    original_width: int
    original_height: int


def sniff_format(data: bytes) -> str | None:
    """Name the container format from magic bytes, or None when it is not a known image."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:2] == b"BM":
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIC"
        if brand in (b"avif", b"avis"):
            return "AVIF"
    return None


def decode_photo(data: bytes, *, target_long_edge: int | None = None) -> DecodedPhoto:
    """Decode, apply EXIF orientation and convert to RGB.

    ``target_long_edge`` lets JPEG decoding skip detail that a later resize would throw
    away anyway (the result is never smaller than that edge). Pure and CPU-bound.
    """
    if not data:
        raise NotAnImage("the photo is empty")
    if len(data) > MAX_INPUT_BYTES:
        raise ImageTooLarge(
            f"the photo is {len(data) / 1e6:.1f} MB; at most {MAX_INPUT_BYTES // 2**20} MiB"
        )
    kind = sniff_format(data)
    if kind is None:
        raise NotAnImage("the data is not a JPEG, PNG or WebP image")
    if kind not in SUPPORTED_FORMATS:
        raise UnsupportedImageFormat(kind)

    image = _open_header(data, kind)
    width, height = image.size
    limit = MAX_JPEG_PIXELS if kind == "JPEG" else MAX_OTHER_PIXELS
    if width * height > limit:
        raise ImageTooLarge(
            f"the photo claims {width}x{height} pixels; at most {limit / 1e6:.0f} megapixels"
        )
    orientation = _orientation(image)
    if kind == "JPEG" and target_long_edge is not None:
        scale = target_long_edge / max(width, height)
        if scale < 1:
            image.draft("RGB", (math.ceil(width * scale), math.ceil(height * scale)))
    try:
        image.load()
        upright = ImageOps.exif_transpose(image) if orientation not in (None, 1) else image
        rgb = _to_rgb(upright if upright is not None else image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise CorruptImage(f"the {kind} data could not be decoded ({err})") from None
    if orientation in _ROTATED_ORIENTATIONS:
        width, height = height, width
    return DecodedPhoto(rgb, kind, width, height)


def _open_header(data: bytes, kind: str) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=[kind])
    except Image.DecompressionBombError as err:
        raise ImageTooLarge(f"the photo is too large to decode safely ({err})") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise CorruptImage(f"the {kind} header could not be read ({err})") from None


def _orientation(image: Image.Image) -> int | None:
    try:
        value = image.getexif().get(_EXIF_ORIENTATION_TAG)
    except (OSError, SyntaxError, ValueError):
        return None  # a damaged EXIF block should not sink an otherwise good photo
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB copy; transparency lands on white, 16/32-bit grey is scaled rather than clipped."""
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        pixels = np.asarray(image, dtype=np.float32)
        peak = float(pixels.max()) or 1.0
        grey = np.clip(pixels * (255.0 / peak), 0, 255).astype(np.uint8)
        return Image.fromarray(grey, "L").convert("RGB")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, _BACKGROUND_FOR_TRANSPARENCY)
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")
