"""MP4 timelapse through an ``ffmpeg`` binary, when the system has one.

H.264 MP4 plays everywhere and is a tenth of the animated WebP's size, but ffmpeg is not
a Python dependency; callers fall back to WebP when it is missing or fails.
"""

from __future__ import annotations

from pathlib import Path
import shutil

from .errors import CameraStorageError
from .subprocess_run import ProcessStartError, async_run

FRAME_PATTERN = "%06d.jpg"
_STDERR_LIMIT = 400


def find_ffmpeg(binary: str | None = None) -> str | None:
    """Absolute path of ``binary`` (or ``ffmpeg`` on PATH) if it is executable. Blocking-light."""
    return shutil.which(binary or "ffmpeg")


def ffmpeg_command(
    binary: str, frames_dir: Path, output: Path, *, fps: float, max_width: int
) -> list[str]:
    """Argument list encoding ``frames_dir/000001.jpg...`` to ``output``. Pure.

    Scales down to ``max_width`` (never up) with even sides and yuv420p so every player
    accepts it; ``+faststart`` lets a browser start playing before the download ends.
    """
    scale = f"scale='trunc(min({max_width},iw)/2)*2':-2,format=yuv420p"
    return [
        binary,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-framerate",
        f"{fps:g}",
        "-start_number",
        "1",
        "-i",
        str(frames_dir / FRAME_PATTERN),
        "-vf",
        scale,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "26",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(output),
    ]


async def async_encode_mp4(
    binary: str,
    frames_dir: Path,
    output: Path,
    *,
    fps: float,
    max_width: int,
    timeout: float,  # noqa: ASYNC109 - ffmpeg is killed after it
) -> None:
    """Run ffmpeg as a subprocess; raises :class:`CameraStorageError` if it fails or hangs."""
    command = ffmpeg_command(binary, frames_dir, output, fps=fps, max_width=max_width)
    try:
        result = await async_run(command, timeout=timeout, capture_stderr=True)
    except ProcessStartError as err:
        raise CameraStorageError(f"cannot run ffmpeg: {err.strerror or err}") from err
    except TimeoutError as err:
        raise CameraStorageError(f"ffmpeg did not finish within {timeout} s") from err
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip()[-_STDERR_LIMIT:]
        raise CameraStorageError(f"ffmpeg exited with {result.returncode}: {detail}")
