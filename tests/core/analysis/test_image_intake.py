"""Image intake: accepted formats, EXIF orientation and every way bytes can be unusable."""

from __future__ import annotations

import io
import struct
import time
import zlib

import numpy as np
from PIL import Image
import pytest

from custom_components.bambuprint_iq.core.analysis import (
    CorruptImage,
    ImageTooLarge,
    NotAnImage,
    UnsupportedImageFormat,
)
from custom_components.bambuprint_iq.core.analysis.image_intake import (
    MAX_INPUT_BYTES,
    decode_photo,
    sniff_format,
)
from tests.core.analysis.synthetic_images import encode, print_photo

_EXIF_ORIENTATION = 0x0112


def rgb_at(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """Pixel as a tuple (Pillow types getpixel loosely)."""
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple)
    return pixel


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose header claims the given size (a decompression bomb)."""
    small = encode(Image.new("L", (8, 8), 0), "PNG")
    ihdr_data = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    chunk = b"IHDR" + ihdr_data
    ihdr = struct.pack(">I", len(ihdr_data)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return small[:8] + ihdr + small[8 + 25 :]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_supported_formats_decode_to_rgb(fmt: str) -> None:
    photo = decode_photo(encode(print_photo(640, 480), fmt))
    assert photo.source_format == fmt
    assert photo.image.mode == "RGB"
    assert (photo.original_width, photo.original_height) == (640, 480)


def test_transparent_png_lands_on_white() -> None:
    rgba = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    rgba.paste((200, 0, 0, 255), (100, 100, 300, 300))
    photo = decode_photo(encode(rgba, "PNG"))
    assert rgb_at(photo.image, (10, 10)) == (255, 255, 255)
    assert rgb_at(photo.image, (200, 200)) == (200, 0, 0)


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    ramp = np.tile(np.linspace(0, 4000, 400, dtype=np.uint16), (400, 1))
    photo = decode_photo(encode(Image.fromarray(ramp, "I;16"), "PNG"))
    grey = np.asarray(photo.image.convert("L"), dtype=np.float32)
    assert grey[:, -1].mean() > 240  # brightest column maps to white
    assert 100 < grey[:, 200].mean() < 160  # mid-grey stays mid-grey


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (400, 200), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 40, 40))  # red marker in the stored top-left corner
    exif = Image.Exif()
    exif[_EXIF_ORIENTATION] = 6  # camera held rotated: display 90 degrees clockwise
    photo = decode_photo(encode(image, "JPEG", exif=exif.tobytes()))
    assert photo.image.size == (200, 400)
    assert (photo.original_width, photo.original_height) == (200, 400)
    red, _, blue = rgb_at(photo.image, (190, 10))  # marker is now top-right
    assert red > 200
    assert blue < 60
    assert rgb_at(photo.image, (10, 10))[2] > 200  # top-left is blue


def test_jpeg_draft_decoding_keeps_at_least_the_target_edge(twelve_mp_jpeg: bytes) -> None:
    photo = decode_photo(twelve_mp_jpeg, target_long_edge=1568)
    assert max(photo.image.size) >= 1568
    assert max(photo.image.size) < 4000
    assert (photo.original_width, photo.original_height) == (4000, 3000)


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, this is not a photo", b"%PDF-1.7\n" + b"x" * 100, bytes(range(256))],
    ids=["empty", "text", "pdf", "binary"],
)
def test_non_images_are_rejected(data: bytes) -> None:
    with pytest.raises(NotAnImage):
        decode_photo(data)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (encode(print_photo(64, 64), "GIF"), "GIF"),
        (encode(print_photo(64, 64), "BMP"), "BMP"),
        (encode(print_photo(64, 64), "TIFF"), "TIFF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "HEIC"),
    ],
    ids=["gif", "bmp", "tiff", "heic"],
)
def test_other_image_formats_name_the_format(data: bytes, name: str) -> None:
    with pytest.raises(UnsupportedImageFormat) as caught:
        decode_photo(data)
    assert caught.value.detected == name
    assert "JPEG, PNG or WebP" in str(caught.value)


@pytest.mark.parametrize(
    ("width", "height"),
    [(9_000, 9_000), (40_000, 40_000)],
    ids=["over-own-limit", "over-pillow-limit"],
)
def test_decompression_bomb_is_refused_before_decoding(width: int, height: int) -> None:
    bomb = _png_claiming(width, height)
    assert len(bomb) < 200
    assert sniff_format(bomb) == "PNG"
    started = time.perf_counter()
    with pytest.raises(ImageTooLarge, match="too large|megapixels"):
        decode_photo(bomb)
    assert time.perf_counter() - started < 0.5


def test_too_many_bytes_are_refused_unread() -> None:
    huge = b"\xff\xd8\xff" + bytes(MAX_INPUT_BYTES)
    with pytest.raises(ImageTooLarge, match="MiB"):
        decode_photo(huge)


def test_truncated_jpeg_is_corrupt() -> None:
    data = encode(print_photo(800, 600))
    with pytest.raises(CorruptImage):
        decode_photo(data[: len(data) // 3])


def test_garbage_after_png_signature_is_corrupt() -> None:
    with pytest.raises(CorruptImage):
        decode_photo(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)


def test_animated_webp_uses_first_frame() -> None:
    frames = [Image.new("RGB", (320, 320), colour) for colour in ((250, 0, 0), (0, 0, 250))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    photo = decode_photo(buffer.getvalue())
    assert rgb_at(photo.image, (5, 5))[0] > 200
