"""The assistant's AI provider as the last resort of filament lookups.

The filament library lives for the whole installation, while the assistant entry can be
added, reloaded or removed at any time; so the provider is looked up at the moment a
lookup needs it. The library itself remembers what a page gave, so a page is read by the
model at most once per cache period.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant

from .assistant import loaded_assistant
from .core.analysis import VisionSpecExtractor
from .core.filament import ExtractionRequest, ExtractionUnavailable


class AssistantSpecExtractor:
    """``SpecExtractor`` backed by whichever provider the loaded assistant entry has."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is asked until the library needs a page read."""
        self._hass = hass

    async def extract_filament_spec(self, request: ExtractionRequest) -> Mapping[str, Any]:
        """Ask the assistant's model; raise ``ExtractionUnavailable`` when there is none."""
        assistant = loaded_assistant(self._hass)
        if assistant is None or not assistant.runtime_data.has_model:
            raise ExtractionUnavailable("no BambuPrint IQ assistant with an AI provider")
        extractor = VisionSpecExtractor(assistant.runtime_data.provider)
        return await extractor.extract_filament_spec(request)
