"""Timelapse: a frame per layer (or every N s), a video at the end, pruning by size."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
import shutil
import time

from PIL import Image
import pytest

from custom_components.bambuprint_iq.core.camera import (
    CameraStorageError,
    TimelapseOptions,
    TimelapseRecorder,
    TimelapseStatus,
    VideoFormat,
    async_list_timelapses,
    async_prune_timelapses,
)
from simulator import PrinterInfo

from .conftest import SIM_FRAME_INTERVAL, StreamFactory, endpoint_for
from .rendered_camera import RenderedCamera

WEBP_ONLY = TimelapseOptions(prefer_mp4=False, max_width=320, budget_bytes=None)


@pytest.mark.usefixtures("socket_enabled")
async def test_one_frame_per_layer_from_the_live_camera_becomes_a_webp(
    printer: PrinterInfo, make_stream: StreamFactory, tmp_path: Path
) -> None:
    stream = make_stream(endpoint_for(printer))
    directory = tmp_path / "timelapses" / printer.serial
    recorder = TimelapseRecorder(stream, directory, options=WEBP_ONLY)
    folder = await recorder.async_start("../Benchy v2.3mf")
    assert folder.parent == directory
    assert folder.name.endswith("_Benchy_v2.3mf")

    saved = []
    for layer in (1, 1, 2, 3, 0, 4):
        saved.append(await recorder.async_layer_changed(layer))
        await asyncio.sleep(SIM_FRAME_INTERVAL * 1.2)
    assert saved == [True, False, True, True, False, True]
    result = await recorder.async_finish()

    assert result.video is not None
    assert result.video.format is VideoFormat.WEBP
    with Image.open(result.video.path) as video:
        assert video.format == "WEBP"
        assert video.n_frames == 4
        assert video.size == (320, 180)
    assert not (folder / "frames").exists()  # frames go once the video exists
    manifest = json.loads((folder / "timelapse.json").read_text())
    assert manifest["status"] == "done"
    assert manifest["frames"] == 4
    assert manifest["video_file"] == "timelapse.webp"
    assert manifest["print_name"] == "../Benchy v2.3mf"
    assert not recorder.recording


async def test_interval_mode_captures_on_its_own(tmp_path: Path) -> None:
    camera = RenderedCamera()
    options = TimelapseOptions(interval=0.1, prefer_mp4=False, budget_bytes=None)
    recorder = TimelapseRecorder(camera, tmp_path, options=options)
    await recorder.async_start("cube")
    assert not await recorder.async_layer_changed(5)  # layers are ignored in this mode
    await asyncio.sleep(0.55)
    result = await recorder.async_finish()
    assert result.video is not None
    assert 3 <= result.manifest.frames <= 7
    with Image.open(result.video.path) as video:
        assert video.n_frames == result.manifest.frames


async def test_failing_ffmpeg_falls_back_to_webp(tmp_path: Path) -> None:
    failing = shutil.which("false")
    assert failing is not None
    options = TimelapseOptions(ffmpeg_binary=failing, max_width=160, budget_bytes=None)
    recorder = TimelapseRecorder(RenderedCamera(), tmp_path, options=options)
    await recorder.async_start("part")
    for _ in range(3):
        assert await recorder.async_capture()
    result = await recorder.async_finish()
    assert result.video is not None
    assert result.video.format is VideoFormat.WEBP
    assert sorted(p.name for p in result.video.path.parent.iterdir()) == [
        "timelapse.json",
        "timelapse.webp",
    ]


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="no ffmpeg binary on this machine")
async def test_mp4_when_ffmpeg_is_present(tmp_path: Path) -> None:
    recorder = TimelapseRecorder(
        RenderedCamera(), tmp_path, options=TimelapseOptions(budget_bytes=None)
    )
    await recorder.async_start("part")
    for _ in range(5):
        assert await recorder.async_capture()
    result = await recorder.async_finish()
    assert result.video is not None
    assert result.video.format is VideoFormat.MP4
    data = result.video.path.read_bytes()
    assert data[4:8] == b"ftyp"
    assert result.manifest.video_file == "timelapse.mp4"


async def test_dead_camera_is_counted_not_raised(tmp_path: Path) -> None:
    camera = RenderedCamera()
    recorder = TimelapseRecorder(camera, tmp_path, options=WEBP_ONLY)
    await recorder.async_start("part")
    assert await recorder.async_layer_changed(1)
    camera.available = False
    assert not await recorder.async_layer_changed(2)
    camera.available = True
    assert await recorder.async_layer_changed(3)
    result = await recorder.async_finish()
    assert (result.manifest.frames, result.manifest.missed_frames) == (2, 1)


async def test_nothing_captured_leaves_nothing_behind(tmp_path: Path) -> None:
    recorder = TimelapseRecorder(RenderedCamera(), tmp_path, options=WEBP_ONLY)
    await recorder.async_start("part")
    result = await recorder.async_finish()
    assert result.folder is None
    assert result.video is None
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError):
        await recorder.async_finish()


async def test_cancel_discards_the_recording(tmp_path: Path) -> None:
    recorder = TimelapseRecorder(RenderedCamera(), tmp_path, options=WEBP_ONLY)
    await recorder.async_start("part")
    assert await recorder.async_capture()
    await recorder.async_cancel()
    assert list(tmp_path.iterdir()) == []
    assert not recorder.recording


async def test_unusable_folder_is_a_typed_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    recorder = TimelapseRecorder(RenderedCamera(), blocker / "timelapses", options=WEBP_ONLY)
    with pytest.raises(CameraStorageError, match="cannot create"):
        await recorder.async_start("part")
    assert not recorder.recording


async def test_unreadable_frame_marks_the_timelapse_failed(tmp_path: Path) -> None:
    recorder = TimelapseRecorder(RenderedCamera(), tmp_path, options=WEBP_ONLY)
    folder = await recorder.async_start("part")
    assert await recorder.async_capture()
    (folder / "frames" / "000001.jpg").write_bytes(b"not a jpeg")
    result = await recorder.async_finish()
    assert result.video is None
    assert result.manifest.status is TimelapseStatus.FAILED
    assert result.manifest.error is not None
    assert (folder / "frames" / "000001.jpg").exists()  # kept for another try


async def _finished_timelapse(directory: Path, name: str, started: datetime) -> Path:
    recorder = TimelapseRecorder(RenderedCamera((480, 270)), directory, options=WEBP_ONLY)
    folder = await recorder.async_start(name, started_at=started)
    for _ in range(4):
        await recorder.async_capture()
    result = await recorder.async_finish()
    assert result.folder == folder
    return folder


async def test_prune_removes_the_oldest_until_the_budget_fits(tmp_path: Path) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    folders = [
        await _finished_timelapse(tmp_path, f"print {n}", start + timedelta(hours=n))
        for n in range(4)
    ]
    user_folder = tmp_path / "my own stuff"  # no manifest: never touched
    user_folder.mkdir()
    (user_folder / "big.bin").write_bytes(b"\0" * 100_000)
    entries = await async_list_timelapses(tmp_path)
    assert [entry.folder for entry in entries] == folders[::-1]  # newest first
    sizes = [entry.size_bytes for entry in entries[::-1]]
    budget = sizes[2] + sizes[3] + 1

    result = await async_prune_timelapses(tmp_path, budget, keep=[folders[0]])

    assert set(result.removed) == {folders[1], folders[2]}
    assert result.freed_bytes == sizes[1] + sizes[2]
    assert {path.name for path in tmp_path.iterdir()} == {
        folders[0].name,
        folders[3].name,
        user_folder.name,
    }


async def test_recorder_prunes_after_each_print(tmp_path: Path) -> None:
    old = await _finished_timelapse(tmp_path, "old", datetime(2024, 1, 1, tzinfo=UTC))
    options = TimelapseOptions(prefer_mp4=False, max_width=320, budget_bytes=1)
    recorder = TimelapseRecorder(RenderedCamera(), tmp_path, options=options)
    await recorder.async_start("new")
    assert await recorder.async_capture()
    result = await recorder.async_finish()
    assert result.pruned == (old,)
    assert result.folder is not None
    assert result.folder.exists()  # the one just made is always kept


async def test_hung_ffmpeg_is_killed_and_webp_is_written(tmp_path: Path) -> None:
    hung = tmp_path / "bin" / "ffmpeg"
    hung.parent.mkdir()
    hung.write_text("#!/bin/sh\nexec sleep 30\n")
    hung.chmod(0o755)
    options = TimelapseOptions(
        ffmpeg_binary=str(hung), ffmpeg_timeout=0.3, max_width=160, budget_bytes=None
    )
    recorder = TimelapseRecorder(RenderedCamera(), tmp_path / "videos", options=options)
    await recorder.async_start("part")
    for _ in range(2):
        assert await recorder.async_capture()
    started = time.monotonic()
    result = await recorder.async_finish()
    assert time.monotonic() - started < 5.0
    assert result.video is not None
    assert result.video.format is VideoFormat.WEBP


@pytest.mark.parametrize(
    "change",
    [
        {"video_file": "../../etc/passwd"},
        {"version": 2},
        {"status": "exploded"},
        {"started_at": "2025-01-01T00:00:00"},  # no time zone
        {"frames": -1},
    ],
)
async def test_tampered_manifests_are_ignored(tmp_path: Path, change: dict[str, object]) -> None:
    folder = await _finished_timelapse(tmp_path, "print", datetime(2025, 1, 1, tzinfo=UTC))
    manifest_path = folder / "timelapse.json"
    manifest = json.loads(manifest_path.read_text())
    assert [entry.folder for entry in await async_list_timelapses(tmp_path)] == [folder]
    manifest_path.write_text(json.dumps(manifest | change))
    assert await async_list_timelapses(tmp_path) == []
    result = await async_prune_timelapses(tmp_path, 0)
    assert result.removed == ()
    assert folder.exists()
