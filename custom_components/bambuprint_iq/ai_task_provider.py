"""A Home Assistant AI task entity as the vision provider.

Users who already set up a model in Home Assistant (OpenAI, Google, Ollama, Anthropic …)
can use it instead of a separate Claude key. AI tasks exist from Home Assistant 2025.8 on;
this provider only talks to the public ``ai_task.generate_data`` action and reads entity
states, so nothing here imports the AI task integration and older versions simply do not
offer it. The answer comes back as text and goes through the same validation as Claude's.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Final

from homeassistant.const import ATTR_SUPPORTED_FEATURES, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceNotFound, ServiceValidationError

from .ai_task_attachments import async_attachments
from .core.analysis import (
    InvalidModelOutput,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    TokenUsage,
    VisionReply,
    VisionRequest,
    extract_json_object,
)

AI_TASK_DOMAIN: Final = "ai_task"
GENERATE_DATA_SERVICE: Final = "generate_data"
_GENERATE_DATA: Final = 1
_SUPPORT_ATTACHMENTS: Final = 2
DEFAULT_TIMEOUT_S: Final = 180.0


def ai_task_available(hass: HomeAssistant) -> bool:
    """True when this Home Assistant runs the AI task integration."""
    return hass.services.has_service(AI_TASK_DOMAIN, GENERATE_DATA_SERVICE)


def ai_task_entities(hass: HomeAssistant) -> list[str]:
    """AI task entities that can generate data from pictures."""
    if not ai_task_available(hass):
        return []
    wanted = _GENERATE_DATA | _SUPPORT_ATTACHMENTS
    return sorted(
        state.entity_id
        for state in hass.states.async_all(AI_TASK_DOMAIN)
        if int(state.attributes.get(ATTR_SUPPORTED_FEATURES) or 0) & wanted == wanted
    )


def task_instructions(request: VisionRequest) -> str:
    """System and user prompt in one text, with the answer's schema spelled out.

    AI tasks have no tools, so the model is told to write the JSON a tool would have
    received.
    """
    schema = json.dumps(request.answer_schema, default=dict)
    return "\n\n".join(
        (
            request.system_prompt,
            request.user_prompt,
            f"There is no {request.answer_name} tool in this conversation. Instead of calling "
            "it, answer with exactly one JSON object that the tool would have received, and "
            f"nothing else. It must follow this JSON schema:\n{schema}",
        )
    )


def _answer(response: Any) -> dict[str, object]:
    data = response.get("data") if isinstance(response, dict) else None
    if isinstance(data, dict):
        return {str(key): value for key, value in data.items()}
    if isinstance(data, str) and data.strip():
        return extract_json_object(data)
    raise InvalidModelOutput("the AI task answered without a JSON object")


class AiTaskVisionProvider:
    """A ``VisionProvider`` that runs ``ai_task.generate_data`` on one entity."""

    name = "ai_task"

    def __init__(
        self, hass: HomeAssistant, entity_id: str, *, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> None:
        """Nothing is checked here: the entity may come up after this entry."""
        self._hass = hass
        self._entity_id = entity_id
        self._timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"AiTaskVisionProvider(entity_id={self._entity_id!r})"

    @property
    def model(self) -> str:
        """The AI task entity stands for the model the user configured behind it."""
        return self._entity_id

    def check_ready(self) -> None:
        """Raise ``ProviderUnavailable`` when the entity cannot take a task right now."""
        if not ai_task_available(self._hass):
            raise ProviderUnavailable("this Home Assistant has no AI task integration")
        state = self._hass.states.get(self._entity_id)
        if state is None or state.state == STATE_UNAVAILABLE:
            raise ProviderUnavailable(f"{self._entity_id} is not available")

    async def analyze(self, request: VisionRequest) -> VisionReply:
        """Hand the photos over as media-source items; parse the JSON text that comes back."""
        self.check_ready()
        try:
            async with async_attachments(self._hass, request.images) as attachments:
                data: dict[str, Any] = {
                    "task_name": f"BambuPrint IQ {request.answer_name}",
                    "entity_id": self._entity_id,
                    "instructions": task_instructions(request),
                }
                if attachments:
                    data["attachments"] = attachments
                async with asyncio.timeout(self._timeout_s):
                    response = await self._hass.services.async_call(
                        AI_TASK_DOMAIN,
                        GENERATE_DATA_SERVICE,
                        data,
                        blocking=True,
                        return_response=True,
                    )
        except TimeoutError:
            raise ProviderTimeout(
                f"{self._entity_id} did not answer within {self._timeout_s:g} s"
            ) from None
        except ServiceNotFound:
            raise ProviderUnavailable("this Home Assistant has no AI task integration") from None
        except ServiceValidationError as err:
            raise ProviderRequestRejected(f"{self._entity_id} refused the task: {err}") from None
        except HomeAssistantError as err:
            raise ProviderUnavailable(f"{self._entity_id} failed: {err}") from None
        return VisionReply(raw=_answer(response), usage=TokenUsage(), model=self.model)

    async def async_close(self) -> None:
        """Nothing to close: the entity belongs to another integration."""
