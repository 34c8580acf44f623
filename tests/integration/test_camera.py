"""Camera, snapshot and timelapse end to end against the simulator's real TLS camera server.

P1S printers serve JPEG frames on a real TLS socket (the port-6000 protocol); X1C printers
report an RTSPS URL (no RTSP server runs here, so RTSPS stills are expected to be absent).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
import io
from io import BytesIO
import logging
from pathlib import Path
from typing import Any

import aiohttp
from homeassistant.components.camera import (
    CameraEntityFeature,
    async_get_image,
    async_get_stream_source,
)
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

import custom_components.bambuprint_iq as integration
from custom_components.bambuprint_iq import camera_manager
from custom_components.bambuprint_iq.camera_manager import (
    CONF_TIMELAPSE,
    MJPEG_MAX_FPS,
    CameraManager,
    async_get_camera_manager,
)
from custom_components.bambuprint_iq.camera_rtsp import RtspStillSource, rtsps_url
from custom_components.bambuprint_iq.camera_timelapse import timelapse_dir
from custom_components.bambuprint_iq.const import DOMAIN
from custom_components.bambuprint_iq.core.camera import (
    CameraEndpoint,
    CameraTimings,
    StreamOptions,
    TimelapseOptions,
    TimelapseStatus,
    VideoFormat,
)
from custom_components.bambuprint_iq.core.camera.timelapse_manifest import (
    TimelapseManifest,
    read_manifest,
    write_manifest,
)
from custom_components.bambuprint_iq.history_recorder import EVENT_PRINT
from custom_components.bambuprint_iq.services_camera import (
    SERVICE_SNAPSHOT,
    async_setup_camera_services,
)
from simulator.camera import CameraStats
from simulator.fleet import PrinterInfo, SimulatedPrinter
from simulator.job import JobSpec
from simulator.sim_thread import SimulatorThread

from .conftest import TEST_SPEED, printer_device, setup_printer
from .test_entities import entity_id, wait_for

X1C = [SimulatedPrinter(model="X1C", seed=3, speed=TEST_SPEED)]
SHORT_JOB = JobSpec(name="Calibration cube", duration_minutes=2, total_layers=20, task_id="8001")
IDLE_TIMEOUT = 1.0


@pytest.fixture(autouse=True)
def camera_platforms(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the camera and image platforms even where the integration does not list them yet."""
    platforms = list(integration.PLATFORMS)
    platforms += [p for p in (Platform.CAMERA, Platform.IMAGE) if p not in platforms]
    monkeypatch.setattr(integration, "PLATFORMS", platforms)


@pytest.fixture(autouse=True)
def fast_camera(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short idle timeout and backoff, so idle close and retries happen within a test.

    These are the manager's module-level settings, replaced (never mutated) for the test.
    """
    monkeypatch.setattr(
        camera_manager,
        "STREAM_OPTIONS",
        StreamOptions(idle_timeout=IDLE_TIMEOUT, max_fps=MJPEG_MAX_FPS, fatal_retry_after=60.0),
    )
    monkeypatch.setattr(
        camera_manager,
        "CAMERA_TIMINGS",
        CameraTimings(connect_timeout=5.0, frame_timeout=5.0, backoff_initial=0.1, backoff_max=0.5),
    )
    # No ffmpeg binary is assumed; force the Pillow path so the result is the same everywhere.
    monkeypatch.setattr(camera_manager, "TIMELAPSE_OPTIONS", TimelapseOptions(prefer_mp4=False))


async def _setup(hass: HomeAssistant, info: PrinterInfo) -> MockConfigEntry:
    entry = await setup_printer(hass, info)
    if not hass.services.has_service(DOMAIN, SERVICE_SNAPSHOT):
        async_setup_camera_services(hass)
    return entry


def _manager(hass: HomeAssistant, entry: MockConfigEntry) -> CameraManager:
    manager = async_get_camera_manager(hass, entry)
    assert manager is not None
    return manager


async def _camera_stats(
    hass: HomeAssistant, simulator: SimulatorThread, serial: str
) -> CameraStats:
    stats = await hass.async_add_executor_job(simulator.camera_stats, serial)
    assert stats is not None
    return stats


async def _wait_for_stats(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    serial: str,
    condition: Callable[[CameraStats], bool],
    timeout: float = 10.0,
) -> None:
    async with asyncio.timeout(timeout):
        while not condition(await _camera_stats(hass, simulator, serial)):
            await asyncio.sleep(0.1)


def _assert_jpeg(data: bytes) -> tuple[int, int]:
    with Image.open(BytesIO(data)) as image:
        assert image.format == "JPEG"
        image.load()
        return image.size


async def _read_mjpeg_parts(response: aiohttp.ClientResponse, count: int) -> list[bytes]:
    reader = aiohttp.MultipartReader.from_response(response)
    parts = []
    while len(parts) < count:
        part = await reader.next()
        assert isinstance(part, aiohttp.BodyPartReader)
        assert part.headers[aiohttp.hdrs.CONTENT_TYPE] == "image/jpeg"
        parts.append(bytes(await part.read()))
    return parts


async def test_viewers_share_one_upstream_that_closes_when_idle(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    hass_client: ClientSessionGenerator,
) -> None:
    """An MJPEG viewer and a still request use one camera connection; idle, it closes."""
    entry = await _setup(hass, printer)
    camera_id = entity_id(hass, entry, "camera")
    assert hass.states.get(camera_id).state == "idle"
    client = await hass_client()

    response = await client.get(f"/api/camera_proxy_stream/{camera_id}")
    assert response.status == 200
    assert response.headers[aiohttp.hdrs.CONTENT_TYPE].startswith("multipart/x-mixed-replace")
    parts = await _read_mjpeg_parts(response, 2)
    width, height = _assert_jpeg(parts[0])
    assert width >= 320
    assert height >= 180
    _assert_jpeg(parts[1])

    still = await async_get_image(hass, camera_id)  # while the stream is being watched
    assert still.content_type == "image/jpeg"
    _assert_jpeg(still.content)
    stats = await _camera_stats(hass, simulator, printer.serial)
    assert (stats.peak, stats.accepted) == (1, 1)

    response.close()  # the viewer leaves on the next write, then the idle timer runs
    await _wait_for_stats(hass, simulator, printer.serial, lambda s: s.active == 0)
    assert _manager(hass, entry).diagnostics()["stream"]["upstream_open"] is False

    _assert_jpeg((await async_get_image(hass, camera_id)).content)  # still fresh: cached
    assert (await _camera_stats(hass, simulator, printer.serial)).accepted == 1
    await asyncio.sleep(camera_manager.STILL_MAX_AGE)
    _assert_jpeg((await async_get_image(hass, camera_id)).content)  # stale: reopens on demand
    stats = await _camera_stats(hass, simulator, printer.serial)
    assert (stats.peak, stats.accepted) == (1, 2)


async def test_refused_access_code_makes_the_camera_unavailable(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The camera refuses the code: no image, entity unavailable, one clear error line.

    The simulator's camera and MQTT share one access code, so only the code the camera
    client sends is swapped here; the TLS camera server and its refusal are real.
    """
    original = camera_manager.camera_endpoint

    def wrong_code(data: Mapping[str, Any]) -> CameraEndpoint:
        return original({**data, "access_code": "99999999"})

    monkeypatch.setattr(camera_manager, "camera_endpoint", wrong_code)
    entry = await _setup(hass, printer)
    camera_id = entity_id(hass, entry, "camera")
    caplog.set_level(logging.ERROR)

    for _ in range(3):
        with pytest.raises(HomeAssistantError):
            await async_get_image(hass, camera_id)
    await hass.async_block_till_done()
    assert hass.states.get(camera_id).state == STATE_UNAVAILABLE
    refusals = [r for r in caplog.records if "refused the access code" in r.getMessage()]
    assert len(refusals) == 1
    assert "99999999" not in caplog.text
    assert printer.access_code not in caplog.text
    stats = await _camera_stats(hass, simulator, printer.serial)
    assert stats.rejected >= 2
    assert stats.accepted == 0


@pytest.mark.parametrize("printers", [X1C])
async def test_rtsps_camera_and_lan_liveview_repair(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """X1C: RTSPS stream source with the code; liveview off → unavailable with a repair."""
    entry = await _setup(hass, printer)
    camera_id = entity_id(hass, entry, "camera")
    state = hass.states.get(camera_id)
    assert state.state == "idle"
    assert state.attributes["supported_features"] & CameraEntityFeature.STREAM
    port = printer.rtsp_port
    expected = f"rtsps://bblp:{printer.access_code}@{printer.host}:{port}/streaming/live/1"
    assert await async_get_stream_source(hass, camera_id) == expected
    # A still through the simulator's real RTSPS server (H.264 decoded by PyAV).
    image = await async_get_image(hass, camera_id)
    with Image.open(io.BytesIO(image.content)) as picture:
        assert picture.format == "JPEG"
        assert picture.width >= 640

    ipcam = (await hass.async_add_executor_job(simulator.snapshot, printer.serial))["ipcam"]
    await hass.async_add_executor_job(
        simulator.set_value, printer.serial, "ipcam", {**ipcam, "rtsp_url": "disable"}
    )
    await wait_for(hass, lambda: hass.states.get(camera_id).state == STATE_UNAVAILABLE)
    issue_id = f"lan_liveview_disabled_{entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert not issue.is_fixable
    assert issue.translation_placeholders == {"title": entry.title}
    assert await async_get_stream_source(hass, camera_id) is None
    device_id = printer_device(hass, entry, printer.serial).id
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, SERVICE_SNAPSHOT, {"device_id": device_id}, blocking=True
        )
    assert err.value.translation_key == "camera_liveview_disabled"

    await hass.async_add_executor_job(simulator.clear_overrides, printer.serial)
    await wait_for(hass, lambda: hass.states.get(camera_id).state == "idle")
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_snapshot_action_and_last_picture(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    hass_client: ClientSessionGenerator,
) -> None:
    """The action saves a JPEG under the integration folder; the image entity shows it."""
    entry = await _setup(hass, printer)
    device_id = printer_device(hass, entry, printer.serial).id
    response = await hass.services.async_call(
        DOMAIN, SERVICE_SNAPSHOT, {"device_id": device_id}, blocking=True, return_response=True
    )
    path = Path(str(response["path"]))
    assert path.is_relative_to(Path(hass.config.path(DOMAIN)) / "snapshots")
    assert path.suffix == ".jpg"
    assert response["file"] == f"snapshots/{path.name}"
    data = await hass.async_add_executor_job(path.read_bytes)
    _assert_jpeg(data)
    assert response["size_bytes"] == len(data)
    assert response["record_id"] is None  # nothing printed yet

    image_id = entity_id(hass, entry, "last_picture")
    await wait_for(hass, lambda: hass.states.get(image_id).attributes.get("file") == str(path))
    client = await hass_client()
    served = await client.get(f"/api/image_proxy/{image_id}")
    assert served.status == 200
    assert await served.read() == data

    with pytest.raises(vol.Invalid):
        await hass.services.async_call(DOMAIN, SERVICE_SNAPSHOT, {}, blocking=True)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, SERVICE_SNAPSHOT, {"device_id": "no-such-device"}, blocking=True
        )
    assert err.value.translation_key == "device_not_found"


async def test_timelapse_of_a_short_print(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """With the option on, a print yields an animated WebP; a snapshot links to the print."""
    entry = await _setup(hass, printer)
    hass.config_entries.async_update_entry(entry, options={**entry.options, CONF_TIMELAPSE: True})
    await hass.async_block_till_done()  # the options change reloads the entry
    events = async_capture_events(hass, EVENT_PRINT)
    assert await hass.async_add_executor_job(simulator.start_print, printer.serial, SHORT_JOB)
    await wait_for(hass, lambda: [e.data["type"] for e in events] == ["started"], 30)
    record_id = events[0].data["record_id"]

    device_id = printer_device(hass, entry, printer.serial).id
    response = await hass.services.async_call(
        DOMAIN, SERVICE_SNAPSHOT, {"device_id": device_id}, blocking=True, return_response=True
    )
    assert response["record_id"] == record_id

    await wait_for(hass, lambda: len(events) == 2, 60)
    manager = _manager(hass, entry)
    await wait_for(hass, lambda: manager.last_timelapse is not None, 30)
    timelapse = manager.last_timelapse
    assert timelapse is not None
    assert timelapse.format is VideoFormat.WEBP
    assert timelapse.path.is_relative_to(Path(hass.config.path(DOMAIN)) / "timelapses")

    def inspect() -> tuple[str | None, int, bool]:
        with Image.open(timelapse.path) as video:
            return video.format, video.n_frames, video.is_animated

    video_format, frames, animated = await hass.async_add_executor_job(inspect)
    assert video_format == "WEBP"
    assert animated
    assert frames == timelapse.frames >= 2  # one per layer the camera had a new frame for
    manifest = await hass.async_add_executor_job(read_manifest, timelapse.path.parent)
    assert manifest is not None
    assert manifest.status is TimelapseStatus.DONE
    assert manifest.print_name

    image = hass.states.get(entity_id(hass, entry, "last_picture"))
    assert image.attributes["timelapse_file"] == str(timelapse.path)
    record = await entry.runtime_data.recorder.store.get(record_id)
    assert response["file"] in record.snapshot_ids
    assert str(timelapse.path) in record.snapshot_ids  # the video is stored with its print


def _write_interrupted_recording(folder: Path, frames: int) -> None:
    """What a stop mid-print leaves behind: a "recording" manifest and numbered JPEG frames."""
    (folder / "frames").mkdir(parents=True)
    started = datetime(2025, 6, 14, 10, 0, tzinfo=UTC)
    manifest = TimelapseManifest(
        print_name="Interrupted", started_at=started, status=TimelapseStatus.RECORDING
    )
    write_manifest(folder, manifest)
    for index in range(1, frames + 1):
        Image.new("RGB", (64, 48), (index * 40, 80, 160)).save(
            folder / "frames" / f"{index:06d}.jpg", "JPEG"
        )


async def test_interrupted_timelapse_is_assembled_at_start(
    hass: HomeAssistant, simulator: SimulatorThread, printer: PrinterInfo
) -> None:
    """Frames left by a stop mid-print become a video when the printer loads again."""
    folder = timelapse_dir(hass, printer.serial) / "20250614T100000Z_Interrupted"
    await hass.async_add_executor_job(_write_interrupted_recording, folder, 4)
    entry = await _setup(hass, printer)
    manager = _manager(hass, entry)
    await wait_for(hass, lambda: manager.last_timelapse is not None)
    assert manager.last_timelapse is not None
    assert manager.last_timelapse.path == folder / "timelapse.webp"
    assert manager.last_timelapse.frames == 4
    manifest = await hass.async_add_executor_job(read_manifest, folder)
    assert manifest is not None
    assert manifest.status is TimelapseStatus.DONE
    assert not await hass.async_add_executor_job((folder / "frames").exists)


@pytest.mark.parametrize(
    ("host", "code", "reported", "expected"),
    [
        ("192.168.1.5", "12345678", None, "rtsps://bblp:12345678@192.168.1.5:322/streaming/live/1"),
        ("printer.lan", "ab/c@d:e", "disable", "rtsps://bblp:ab%2Fc%40d%3Ae@printer.lan:322/streaming/live/1"),
        ("fe80::1", "12345678", "rtsps://10.0.0.9/streaming/live/1", "rtsps://bblp:12345678@[fe80::1]:322/streaming/live/1"),
        ("10.0.0.9", "12345678", "rtsps://10.0.0.9:8322/streaming/live/2", "rtsps://bblp:12345678@10.0.0.9:8322/streaming/live/2"),
        ("10.0.0.9", "12345678", "rtsps://10.0.0.9:99999/x?y", "rtsps://bblp:12345678@10.0.0.9:322/streaming/live/1"),
    ],
)  # fmt: skip
def test_rtsps_url(host: str, code: str, reported: str | None, expected: str) -> None:
    """Host from the entry, code quoted, port and path from the printer only when plausible."""
    assert rtsps_url(host, code, reported) == expected


async def test_rtsps_stills_are_shared_and_cached() -> None:
    """Callers arriving together share one grab; a fresh still is reused, a stale one not."""
    jpeg = BytesIO()
    Image.new("RGB", (32, 24)).save(jpeg, "JPEG")
    grabs: list[str] = []

    async def grab(url: str, timeout: float) -> bytes:
        grabs.append(url)
        await asyncio.sleep(0.05)
        return jpeg.getvalue()

    source = RtspStillSource(lambda: "rtsps://bblp:code@host:322/streaming/live/1", grab=grab)
    first, second = await asyncio.gather(source.get_frame(max_age=5), source.get_frame(max_age=5))
    assert first is second
    assert len(grabs) == 1
    assert (await source.get_frame(max_age=5)) is first
    newer = await source.get_frame(max_age=0)
    assert newer.sequence == first.sequence + 1
    assert len(grabs) == 2


async def test_frame_rate_cap_option(
    hass: HomeAssistant,
    simulator: SimulatorThread,
    printer: PrinterInfo,
    hass_client: ClientSessionGenerator,
) -> None:
    """The option caps what each MJPEG viewer receives, whatever the camera sends."""
    entry = await _setup(hass, printer)
    hass.config_entries.async_update_entry(entry, options={**entry.options, "camera_max_fps": 1})
    await hass.async_block_till_done()  # the options change reloads the entry
    camera_id = entity_id(hass, entry, "camera")
    client = await hass_client()
    response = await client.get(f"/api/camera_proxy_stream/{camera_id}")
    await _read_mjpeg_parts(response, 1)  # the stream is up
    start = asyncio.get_running_loop().time()
    await _read_mjpeg_parts(response, 3)
    elapsed = asyncio.get_running_loop().time() - start
    response.close()
    assert elapsed >= 2.0  # three frames at one per second take at least two seconds
