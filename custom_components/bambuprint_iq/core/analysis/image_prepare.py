"""Turn photo bytes into what a vision model should receive, plus a quality verdict.

``prepare_photo`` is pure and CPU-bound (decode, gate, resize, JPEG encode): run it in an
executor. ``async_prepare_photo`` does exactly that. Re-encoding always happens, which
also strips EXIF metadata such as GPS position before anything leaves the house.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial
import io
import math
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image

from .image_intake import decode_photo
from .quality_gate import QualityReport, QualityThresholds, judge_quality, measure_quality

MAX_LONG_EDGE_PX: Final = 1568
# Above about 1.15 MP Claude shrinks the image again server-side: pay only for what is used.
MAX_PIXELS: Final = 1_150_000
JPEG_QUALITY: Final = 85
TOKENS_PER_PIXEL_DIVISOR: Final = 750
_GATE_EDGE_PX: Final = 640
_SIGNATURE_EDGE_PX: Final = 16


@dataclass(frozen=True, slots=True)
class ResizeLimits:
    """Upper bounds for the image sent to a model; never upscales."""

    max_long_edge_px: int = MAX_LONG_EDGE_PX
    max_pixels: int = MAX_PIXELS
    jpeg_quality: int = JPEG_QUALITY


@dataclass(frozen=True, slots=True)
class PreparedImage:
    """A re-encoded JPEG ready for a vision model, with its quality report."""

    data: bytes = field(repr=False)
    width: int
    height: int
    source_format: str
    quality: QualityReport
    signature: bytes = field(repr=False)
    media_type: str = "image/jpeg"

    @property
    def estimated_tokens(self) -> int:
        """Image input tokens by the published rule of thumb (width x height / 750)."""
        return math.ceil(self.width * self.height / TOKENS_PER_PIXEL_DIVISOR)


def target_size(width: int, height: int, limits: ResizeLimits) -> tuple[int, int]:
    """Largest size within both limits that keeps the aspect ratio (never larger)."""
    scale = min(
        1.0,
        limits.max_long_edge_px / max(width, height),
        math.sqrt(limits.max_pixels / (width * height)),
    )
    # The epsilon keeps 1568.0 from flooring to 1567 through float rounding.
    return max(1, math.floor(width * scale + 1e-6)), max(1, math.floor(height * scale + 1e-6))


def prepare_photo(
    data: bytes,
    *,
    thresholds: QualityThresholds | None = None,
    limits: ResizeLimits | None = None,
) -> PreparedImage:
    """Decode, gate and resize one photo. Pure and CPU-bound; raises ``ImageRejected``.

    A photo that fails the gate is still returned; check ``result.quality.ok``.
    """
    thresholds = thresholds or QualityThresholds()
    limits = limits or ResizeLimits()
    decoded = decode_photo(data, target_long_edge=limits.max_long_edge_px)
    image = decoded.image
    size = target_size(image.width, image.height, limits)
    if size != image.size:
        image = image.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)
    grey = _grey_for_gate(image)
    metrics = measure_quality(grey, decoded.original_width, decoded.original_height)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=limits.jpeg_quality)
    return PreparedImage(
        data=buffer.getvalue(),
        width=image.width,
        height=image.height,
        source_format=decoded.source_format,
        quality=judge_quality(metrics, thresholds),
        signature=_signature(grey),
    )


async def async_prepare_photo(
    data: bytes,
    *,
    thresholds: QualityThresholds | None = None,
    limits: ResizeLimits | None = None,
    executor: Executor | None = None,
) -> PreparedImage:
    """Run ``prepare_photo`` in an executor so the event loop never decodes images."""
    loop = asyncio.get_running_loop()
    job = partial(prepare_photo, data, thresholds=thresholds, limits=limits)
    return await loop.run_in_executor(executor, job)


def frame_difference(first: PreparedImage, second: PreparedImage) -> float:
    """Mean absolute difference (0-255) of two tiny thumbnails: ~0 means a frozen camera."""
    a = np.frombuffer(first.signature, dtype=np.uint8).astype(np.float32)
    b = np.frombuffer(second.signature, dtype=np.uint8).astype(np.float32)
    return float(np.abs(a - b).mean())


def _grey_for_gate(image: Image.Image) -> npt.NDArray[np.float32]:
    small = image.convert("L")
    if max(small.size) > _GATE_EDGE_PX:
        scale = _GATE_EDGE_PX / max(small.size)
        size = (max(1, round(small.width * scale)), max(1, round(small.height * scale)))
        small = small.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(small, dtype=np.float32)


def _signature(grey: npt.NDArray[np.float32]) -> bytes:
    thumb = Image.fromarray(grey.astype(np.uint8), "L").resize(
        (_SIGNATURE_EDGE_PX, _SIGNATURE_EDGE_PX), Image.Resampling.BOX
    )
    return thumb.tobytes()
