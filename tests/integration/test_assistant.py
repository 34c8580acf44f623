"""The assistant entry and the analyze_print action, against a loopback fake of the Anthropic
API driven through the real ``anthropic`` SDK."""

from __future__ import annotations

import json
from pathlib import Path

from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.bambuprint_iq.assistant import (
    CONF_API_KEY,
    CONF_BASE_URL,
    CONF_MODEL_NAME,
)
from custom_components.bambuprint_iq.const import DOMAIN
from custom_components.bambuprint_iq.history_store import storage_dir
from custom_components.bambuprint_iq.services_analysis import EVENT_ANALYSIS
from simulator.fleet import PrinterInfo
from tests.core.analysis.answers import answer, defect
from tests.core.analysis.synthetic_images import darkened, encode, print_photo
from tests.fakes.anthropic_api import (
    TEST_API_KEY,
    TEST_MODEL,
    ApiError,
    FakeAnthropicApi,
    ToolAnswer,
)

from .conftest import assistant_data, printer_device, setup_printer
from .test_entities import state_of, wait_for


@pytest.fixture
def photo_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A folder Home Assistant is allowed to read photos from."""
    folder = tmp_path / "photos"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    return folder


async def test_assistant_flow(hass: HomeAssistant, fake_api: FakeAnthropicApi) -> None:
    """The key is checked before saving; a wrong key is a field error."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert "assistant" in result["menu_options"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant"}
    )
    assert result["step_id"] == "assistant"
    assert result["menu_options"] == ["assistant_claude", "assistant_none"]  # no AI task here
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant_claude"}
    )
    assert result["step_id"] == "assistant_claude"
    user_input = {
        CONF_API_KEY: "sk-ant-wrong",
        CONF_MODEL_NAME: TEST_MODEL,
        "advanced": {CONF_BASE_URL: fake_api.base_url},
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["errors"] == {CONF_API_KEY: "invalid_api_key"}
    user_input[CONF_API_KEY] = f" {TEST_API_KEY} "
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_API_KEY] == TEST_API_KEY
    assert result["result"].unique_id == "assistant"
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert hass.config_entries.async_get_entry(result["result"].entry_id).supports_options

    again = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    again = await hass.config_entries.flow.async_configure(
        again["flow_id"], {"next_step_id": "assistant"}
    )
    assert again["type"] is FlowResultType.ABORT
    assert again["reason"] == "already_configured"


async def test_assistant_flow_provider_unreachable(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An unreachable API is a base error, not a crash."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant_claude"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: TEST_API_KEY, CONF_MODEL_NAME: TEST_MODEL,
         "advanced": {CONF_BASE_URL: "http://127.0.0.1:9"}},
    )  # fmt: skip
    assert result["errors"] == {"base": "provider_unavailable"}


async def test_revoked_key_asks_for_a_new_one(
    hass: HomeAssistant, fake_api: FakeAnthropicApi
) -> None:
    """Setup with a refused key starts reauth; the new key is checked and stored."""
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id="assistant", data=assistant_data(fake_api, "sk-ant-revoked")
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    issues = ir.async_get(hass)
    assert issues.async_get_issue(DOMAIN, "api_key_rejected") is not None  # a visible repair
    flow = hass.config_entries.flow.async_progress_by_handler(DOMAIN)[0]
    assert flow["step_id"] == "reauth_api_key"
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_API_KEY: "sk-ant-still-wrong"}
    )
    assert result["errors"] == {CONF_API_KEY: "invalid_api_key"}
    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_API_KEY: TEST_API_KEY}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert issues.async_get_issue(DOMAIN, "api_key_rejected") is None  # gone with a good key


async def test_analyze_photo_file(
    hass: HomeAssistant, assistant: MockConfigEntry, fake_api: FakeAnthropicApi, photo_dir: Path
) -> None:
    """A photo file → diagnosis with setting changes, stored under the integration folder."""
    photo = photo_dir / "benchy.jpg"
    photo.write_bytes(encode(print_photo()))
    fake_api.enqueue(ToolAnswer(answer(defect("stringing", severity="medium", confidence=0.85))))
    events = async_capture_events(hass, EVENT_ANALYSIS)
    result = await hass.services.async_call(
        DOMAIN,
        "analyze_print",
        {"images": [str(photo)], "filament": "PETG", "note": "hairs between towers"},
        blocking=True,
        return_response=True,
    )
    analysis = result["analysis"]
    assert 0 <= analysis["overall_score"] <= 10
    stringing = next(d for d in analysis["defects"] if d["type"] == "stringing")
    assert stringing["recommendations"]
    assert all("setting" in r for r in stringing["recommendations"])
    assert result["tokens_used"]
    stored = Path(hass.config.path(DOMAIN, "analyses", f"{result['id']}.json"))
    assert stored.is_file()
    assert TEST_API_KEY not in stored.read_text()
    assert events[0].data["analysis_id"] == result["id"]
    assert "stringing" in events[0].data["defects"]
    request = fake_api.requests[-1]
    assert "hairs between towers" in str(request.body)


async def test_analysis_with_printer_updates_its_sensor(
    hass: HomeAssistant,
    assistant: MockConfigEntry,
    fake_api: FakeAnthropicApi,
    photo_dir: Path,
    printer: PrinterInfo,
) -> None:
    """With a printer, its loaded filament bounds the advice and its score sensor updates."""
    entry = await setup_printer(hass, printer)
    device = printer_device(hass, entry, printer.serial)
    photo = photo_dir / "print.png"
    photo.write_bytes(encode(print_photo(), "PNG"))
    fake_api.enqueue(ToolAnswer(answer(defect("under_extrusion", confidence=0.9))))
    result = await hass.services.async_call(
        DOMAIN,
        "analyze_print",
        {"images": [str(photo)], "device_id": device.id},
        blocking=True,
        return_response=True,
    )
    await wait_for(
        hass,
        lambda: state_of(hass, entry, "last_analysis_score")
        == str(result["analysis"]["overall_score"]),
    )


async def test_analysis_input_errors(
    hass: HomeAssistant, assistant: MockConfigEntry, fake_api: FakeAnthropicApi, photo_dir: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Each bad input gets its own translated error and costs no API call."""

    async def call(data: dict[str, object]) -> None:
        await hass.services.async_call(
            DOMAIN, "analyze_print", data, blocking=True, return_response=True
        )

    outside = tmp_path / "secret.jpg"
    outside.write_bytes(encode(print_photo()))
    with pytest.raises(ServiceValidationError) as err:
        await call({"images": [str(outside)]})
    assert err.value.translation_key == "path_not_allowed"
    with pytest.raises(ServiceValidationError) as err:
        await call({"images": [str(photo_dir / "missing.jpg")]})
    assert err.value.translation_key == "photo_unreadable"
    text = photo_dir / "notes.jpg"
    text.write_text("not a photo at all")
    with pytest.raises(ServiceValidationError) as err:
        await call({"images": [str(text)]})
    assert err.value.translation_key == "image_rejected"
    dark = photo_dir / "dark.jpg"
    dark.write_bytes(encode(darkened(print_photo())))
    with pytest.raises(ServiceValidationError) as err:
        await call({"images": [str(dark)]})
    assert err.value.translation_key == "retake_photo"
    with pytest.raises(vol.Invalid):
        await call({"filament": "PLA"})  # no photo at all
    with pytest.raises(ServiceValidationError) as err:
        await call({"camera": "camera.nowhere"})
    assert err.value.translation_key == "camera_unavailable"
    assert fake_api.requests == [] or all("messages" not in str(r.path) for r in fake_api.requests)


async def test_key_revoked_during_use(
    hass: HomeAssistant, assistant: MockConfigEntry, fake_api: FakeAnthropicApi, photo_dir: Path
) -> None:
    """A 401 on an analysis is a clear error and starts the reauth flow."""
    photo = photo_dir / "benchy.jpg"
    photo.write_bytes(encode(print_photo()))
    fake_api.enqueue(ApiError(401, "authentication_error", "invalid x-api-key"))
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN, "analyze_print", {"images": [str(photo)]}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "api_key_rejected"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [f["context"]["source"] for f in flows] == ["reauth"]
    assert ir.async_get(hass).async_get_issue(DOMAIN, "api_key_rejected") is not None
    assert await hass.config_entries.async_remove(assistant.entry_id)
    assert ir.async_get(hass).async_get_issue(DOMAIN, "api_key_rejected") is None


async def test_no_assistant(hass: HomeAssistant, photo_dir: Path) -> None:
    """Without the assistant entry the action explains what to add."""
    assert await async_setup_component(hass, DOMAIN, {})
    photo = photo_dir / "benchy.jpg"
    photo.write_bytes(encode(print_photo()))
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "analyze_print", {"images": [str(photo)]}, blocking=True, return_response=True
        )
    assert err.value.translation_key == "assistant_not_configured"


async def test_assistant_reconfigured_without_ai(
    hass: HomeAssistant, assistant: MockConfigEntry, photo_dir: Path, fake_api: FakeAnthropicApi
) -> None:
    """Reconfigure switches the provider; without one, analysis says why instead of failing."""
    result = await assistant.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant_none"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert assistant.state is ConfigEntryState.LOADED
    assert CONF_API_KEY not in assistant.data  # the key is not kept once Claude is dropped
    (photo_dir / "benchy.jpg").write_bytes(encode(print_photo()))
    calls = len(fake_api.requests)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "analyze_print",
            {"images": [str(photo_dir / "benchy.jpg")]},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "assistant_without_model"
    assert len(fake_api.requests) == calls

    result = await assistant.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant_claude"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: TEST_API_KEY, CONF_MODEL_NAME: TEST_MODEL,
         "advanced": {CONF_BASE_URL: fake_api.base_url}},
    )  # fmt: skip
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert assistant.data[CONF_API_KEY] == TEST_API_KEY
    assert assistant.state is ConfigEntryState.LOADED


async def test_ai_task_step_without_entities_aborts(hass: HomeAssistant) -> None:
    """The AI task step is not offered without entities; reached anyway, it explains."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant"}
    )
    assert "assistant_ai_task" not in result["menu_options"]
    flow = hass.config_entries.flow._progress[result["flow_id"]]
    aborted = await flow.async_step_assistant_ai_task()
    assert aborted["reason"] == "no_ai_task_entity"


async def test_assistant_options_slicer_folder(
    hass: HomeAssistant, assistant: MockConfigEntry, tmp_path: Path
) -> None:
    """The Bambu Studio folder must be one Home Assistant may write to."""
    allowed = tmp_path / "studio"
    allowed.mkdir()
    hass.config.allowlist_external_dirs = {str(allowed)}
    result = await hass.config_entries.options.async_init(assistant.entry_id)
    assert result["step_id"] == "assistant"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"slicer_folder": str(tmp_path / "elsewhere")}
    )
    assert result["errors"] == {"slicer_folder": "folder_not_allowed"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"slicer_folder": str(allowed)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert assistant.options == {"slicer_folder": str(allowed), "max_analyses_per_day": 50}


async def test_media_source_photos_and_daily_cap(
    hass: HomeAssistant, assistant: MockConfigEntry, fake_api: FakeAnthropicApi, tmp_path: Path
) -> None:
    """Media-browser files are accepted (inside media folders only); the daily cap is kept."""
    media = tmp_path / "media"
    (media / "prints").mkdir(parents=True)
    (media / "prints" / "benchy.jpg").write_bytes(encode(print_photo()))
    hass.config.media_dirs = {"local": str(media)}
    hass.config_entries.async_update_entry(
        assistant, options={**assistant.options, "max_analyses_per_day": 1}
    )
    fake_api.enqueue(ToolAnswer(answer(defect("stringing", confidence=0.8))))
    result = await hass.services.async_call(
        DOMAIN,
        "analyze_print",
        {"media": ["media-source://media_source/local/prints/benchy.jpg"]},
        blocking=True,
        return_response=True,
    )
    assert result["analysis"]["defects"]
    sent = len(fake_api.requests)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "analyze_print",
            {"media": ["media-source://media_source/local/prints/benchy.jpg"]},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "daily_cap_reached"
    assert len(fake_api.requests) == sent  # refused before anything was sent

    hass.config_entries.async_update_entry(
        assistant, options={**assistant.options, "max_analyses_per_day": 50}
    )
    snapshot = storage_dir(hass) / "snapshots" / "01P00A000000001_20261124-101500.jpg"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(encode(print_photo()))
    fake_api.enqueue(ToolAnswer(answer(defect("stringing", confidence=0.8))))
    result = await hass.services.async_call(
        DOMAIN,
        "analyze_print",
        {"media": [f"media-source://{DOMAIN}/snapshots/{snapshot.name}"]},
        blocking=True,
        return_response=True,
    )  # a snapshot picked in the media browser under "BambuPrint IQ"
    assert result["analysis"]["defects"]

    for bad in (
        "media-source://media_source/local/../../etc/passwd",
        "media-source://radio_browser/some-station",
        f"media-source://{DOMAIN}/history/prints.json",
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN, "analyze_print", {"media": [bad]}, blocking=True, return_response=True
            )
        assert err.value.translation_key == "media_not_supported"


async def test_assistant_diagnostics_name_the_provider_not_the_key(
    hass: HomeAssistant,
    assistant: MockConfigEntry,
    hass_client: ClientSessionGenerator,
) -> None:
    """The diagnostics download of the assistant says which model runs, never the key."""
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, assistant)
    assert diagnostics["provider"] == "claude"
    assert diagnostics["model"] == TEST_MODEL
    assert diagnostics["stored_analyses"] == 0
    assert TEST_API_KEY not in json.dumps(diagnostics)
