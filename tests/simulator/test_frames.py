"""What the simulated chamber camera draws: dark with the light off, lit with it on."""

from __future__ import annotations

import io

from PIL import Image, ImageStat

from simulator.frames import FrameView, render_jpeg


def _view(frame_number: int, *, lit: bool) -> FrameView:
    return FrameView(
        title="P1S", serial="01P00A000000001", gcode_state="RUNNING", layer=40,
        total_layers=200, percent=20, remaining_minutes=96, nozzle_temp=220.0,
        bed_temp=60.0, clock="12:00:00", frame_number=frame_number, lit=lit,
    )  # fmt: skip


def _grey(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.convert("L").resize((160, 90))


def test_the_chamber_light_decides_the_brightness() -> None:
    """A dark chamber stays below the brightness a photo check needs; a lit one is well
    within it."""
    dark = ImageStat.Stat(_grey(render_jpeg(_view(1, lit=False), (1280, 720)))).mean[0]
    lit = ImageStat.Stat(_grey(render_jpeg(_view(1, lit=True), (1280, 720)))).mean[0]
    assert dark < 40
    assert 100 < lit < 200


def test_consecutive_frames_differ_visibly() -> None:
    """The toolhead moves between frames, so only a hung camera repeats its picture."""
    first, second = (_grey(render_jpeg(_view(n, lit=True), (1280, 720))) for n in (5, 6))
    pairs = zip(first.getdata(), second.getdata(), strict=True)
    mean_abs = sum(abs(a - b) for a, b in pairs) / (first.width * first.height)
    assert mean_abs > 1.0
    same = _grey(render_jpeg(_view(5, lit=True), (1280, 720)))
    assert list(same.getdata()) == list(first.getdata())  # the same moment draws the same
