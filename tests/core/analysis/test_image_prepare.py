"""Resizing, re-encoding, token estimate, frozen-frame signature and the preprocessing time."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
import io
import math
import time
from typing import Any, TypeVar

from PIL import Image
import pytest

from custom_components.bambuprint_iq.core.analysis import (
    ResizeLimits,
    async_prepare_photo,
    frame_difference,
    prepare_photo,
)
from custom_components.bambuprint_iq.core.analysis.image_prepare import target_size
from tests.core.analysis.synthetic_images import encode, print_photo

_GPS_IFD = 0x8825
T = TypeVar("T")


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((4000, 3000), (1238, 928)),  # pixel cap binds before the 1568 px edge
        ((3000, 1000), (1568, 522)),  # long-edge cap binds for wide photos
        ((1280, 720), (1280, 720)),  # typical printer camera frame: unchanged
        ((640, 480), (640, 480)),  # never upscaled
    ],
)
def test_target_size(size: tuple[int, int], expected: tuple[int, int]) -> None:
    result = target_size(*size, ResizeLimits())
    assert result == expected
    assert max(result) <= 1568
    assert result[0] * result[1] <= 1_150_000


def test_output_is_a_plain_jpeg_without_metadata() -> None:
    exif = Image.Exif()
    exif[_GPS_IFD] = {1: "N", 2: (52.0, 22.0, 0.0)}
    original = encode(print_photo(), "JPEG", exif=exif.tobytes())
    prepared = prepare_photo(original)
    with Image.open(io.BytesIO(prepared.data)) as result:
        assert result.format == "JPEG"
        assert result.size == (prepared.width, prepared.height)
        assert _GPS_IFD not in result.getexif()
    assert prepared.media_type == "image/jpeg"
    assert "data" not in repr(prepared)


def test_estimated_tokens_follow_the_published_rule() -> None:
    prepared = prepare_photo(encode(print_photo(1280, 720)))
    assert prepared.estimated_tokens == math.ceil(1280 * 720 / 750) == 1229


def test_png_and_webp_are_reencoded_as_jpeg() -> None:
    for fmt in ("PNG", "WEBP"):
        prepared = prepare_photo(encode(print_photo(800, 600), fmt))
        assert prepared.source_format == fmt
        assert prepared.data.startswith(b"\xff\xd8\xff")


def test_frame_difference_spots_a_frozen_camera() -> None:
    first = prepare_photo(encode(print_photo()))
    same = prepare_photo(encode(print_photo()))
    moved = prepare_photo(encode(print_photo(centre=(0.7, 0.5))))
    assert frame_difference(first, same) < 1.0
    assert frame_difference(first, moved) > 3.0


class CountingExecutor(ThreadPoolExecutor):
    """A real thread pool that counts the jobs it was given."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.jobs = 0

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.jobs += 1
        return super().submit(fn, *args, **kwargs)


async def test_async_wrapper_runs_in_the_given_executor(good_jpeg: bytes) -> None:
    with CountingExecutor() as executor:
        prepared = await async_prepare_photo(good_jpeg, executor=executor)
    assert executor.jobs == 1
    assert prepared.quality.ok
    assert prepared.data == prepare_photo(good_jpeg).data


def test_preprocessing_time_for_a_12_mp_photo(twelve_mp_jpeg: bytes) -> None:
    timings = []
    prepared = prepare_photo(twelve_mp_jpeg)  # warm-up (imports, codec tables)
    for _ in range(5):
        started = time.perf_counter()
        prepared = prepare_photo(twelve_mp_jpeg)
        timings.append((time.perf_counter() - started) * 1000)
    median = sorted(timings)[len(timings) // 2]
    print(
        f"\n12 MP JPEG ({len(twelve_mp_jpeg) / 1e6:.1f} MB) -> {prepared.width}x"
        f"{prepared.height} JPEG ({len(prepared.data) / 1e3:.0f} kB): median {median:.0f} ms "
        f"(target <= 150 ms), ~{prepared.estimated_tokens} image tokens per call"
    )
    assert prepared.quality.ok
    assert median < 2000  # only a sanity bound: shared CI machines vary a lot
