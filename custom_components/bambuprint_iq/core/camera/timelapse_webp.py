"""Animated WebP from JPEG files with Pillow, one decoded frame in memory at a time.

Pillow's animated encoders walk multi-frame images with ``n_frames`` / ``seek()``. A
print can leave thousands of frames, far too many to decode up front, so the files are
presented as one multi-frame image whose ``seek()`` decodes (and scales) just that file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import CameraStorageError


def scaled_size(size: tuple[int, int], max_width: int) -> tuple[int, int]:
    """``size`` shrunk (never enlarged) to ``max_width``, both sides even (video codecs
    need that). Pure."""
    width, height = size
    if width > max_width:
        height = max(2, round(height * max_width / width))
        width = max_width
    return max(2, width - width % 2), max(2, height - height % 2)


def _load_frame(path: Path, size: tuple[int, int] | None, max_width: int) -> Image.Image:
    try:
        with Image.open(path) as source:
            target = size or scaled_size(source.size, max_width)
            source.draft("RGB", target)  # JPEG: decode at a reduced scale when possible
            frame: Image.Image = source.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError) as err:
        raise CameraStorageError(f"cannot read timelapse frame {path.name}: {err}") from err
    if frame.size != target:
        frame = frame.resize(target, Image.Resampling.BILINEAR)
    return frame


class _FrameFiles(Image.Image):
    """JPEG files seen by Pillow as the frames of one animated RGB image."""

    def __init__(self, paths: Sequence[Path], max_width: int) -> None:
        super().__init__()
        self._paths = tuple(paths)
        self._max_width = max_width
        self._position = -1
        self._show(0)

    @property
    def n_frames(self) -> int:
        """Number of files."""
        return len(self._paths)

    @property
    def is_animated(self) -> bool:
        """More than one frame."""
        return len(self._paths) > 1

    def tell(self) -> int:
        """Index of the current frame."""
        return self._position

    def seek(self, frame: int) -> None:
        """Decode file ``frame``; every frame takes the first frame's size."""
        if frame != self._position:
            if not 0 <= frame < len(self._paths):
                raise EOFError("no such frame")
            self._show(frame)

    def _show(self, index: int) -> None:
        size = self.size if self._position >= 0 else None
        decoded = _load_frame(self._paths[index], size, self._max_width)
        self.im = decoded.im
        self._size = decoded.size
        self._mode = decoded.mode
        self._position = index


def encode_webp(
    frames: Sequence[Path], output: Path, *, fps: float, max_width: int, quality: int
) -> None:
    """Write an endlessly looping animated WebP. Blocking and CPU-heavy: run in a thread.

    Raises :class:`CameraStorageError` for unreadable frames or an unwritable output.
    """
    if not frames:
        raise CameraStorageError("no frames to encode")
    sequence = _FrameFiles(frames, max_width)
    try:
        sequence.save(
            output,
            format="WEBP",
            save_all=True,
            duration=max(1, round(1000 / fps)),
            loop=0,
            quality=quality,
            method=4,
        )
    except OSError as err:
        raise CameraStorageError(f"cannot write {output.name}: {err}") from err
