"""Claude vision provider on the official ``anthropic`` SDK.

Uses only long-stable SDK surface (``AsyncAnthropic(api_key, base_url, http_client,
max_retries)`` and ``messages.create``) so it runs on the SDK Home Assistant pins and on
newer releases. The SDK's own retries are off: this module retries with bounds that
honour ``retry-after``, and maps every failure to a typed error.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from datetime import UTC, datetime
from functools import partial
from types import MappingProxyType
from typing import Literal, TypeVar

import anthropic
from anthropic.types import (
    ImageBlockParam,
    Message,
    MessageParam,
    TextBlock,
    TextBlockParam,
    ToolChoiceAutoParam,
    ToolChoiceToolParam,
    ToolParam,
    ToolUseBlock,
)
import httpx

from .claude_errors import final_error, rejects_forced_tool, retry_delay
from .claude_settings import ClaudeSettings
from .errors import (
    InvalidModelOutput,
    ModelRefused,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
)
from .image_prepare import PreparedImage
from .json_extract import extract_json_object
from .provider import TokenUsage, VisionReply, VisionRequest

Sleeper = Callable[[float], Awaitable[None]]
Clock = Callable[[], datetime]
_T = TypeVar("_T")
_MediaType = Literal["image/jpeg", "image/png", "image/gif", "image/webp"]
_MEDIA_TYPES: Mapping[str, _MediaType] = MappingProxyType(
    {
        "image/jpeg": "image/jpeg",
        "image/png": "image/png",
        "image/gif": "image/gif",
        "image/webp": "image/webp",
    }
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ClaudeVisionProvider:
    """A ``VisionProvider`` that asks Claude through the Messages API.

    Build it with ``async_create_claude_provider`` inside an event loop: the SDK client
    is constructed in an executor because it may read platform details from disk.
    """

    name = "claude"

    def __init__(
        self,
        settings: ClaudeSettings,
        http_client: httpx.AsyncClient | None = None,
        *,
        sleep: Sleeper = asyncio.sleep,
        clock: Clock = _utc_now,
    ) -> None:
        """Blocking (SDK construction); prefer ``async_create_claude_provider``.

        ``http_client`` is used when the installed SDK accepts it. SDK 1.x and later run
        on ``httpx2`` and refuse an ``httpx`` client; then the SDK builds its own client,
        which ``async_close`` closes again.
        """
        self._settings = settings
        self._sleep = sleep
        self._clock = clock
        self._force_tool = settings.force_tool
        self._owns_client = http_client is None
        try:
            self._client = _sdk_client(settings, http_client)
        except TypeError:
            if http_client is None:
                raise
            self._client = _sdk_client(settings, None)
            self._owns_client = True
        warm_up = getattr(self._client, "platform_headers", None)
        if callable(warm_up):
            warm_up()  # caches the platform probe so no request does it in the event loop

    def __repr__(self) -> str:
        return f"ClaudeVisionProvider(model={self._settings.model!r})"

    @property
    def model(self) -> str:
        """The model id sent with every request."""
        return self._settings.model

    async def analyze(self, request: VisionRequest) -> VisionReply:
        """Send the images and prompts; return the answer dict and usage."""
        notes: list[str] = []
        while True:
            forced = self._force_tool
            try:
                result: object = await self._with_retries(partial(self._create, request, forced))
            except anthropic.APIStatusError as err:
                if forced and rejects_forced_tool(err):
                    self._force_tool = False
                    notes.append("model refused a forced tool; used automatic tool choice")
                    continue
                raise final_error(err, model=self.model) from None
            break
        if not isinstance(result, Message):
            raise ProviderUnavailable("the API answered with something that is not a message")
        raw, usage = _read_message(result, request.answer_name)
        return VisionReply(
            raw=raw,
            usage=usage,
            model=str(getattr(result, "model", None) or self.model),
            notes=tuple(notes),
        )

    @property
    def owns_http_client(self) -> bool:
        """True when the SDK created its own HTTP client (close it with ``async_close``)."""
        return self._owns_client

    async def async_close(self) -> None:
        """Close the SDK's own HTTP client; an injected client is left to its owner."""
        if self._owns_client:
            await self._client.close()

    async def validate_api_key(self) -> None:
        """Make one cheap authenticated call (list models); raise ``ApiKeyRejected`` etc."""
        try:
            await self._with_retries(self._list_models)
        except anthropic.APIStatusError as err:
            raise final_error(err, model=self.model) from None

    async def _list_models(self) -> object:
        return await self._client.models.list(limit=1, timeout=self._settings.timeout_s)

    async def _create(self, request: VisionRequest, forced: bool) -> object:
        tool_choice = _forced_choice(request.answer_name) if forced else _auto_choice()
        return await self._client.messages.create(
            model=self._settings.model,
            max_tokens=self._settings.max_tokens,
            system=[_system_block(request.system_prompt)],
            messages=[_user_message(request)],
            tools=[_answer_tool(request)],
            tool_choice=tool_choice,
            timeout=self._settings.timeout_s,
        )

    async def _with_retries(self, call: Callable[[], Awaitable[_T]]) -> _T:
        """Run ``call``; retry 429/5xx/529 within the policy, raise typed errors otherwise.

        Only a refused forced tool escapes as ``anthropic.APIStatusError``: the caller
        decides whether to fall back to automatic tool choice.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return await call()
            except anthropic.APITimeoutError:
                raise ProviderTimeout(
                    f"Claude did not answer within {self._settings.timeout_s:g} s"
                ) from None
            except anthropic.APIConnectionError as err:
                raise ProviderUnavailable(f"cannot reach the Anthropic API ({err})") from None
            except (anthropic.APIResponseValidationError, ValueError):
                raise ProviderUnavailable("the Anthropic API sent a malformed response") from None
            except anthropic.APIStatusError as err:
                if rejects_forced_tool(err):
                    raise
                delay = retry_delay(
                    err,
                    attempt=attempt,
                    policy=self._settings.retry,
                    model=self.model,
                    now=self._clock(),
                )
                await self._sleep(delay)


async def async_create_claude_provider(
    settings: ClaudeSettings,
    http_client: httpx.AsyncClient | None = None,
    *,
    executor: Executor | None = None,
    sleep: Sleeper = asyncio.sleep,
) -> ClaudeVisionProvider:
    """Construct the provider in an executor so nothing blocks the event loop."""
    loop = asyncio.get_running_loop()
    build = partial(ClaudeVisionProvider, settings, http_client, sleep=sleep)
    return await loop.run_in_executor(executor, build)


def _sdk_client(
    settings: ClaudeSettings, http_client: httpx.AsyncClient | None
) -> anthropic.AsyncAnthropic:
    return anthropic.AsyncAnthropic(
        api_key=settings.api_key,
        base_url=settings.base_url,
        http_client=http_client,
        max_retries=0,
    )


def _auto_choice() -> ToolChoiceAutoParam:
    return {"type": "auto"}


def _forced_choice(name: str) -> ToolChoiceToolParam:
    return {"type": "tool", "name": name}


def _system_block(text: str) -> TextBlockParam:
    return {"type": "text", "text": text, "cache_control": {"type": "ephemeral"}}


def _image_block(image: PreparedImage) -> ImageBlockParam:
    media_type = _MEDIA_TYPES.get(image.media_type)
    if media_type is None:
        raise ProviderRequestRejected(f"cannot send {image.media_type} images to Claude")
    return {
        "type": "image",
        "source": {
            "type": "base64",
            "media_type": media_type,
            "data": base64.b64encode(image.data).decode("ascii"),
        },
    }


def _user_message(request: VisionRequest) -> MessageParam:
    blocks: list[ImageBlockParam | TextBlockParam] = [_image_block(i) for i in request.images]
    blocks.append({"type": "text", "text": request.user_prompt})
    return {"role": "user", "content": blocks}


def _answer_tool(request: VisionRequest) -> ToolParam:
    return {
        "name": request.answer_name,
        "description": request.answer_description,
        "input_schema": dict(request.answer_schema),
    }


def _read_message(message: Message, tool_name: str) -> tuple[dict[str, object], TokenUsage]:
    """Find the answer in any content block (thinking blocks may come first)."""
    content: object = getattr(message, "content", None)
    if not isinstance(content, list):
        raise ProviderUnavailable("the API message has no content list")
    stop_reason = getattr(message, "stop_reason", None)
    if stop_reason == "refusal":
        raise ModelRefused("the model declined to analyse these photos")
    usage = _usage(getattr(message, "usage", None))
    for block in content:
        if isinstance(block, ToolUseBlock) and block.name == tool_name:
            if not isinstance(block.input, dict):
                raise InvalidModelOutput("the tool answer is not a JSON object")
            return {str(k): v for k, v in block.input.items()}, usage
    text = "\n".join(block.text for block in content if isinstance(block, TextBlock))
    if not text.strip():
        raise InvalidModelOutput("the model answered without the defect report")
    try:
        return extract_json_object(text), usage
    except InvalidModelOutput:
        if stop_reason == "max_tokens":
            raise InvalidModelOutput("the answer was cut off at the token limit") from None
        raise


def _usage(usage: object) -> TokenUsage:
    def count(name: str) -> int:
        value = getattr(usage, name, None)
        return value if isinstance(value, int) and value >= 0 else 0

    return TokenUsage(
        input_tokens=count("input_tokens"),
        output_tokens=count("output_tokens"),
        cache_creation_input_tokens=count("cache_creation_input_tokens"),
        cache_read_input_tokens=count("cache_read_input_tokens"),
    )
