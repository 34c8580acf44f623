"""The assistant with a Home Assistant AI task entity as its model (Home Assistant ≥ 2025.8).

The AI task integration, its action, the media-source hand-off of photos and this
integration run for real. The AI task entity itself is a stand-in: behind a real one sits a
cloud or local model that cannot run here, so this entity answers from a script and records
what it was given (instructions and the attached files, which it opens like a model would).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
import io
import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import SOURCE_USER, ConfigEntry, ConfigEntryState, ConfigFlow
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.setup import async_setup_component
from PIL import Image
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    MockPlatform,
    mock_config_flow,
    mock_integration,
    mock_platform,
)

from custom_components.bambuprint_iq.assistant import (
    CONF_AI_TASK_ENTITY,
    CONF_PROVIDER,
    ENTRY_TYPE,
    ENTRY_TYPE_ASSISTANT,
)
from custom_components.bambuprint_iq.const import DOMAIN
from custom_components.bambuprint_iq.history_store import storage_dir
from tests.core.analysis.answers import answer, defect
from tests.core.analysis.synthetic_images import encode, print_photo

ai_task = pytest.importorskip("homeassistant.components.ai_task")
STAND_IN = "bpiq_stand_in_model"
ENTITY_ID = "ai_task.stand_in_vision"


@dataclass
class SeenTask:
    """What the stand-in model received."""

    instructions: str
    attachments: list[tuple[str, Path, bytes]] = field(default_factory=list)


class StandInTaskEntity(ai_task.AITaskEntity):  # type: ignore[misc,name-defined]
    """An AI task entity that accepts pictures and answers from a script."""

    _attr_name = "Stand-in vision"
    _attr_supported_features = (
        ai_task.AITaskEntityFeature.GENERATE_DATA | ai_task.AITaskEntityFeature.SUPPORT_ATTACHMENTS
    )

    def __init__(self, answers: list[str | Exception]) -> None:
        self._attr_unique_id = "vision"
        self.answers = answers
        self.seen: list[SeenTask] = []

    async def _async_generate_data(self, task: Any, chat_log: Any) -> Any:
        seen = SeenTask(task.instructions)
        for attachment in task.attachments or []:
            data = await self.hass.async_add_executor_job(attachment.path.read_bytes)
            seen.attachments.append((attachment.mime_type, attachment.path, data))
        self.seen.append(seen)
        reply = self.answers.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return ai_task.GenDataTaskResult(conversation_id=chat_log.conversation_id, data=reply)


class StandInFlow(ConfigFlow):
    """The stand-in model's integration needs a flow handler for its entry."""


@pytest.fixture
async def stand_in(hass: HomeAssistant) -> AsyncIterator[StandInTaskEntity]:
    """The AI task integration with one picture-capable entity."""
    entity = StandInTaskEntity([])

    async def setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
        await hass.config_entries.async_forward_entry_setups(entry, ["ai_task"])
        return True

    async def setup_platform(
        hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback
    ) -> None:
        add([entity])

    mock_integration(hass, MockModule(STAND_IN, async_setup_entry=setup_entry))
    mock_platform(hass, f"{STAND_IN}.config_flow")
    mock_platform(hass, f"{STAND_IN}.ai_task", MockPlatform(async_setup_entry=setup_platform))
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "ai_task", {})
    model_entry = MockConfigEntry(domain=STAND_IN)
    model_entry.add_to_hass(hass)
    with mock_config_flow(STAND_IN, StandInFlow):
        assert await hass.config_entries.async_setup(model_entry.entry_id)
        await hass.async_block_till_done()
        assert hass.states.get(ENTITY_ID) is not None
        yield entity


async def _assistant_via_flow(hass: HomeAssistant) -> ConfigEntry:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant"}
    )
    assert result["menu_options"] == ["assistant_claude", "assistant_ai_task", "assistant_none"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "assistant_ai_task"}
    )
    assert result["step_id"] == "assistant_ai_task"
    with pytest.raises(InvalidData):  # only picture-capable AI task entities are offered
        await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_AI_TASK_ENTITY: "ai_task.does_not_exist"}
        )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_AI_TASK_ENTITY: ENTITY_ID}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        ENTRY_TYPE: ENTRY_TYPE_ASSISTANT,
        CONF_PROVIDER: "ai_task",
        CONF_AI_TASK_ENTITY: ENTITY_ID,
    }
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    return entry


@pytest.fixture
def photo(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A print photo in a folder Home Assistant may read."""
    folder = tmp_path / "photos"
    folder.mkdir()
    hass.config.allowlist_external_dirs = {str(folder)}
    path = folder / "benchy.jpg"
    path.write_bytes(encode(print_photo()))
    return path


async def _analyze(hass: HomeAssistant, photo: Path) -> dict[str, Any]:
    return await hass.services.async_call(  # type: ignore[no-any-return]
        DOMAIN, "analyze_print", {"images": [str(photo)]}, blocking=True, return_response=True
    )


async def test_photo_analysis_through_an_ai_task(
    hass: HomeAssistant, stand_in: StandInTaskEntity, photo: Path
) -> None:
    """The photo reaches the entity as a JPEG file; the JSON text answer becomes advice."""
    await _assistant_via_flow(hass)
    stand_in.answers.append(
        "Here is the report:\n```json\n"
        + json.dumps(answer(defect("stringing", severity="high", confidence=0.9)))
        + "\n```"
    )

    result = await _analyze(hass, photo)

    assert result["provider"] == "ai_task"
    assert result["model"] == ENTITY_ID
    assert [d["type"] for d in result["analysis"]["defects"]] == ["stringing"]
    assert result["analysis"]["defects"][0]["recommendations"]
    (seen,) = stand_in.seen
    assert "JSON schema" in seen.instructions
    assert '"defects"' in seen.instructions
    ((mime, path, data),) = seen.attachments
    assert mime == "image/jpeg"
    assert path.is_relative_to(storage_dir(hass) / "ai_task")
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 1568
    assert not path.exists()  # the hand-off file is gone after the call


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("I cannot see a print in this photo.", "analysis_failed"),
        (HomeAssistantError("model backend offline"), "analysis_failed"),
    ],
)
async def test_bad_ai_task_answers_are_clear_errors(
    hass: HomeAssistant,
    stand_in: StandInTaskEntity,
    photo: Path,
    reply: str | Exception,
    expected: str,
) -> None:
    """Prose instead of JSON, or a failing backend: a translated error, files cleaned up."""
    await _assistant_via_flow(hass)
    stand_in.answers.append(reply)

    with pytest.raises(HomeAssistantError) as err:
        await _analyze(hass, photo)

    assert err.value.translation_key == expected
    assert not any((storage_dir(hass) / "ai_task").iterdir())


async def test_missing_ai_task_entity_retries_setup(
    hass: HomeAssistant, stand_in: StandInTaskEntity
) -> None:
    """An entry whose entity is gone waits (setup retry) instead of failing analyses later."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="assistant",
        data={ENTRY_TYPE: ENTRY_TYPE_ASSISTANT, CONF_PROVIDER: "ai_task",
              CONF_AI_TASK_ENTITY: "ai_task.removed"},
    )  # fmt: skip
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_filament_page_read_by_the_ai_task(
    hass: HomeAssistant, stand_in: StandInTaskEntity
) -> None:
    """The filament library's last resort works with an AI task too (text only)."""
    await _assistant_via_flow(hass)
    from custom_components.bambuprint_iq.core.filament.llm import build_request
    from custom_components.bambuprint_iq.filament_model import AssistantSpecExtractor

    stand_in.answers.append('{"nozzle_temp_min": 205, "nozzle_temp_max": 215}')
    extract: Callable[..., Any] = AssistantSpecExtractor(hass).extract_filament_spec
    request = build_request(
        brand="Example Works", product="Alpha PLA", material="PLA", url=None,
        text="Print between 205 and 215 degrees.",
    )  # fmt: skip

    values = await extract(request)

    assert values == {"nozzle_temp_min": 205, "nozzle_temp_max": 215}
    (seen,) = stand_in.seen
    assert seen.attachments == []
    assert "Print between 205 and 215 degrees." in seen.instructions


async def test_failure_watch_frame_scored_by_the_ai_task(
    hass: HomeAssistant, stand_in: StandInTaskEntity
) -> None:
    """The in-print check uses the same provider: one frame in, a failure score out."""
    entry = await _assistant_via_flow(hass)
    stand_in.answers.append(json.dumps(answer(defect("spaghetti", confidence=0.8))))

    check = await entry.runtime_data.analyzer.check_frame(encode(print_photo()))

    assert check.score == pytest.approx(0.8)
    (seen,) = stand_in.seen
    assert len(seen.attachments) == 1
