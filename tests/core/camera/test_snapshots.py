"""Snapshots: frames saved as JPEG files with safe, unique names."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from custom_components.bambuprint_iq.core.camera import (
    CameraFrame,
    CameraStorageError,
    async_save_snapshot,
    async_take_snapshot,
)
from custom_components.bambuprint_iq.core.camera.file_names import safe_name_part
from simulator import PrinterInfo

from .conftest import StreamFactory, endpoint_for, open_jpeg
from .rendered_camera import render_jpeg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01P00A123456789", "01P00A123456789"),
        ("../../etc/passwd", "etc_passwd"),
        ("Bézier vase (v2).3mf", "Bezier_vase_v2_.3mf"),
        ("...", "unnamed"),
        ("🚀", "unnamed"),
        ("a" * 200, "a" * 60),
    ],
)
def test_safe_name_part(text: str, expected: str) -> None:
    assert safe_name_part(text) == expected


@pytest.mark.usefixtures("socket_enabled")
async def test_snapshot_from_the_live_camera(
    printer: PrinterInfo, make_stream: StreamFactory, tmp_path: Path
) -> None:
    stream = make_stream(endpoint_for(printer))
    directory = tmp_path / "bambuprint_iq" / "snapshots"
    snapshot = await async_take_snapshot(stream, directory, name=printer.serial)
    assert snapshot.path.parent == directory
    assert snapshot.path.name.startswith(f"{printer.serial}_")
    assert snapshot.path.suffix == ".jpg"
    assert snapshot.path.read_bytes() == snapshot.frame.jpeg
    assert open_jpeg(snapshot.path.read_bytes()).size == (1280, 720)


async def test_names_are_unique_and_stay_in_the_folder(tmp_path: Path) -> None:
    frame = CameraFrame(
        render_jpeg(1, (64, 48)), 1, 0.0, datetime(2025, 6, 14, 10, 15, 30, tzinfo=UTC)
    )
    first = await async_save_snapshot(frame, tmp_path, name="../../outside")
    second = await async_save_snapshot(frame, tmp_path, name="../../outside")
    assert first.name == "outside_20250614T101530_000Z.jpg"
    assert second.name == "outside_20250614T101530_000Z-2.jpg"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.name, second.name])
    assert first.read_bytes() == second.read_bytes() == frame.jpeg


async def test_unwritable_folder_is_a_typed_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    frame = CameraFrame(render_jpeg(1, (64, 48)), 1, 0.0, datetime.now(UTC))
    with pytest.raises(CameraStorageError, match="cannot create"):
        await async_save_snapshot(frame, blocker / "snapshots", name="p1s")
