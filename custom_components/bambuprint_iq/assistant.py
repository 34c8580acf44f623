"""The "BambuPrint IQ assistant" entry: the one place the AI provider and its key live.

Users without a printer use photo analysis through it; printer entries use it too, so an API
key is never stored twice. The provider is Claude (own key), an AI task entity the user
already has in Home Assistant, or none (profiles and history only).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.httpx_client import get_async_client

from .ai_task_provider import AiTaskVisionProvider
from .const import DOMAIN
from .core.analysis import (
    AnalysisStore,
    ApiKeyRejected,
    ClaudeSettings,
    ClaudeVisionProvider,
    PhotoAnalyzer,
    ProviderError,
    ProviderUnavailable,
    VisionReply,
    VisionRequest,
    async_create_claude_provider,
)
from .history_store import storage_dir

ENTRY_TYPE: Final = "entry_type"
ENTRY_TYPE_ASSISTANT: Final = "assistant"
CONF_API_KEY: Final = "api_key"
CONF_MODEL_NAME: Final = "model_name"
CONF_BASE_URL: Final = "base_url"
CONF_SLICER_FOLDER: Final = "slicer_folder"
CONF_DAILY_CAP: Final = "max_analyses_per_day"
CONF_PROVIDER: Final = "provider"
CONF_AI_TASK_ENTITY: Final = "ai_task_entity"
DEFAULT_MODEL: Final = "claude-sonnet-4-5"
ISSUE_API_KEY_REJECTED: Final = "api_key_rejected"


class ProviderKind(StrEnum):
    """Which model answers; entries made before the choice existed are Claude entries."""

    CLAUDE = "claude"
    AI_TASK = "ai_task"
    NONE = "none"


class NoModel:
    """The provider of an assistant set up without AI: every call is refused clearly."""

    name = "none"
    model = "none"

    async def analyze(self, request: VisionRequest) -> VisionReply:
        """Refuse; callers check ``AssistantRuntime.has_model`` first."""
        raise ProviderUnavailable("the assistant has no AI provider; choose one in its settings")

    async def async_close(self) -> None:
        """Nothing to close."""


type AssistantProvider = ClaudeVisionProvider | AiTaskVisionProvider | NoModel


@dataclass(slots=True)
class AssistantRuntime:
    """What a loaded assistant entry owns."""

    provider: AssistantProvider
    analyzer: PhotoAnalyzer
    store: AnalysisStore

    @property
    def has_model(self) -> bool:
        """False for an assistant set up without an AI provider."""
        return not isinstance(self.provider, NoModel)


type AssistantConfigEntry = ConfigEntry[AssistantRuntime]


def is_assistant(entry: ConfigEntry) -> bool:
    """Assistant entries and printer entries share the domain."""
    return entry.data.get(ENTRY_TYPE) == ENTRY_TYPE_ASSISTANT


def provider_kind(data: dict[str, Any]) -> ProviderKind:
    """The entry's provider choice."""
    return ProviderKind(data.get(CONF_PROVIDER) or ProviderKind.CLAUDE)


def claude_settings(data: dict[str, Any]) -> ClaudeSettings:
    """Provider settings from entry data (or config flow input)."""
    return ClaudeSettings(
        api_key=data[CONF_API_KEY],
        model=data.get(CONF_MODEL_NAME) or DEFAULT_MODEL,
        base_url=data.get(CONF_BASE_URL) or None,
    )


async def async_create_provider(hass: HomeAssistant, data: dict[str, Any]) -> ClaudeVisionProvider:
    """Build the provider on HA's shared HTTP client (the SDK falls back to its own if needed)."""
    return await async_create_claude_provider(claude_settings(data), get_async_client(hass))


async def async_setup_assistant(hass: HomeAssistant, entry: AssistantConfigEntry) -> None:
    """Check the provider once at start-up; a revoked key asks the user for a new one."""
    try:
        provider = await _async_ready_provider(hass, dict(entry.data))
    except ConfigEntryAuthFailed:
        _raise_key_issue(hass)
        raise
    ir.async_delete_issue(hass, DOMAIN, ISSUE_API_KEY_REJECTED)
    store = AnalysisStore(storage_dir(hass) / "analyses")
    entry.runtime_data = AssistantRuntime(provider, PhotoAnalyzer(provider, store=store), store)


async def _async_ready_provider(hass: HomeAssistant, data: dict[str, Any]) -> AssistantProvider:
    kind = provider_kind(data)
    if kind is ProviderKind.NONE:
        return NoModel()
    if kind is ProviderKind.AI_TASK:
        task_provider = AiTaskVisionProvider(hass, str(data[CONF_AI_TASK_ENTITY]))
        try:
            task_provider.check_ready()
        except ProviderError as err:
            raise _not_ready(err) from err
        return task_provider
    provider = await async_create_provider(hass, data)
    try:
        await provider.validate_api_key()
    except ApiKeyRejected as err:
        await provider.async_close()
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN, translation_key="api_key_rejected"
        ) from err
    except ProviderError as err:
        await provider.async_close()
        raise _not_ready(err) from err
    return provider


def _raise_key_issue(hass: HomeAssistant) -> None:
    """A repair that stays until a working key is saved (reauth alone is easy to miss)."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        ISSUE_API_KEY_REJECTED,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_API_KEY_REJECTED,
    )


@callback
def async_api_key_rejected(hass: HomeAssistant, entry: AssistantConfigEntry) -> None:
    """The provider refused the key while in use: raise the repair and ask for a new key."""
    _raise_key_issue(hass)
    entry.async_start_reauth(hass)


def _not_ready(err: ProviderError) -> ConfigEntryNotReady:
    return ConfigEntryNotReady(
        translation_domain=DOMAIN,
        translation_key="provider_unavailable",
        translation_placeholders={"error": str(err)},
    )


async def async_unload_assistant(entry: AssistantConfigEntry) -> None:
    """Close the SDK's own HTTP client if it had to make one."""
    await entry.runtime_data.provider.async_close()


def loaded_assistant(hass: HomeAssistant) -> AssistantConfigEntry | None:
    """The assistant entry when it is set up."""
    for entry in hass.config_entries.async_entries(DOMAIN):
        if is_assistant(entry) and entry.state is ConfigEntryState.LOADED:
            return entry
    return None
