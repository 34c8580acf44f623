"""Snapshots and timelapses in the media browser, served only to logged-in users.

Real components: Home Assistant's media source and HTTP server, this integration's media
source platform and file view, real files under ``<config>/bambuprint_iq``.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from homeassistant.components import media_source
from homeassistant.config_entries import ConfigEntryDisabler
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.bambuprint_iq.const import CONF_SERIAL, DOMAIN
from custom_components.bambuprint_iq.history_store import storage_dir
from tests.core.analysis.synthetic_images import encode, print_photo

SERIAL = "01P00A451601106"
ROOT = f"media-source://{DOMAIN}"


@pytest.fixture
async def media(hass: HomeAssistant) -> dict[str, Path]:
    """A snapshot, a timelapse and a hand-off photo on disk; the browser set up."""
    base = storage_dir(hass)
    files = {
        "snapshot": base / "snapshots" / f"{SERIAL}_20261124-101500.jpg",
        "timelapse": base / "timelapses" / SERIAL / "benchy.mp4",
        "handoff": base / "ai_task" / "0123abcd.jpg",
        "secret": base / "history" / "prints.json",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    files["snapshot"].write_bytes(encode(print_photo(320, 240)))
    files["timelapse"].write_bytes(b"\x00\x00\x00\x18ftypmp42")
    files["handoff"].write_bytes(encode(print_photo(320, 240)))
    files["secret"].write_text("{}")
    MockConfigEntry(  # only its name is needed: disabled, so it does not try to connect
        domain=DOMAIN,
        title="Workshop P1S",
        data={CONF_SERIAL: SERIAL},
        disabled_by=ConfigEntryDisabler.USER,
    ).add_to_hass(hass)
    assert await async_setup_component(hass, "media_source", {})
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()  # the media source platform is registered in a task
    return files


async def test_browse_snapshots_and_timelapses(hass: HomeAssistant, media: dict[str, Path]) -> None:
    """Root → Snapshots / Timelapses; timelapse folders carry the printer's name."""
    root = await media_source.async_browse_media(hass, ROOT)
    assert [child.title for child in root.children] == ["Snapshots", "Timelapses"]

    snapshots = await media_source.async_browse_media(hass, f"{ROOT}/snapshots")
    assert [child.title for child in snapshots.children] == [media["snapshot"].name]
    assert snapshots.children[0].can_play
    assert snapshots.children[0].thumbnail.startswith(f"/api/{DOMAIN}/media/snapshots/")

    printers = await media_source.async_browse_media(hass, f"{ROOT}/timelapses")
    assert [child.title for child in printers.children] == ["Workshop P1S"]
    videos = await media_source.async_browse_media(hass, f"{ROOT}/timelapses/{SERIAL}")
    assert [(child.title, child.media_content_type) for child in videos.children] == [
        ("benchy.mp4", "video/mp4")
    ]

    with pytest.raises(media_source.Unresolvable):
        await media_source.async_browse_media(hass, f"{ROOT}/history")


async def test_files_are_served_only_with_login_or_signed_link(
    hass: HomeAssistant,
    media: dict[str, Path],
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A resolved item is a short-lived signed link; without it nothing is served."""
    played = await media_source.async_resolve_media(
        hass, f"{ROOT}/snapshots/{media['snapshot'].name}", None
    )
    assert played.mime_type == "image/jpeg"
    assert "authSig=" in played.url
    anonymous = await hass_client_no_auth()
    response = await anonymous.get(played.url)
    assert response.status == HTTPStatus.OK
    assert await response.read() == media["snapshot"].read_bytes()

    unsigned = played.url.split("?", 1)[0]
    assert (await anonymous.get(unsigned)).status == HTTPStatus.UNAUTHORIZED
    user = await hass_client()
    assert (await user.get(unsigned)).status == HTTPStatus.OK
    assert (await user.get(f"/api/{DOMAIN}/media/ai_task/0123abcd.jpg")).status == HTTPStatus.OK


@pytest.mark.parametrize(
    "identifier",
    [
        "history/prints.json",
        "snapshots/../history/prints.json",
        "snapshots/%2e%2e/history/prints.json",
        "snapshots/missing.jpg",
        "timelapses",
        "../configuration.yaml",
    ],
)
async def test_nothing_else_is_reachable(
    hass: HomeAssistant,
    media: dict[str, Path],
    hass_client: ClientSessionGenerator,
    identifier: str,
) -> None:
    """Other folders, other file types, path tricks and missing files: unresolvable / 404."""
    with pytest.raises(media_source.Unresolvable):
        await media_source.async_resolve_media(hass, f"{ROOT}/{identifier}", None)
    user = await hass_client()
    response = await user.get(f"/api/{DOMAIN}/media/{identifier}")
    assert response.status == HTTPStatus.NOT_FOUND
