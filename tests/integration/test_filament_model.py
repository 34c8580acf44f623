"""Filament lookups read a manufacturer page with the assistant's model as the last resort.

Real components: the filament databases and the product page on a loopback web server, the
assistant entry with the official Anthropic SDK talking to the loopback Messages API fake.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.fakes.anthropic_api import FakeAnthropicApi, ToolAnswer
from tests.fakes.filament_web import FilamentWeb, product_page

PAGE_TEXT = "Our lab's hotend sweet spot runs from 205 up until 215, cool plate friendly."
QUERY = {"query": "Example Works Alpha PLA"}


async def _lookup(hass: HomeAssistant) -> dict[str, Any]:
    return await hass.services.async_call(  # type: ignore[no-any-return]
        "bambuprint_iq", "lookup_filament", QUERY, blocking=True, return_response=True
    )


def _llm_outcomes(result: dict[str, Any]) -> list[str]:
    return [a["outcome"] for a in result["sources_consulted"] if a["source"] == "llm_extraction"]


async def test_model_reads_the_page_and_only_grounded_values_survive(
    hass: HomeAssistant,
    filament_site: FilamentWeb,
    fake_api: FakeAnthropicApi,
    assistant: MockConfigEntry,
) -> None:
    """The page has no spec table; the model's 205-215 is on the page, its 999 °C bed is not."""
    filament_site.add("/products/alpha-pla", product_page(title="Alpha PLA", filler=PAGE_TEXT))
    fake_api.enqueue(ToolAnswer({"nozzle_temp_min": 205, "nozzle_temp_max": 215, "bed_temp": 999}))

    result = await _lookup(hass)

    settings = result["spec"]["settings"]
    assert settings["nozzle_temp"]["value"] == {"min": 205, "max": 215}
    assert settings["nozzle_temp"]["source"] == "llm_extraction"
    assert settings["bed_temp"]["source"] != "llm_extraction"
    request = fake_api.requests[-1].body
    assert request["tools"][0]["name"] == "report_filament_settings"
    assert request["tools"][0]["input_schema"]["properties"]["enclosure"]["enum"]
    blocks = request["messages"][0]["content"]
    assert [block["type"] for block in blocks] == ["text"]  # text only: no image is sent
    assert PAGE_TEXT in blocks[0]["text"]
    assert "nozzle_temp_min" in request["system"][0]["text"]

    calls = len(fake_api.requests)
    again = await _lookup(hass)
    assert again["spec"]["settings"]["nozzle_temp"]["source"] == "llm_extraction"
    assert len(fake_api.requests) == calls  # the page's answer is remembered


async def test_unreadable_page_is_not_sent_twice(
    hass: HomeAssistant,
    filament_site: FilamentWeb,
    fake_api: FakeAnthropicApi,
    assistant: MockConfigEntry,
) -> None:
    """A model answer with nothing grounded falls back to defaults and is not asked again."""
    filament_site.add("/products/alpha-pla", product_page(title="Alpha PLA", filler=PAGE_TEXT))
    fake_api.enqueue(ToolAnswer({"bed_temp": 60}))

    first = await _lookup(hass)
    second = await _lookup(hass)

    assert first["spec"]["settings"]["nozzle_temp"]["source"] == "material_default"
    assert _llm_outcomes(first) == ["model output had no value grounded in the source text"]
    assert second["spec"]["settings"]["nozzle_temp"]["source"] == "material_default"
    assert sum(1 for r in fake_api.requests if r.path == "/v1/messages") == 1


async def test_without_an_assistant_the_model_step_is_skipped(
    hass: HomeAssistant,
    filament_site: FilamentWeb,
) -> None:
    """No AI provider configured: the lookup still answers and says why no model was asked."""
    filament_site.add("/products/alpha-pla", product_page(title="Alpha PLA", filler=PAGE_TEXT))

    result = await _lookup(hass)

    assert result["spec"]["settings"]["nozzle_temp"]["source"] == "material_default"
    outcome = _llm_outcomes(result)
    assert len(outcome) == 1
    assert outcome[0].startswith("model extraction skipped")
