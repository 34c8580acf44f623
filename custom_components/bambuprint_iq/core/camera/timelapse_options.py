"""How a timelapse is captured, encoded and kept."""

from __future__ import annotations

from dataclasses import dataclass
import math


@dataclass(frozen=True, slots=True, kw_only=True)
class TimelapseOptions:
    """Capture, encoding and storage settings of one printer's timelapses."""

    interval: float | None = None
    """Seconds between frames; None keeps one frame per layer change instead."""
    max_frame_age: float = 3.0
    """A frame older than this is not taken for a layer (the camera lags ~1-2 s)."""
    frame_timeout: float = 15.0
    max_frames: int = 3000
    playback_fps: float = 15.0
    max_width: int = 960
    """Frames are scaled down to this width in the video (height follows, kept even)."""
    quality: int = 75
    """WebP quality 1-100 (the MP4 uses a fixed H.264 CRF)."""
    prefer_mp4: bool = True
    """Use ffmpeg for an MP4 when a binary is found; otherwise (or if it fails) animated WebP."""
    ffmpeg_binary: str | None = None
    """Path of ffmpeg; None looks for ``ffmpeg`` on PATH."""
    ffmpeg_timeout: float = 600.0
    keep_frames: bool = False
    """Keep the JPEG frames after a successful video (they are about 10x its size)."""
    budget_bytes: int | None = 2 * 1024**3
    """After each print, delete the oldest timelapses until the folder fits; None: never."""

    def __post_init__(self) -> None:
        """Reject settings that cannot work."""
        for name in ("max_frame_age", "frame_timeout", "playback_fps", "ffmpeg_timeout"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be positive")
        if self.interval is not None and not (math.isfinite(self.interval) and self.interval > 0):
            raise ValueError("interval must be positive or None")
        if self.max_frames < 1 or self.max_width < 16:
            raise ValueError("max_frames must be >= 1 and max_width >= 16")
        if not 1 <= self.quality <= 100:
            raise ValueError("quality must be in 1..100")
        if self.budget_bytes is not None and self.budget_bytes < 0:
            raise ValueError("budget_bytes must be >= 0 or None")
