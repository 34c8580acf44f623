"""The Claude provider driven through the real ``anthropic`` SDK against the fake API."""

from __future__ import annotations

import asyncio
import base64
import json

import httpx
import pytest

from custom_components.bambuprint_iq.core.analysis import (
    SYSTEM_PROMPT,
    ApiKeyRejected,
    ClaudeVisionProvider,
    InvalidModelOutput,
    InvalidProviderSettings,
    ModelRefused,
    PreparedImage,
    ProviderOverloaded,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
    RetryPolicy,
    VisionRequest,
    answer_schema,
    async_create_claude_provider,
)
from custom_components.bambuprint_iq.core.analysis.answer_schema import (
    ANSWER_TOOL_DESCRIPTION,
    ANSWER_TOOL_NAME,
)
from tests.core.analysis.answers import answer, defect
from tests.core.analysis.conftest import (
    MODEL_WITHOUT_FORCED_TOOLS,
    ProviderFactory,
    RecordingSleep,
    claude_settings,
)
from tests.fakes.anthropic_api import (
    ApiError,
    FakeAnthropicApi,
    RawResponse,
    Slow,
    TextAnswer,
    ToolAnswer,
    overloaded,
    rate_limited,
)


@pytest.fixture
def request_(good_image: PreparedImage) -> VisionRequest:
    return VisionRequest(
        images=(good_image,),
        system_prompt=SYSTEM_PROMPT,
        user_prompt="This is a photo of a finished print.",
        answer_schema=answer_schema(),
        answer_name=ANSWER_TOOL_NAME,
        answer_description=ANSWER_TOOL_DESCRIPTION,
    )


async def test_tool_answer_and_the_request_on_the_wire(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    fake_api.enqueue(ToolAnswer(answer(defect("stringing"))))
    reply = await provider.analyze(request_)

    assert reply.raw["defects"] == [defect("stringing")]
    assert reply.model == "claude-fake-vision-1"
    assert reply.usage.input_tokens > request_.images[0].estimated_tokens
    assert reply.usage.output_tokens > 0
    (sent,) = fake_api.requests
    assert sent.status == 200
    assert sent.path == "/v1/messages"
    credential = sent.headers.get("x-api-key", sent.headers.get("authorization"))
    assert credential == "<redacted>"
    assert sent.headers["anthropic-version"]
    body = sent.body
    assert body["model"] == "claude-fake-vision-1"
    assert body["max_tokens"] == 2048
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert body["tools"][0]["name"] == ANSWER_TOOL_NAME
    assert body["tools"][0]["input_schema"] == answer_schema()
    assert body["tool_choice"] == {"type": "tool", "name": ANSWER_TOOL_NAME}
    image_block, text_block = body["messages"][0]["content"]
    assert image_block["source"]["media_type"] == "image/jpeg"
    assert base64.b64decode(image_block["source"]["data"]) == request_.images[0].data
    assert text_block == {"type": "text", "text": request_.user_prompt}
    assert sent.headers.get("x-stainless-retry-count", "0") == "0"


async def test_system_prompt_is_cached_across_calls(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    fake_api.enqueue(ToolAnswer(answer()), ToolAnswer(answer()))
    first = await provider.analyze(request_)
    second = await provider.analyze(request_)
    assert first.usage.cache_creation_input_tokens > 0
    assert first.usage.cache_read_input_tokens == 0
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens == 0


async def test_thinking_and_text_blocks_before_the_tool_are_skipped(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    fake_api.enqueue(
        ToolAnswer(answer(defect("warping")), thinking="corners lift", text_before="Looking.")
    )
    reply = await provider.analyze(request_)
    assert reply.raw["defects"] == [defect("warping")]


async def test_json_in_text_answer(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    text = "Report follows.\n```json\n" + json.dumps(answer(defect("z_banding"))) + "\n```"
    fake_api.enqueue(TextAnswer(text))
    reply = await provider.analyze(request_)
    assert reply.raw["defects"] == [defect("z_banding")]


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (TextAnswer("The print looks great!"), "no complete JSON object"),
        (TextAnswer('{"defects": [{"type": "str', stop_reason="max_tokens"), "cut off"),
        (ToolAnswer("not an object"), "not a JSON object"),
        (ToolAnswer(answer(), name="other_tool"), "without the defect report"),
    ],
    ids=["prose", "truncated", "tool-input-string", "wrong-tool"],
)
async def test_unusable_answers_are_rejected(
    provider: ClaudeVisionProvider,
    fake_api: FakeAnthropicApi,
    request_: VisionRequest,
    reply: TextAnswer | ToolAnswer,
    message: str,
) -> None:
    fake_api.enqueue(reply)
    with pytest.raises(InvalidModelOutput, match=message):
        await provider.analyze(request_)


async def test_refusal_is_typed(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    fake_api.enqueue(TextAnswer("I can't help with that.", stop_reason="refusal"))
    with pytest.raises(ModelRefused):
        await provider.analyze(request_)


@pytest.mark.parametrize(
    "raw",
    [
        RawResponse(200, b'{"id": "msg_1", "content": [tru'),
        RawResponse(200, b"<html>proxy error</html>", content_type="text/html"),
        RawResponse(200, b'{"id": "msg_1", "type": "message", "content": "oops"}'),
    ],
    ids=["broken-json", "html", "content-not-list"],
)
async def test_malformed_http_bodies_are_typed(
    provider: ClaudeVisionProvider,
    fake_api: FakeAnthropicApi,
    request_: VisionRequest,
    raw: RawResponse,
) -> None:
    fake_api.enqueue(raw)
    with pytest.raises(ProviderUnavailable):
        await provider.analyze(request_)


async def test_rejected_api_key(
    fake_api: FakeAnthropicApi, make_provider: ProviderFactory, request_: VisionRequest
) -> None:
    provider = await make_provider(api_key="sk-ant-wrong-key-9999")
    fake_api.enqueue(ToolAnswer(answer()))
    with pytest.raises(ApiKeyRejected) as caught:
        await provider.analyze(request_)
    assert "sk-ant-wrong" not in str(caught.value)
    assert len(fake_api.requests) == 1
    assert fake_api.pending == 1
    with pytest.raises(ApiKeyRejected):
        await provider.validate_api_key()


async def test_validate_api_key_accepts_a_good_key(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi
) -> None:
    await provider.validate_api_key()
    assert fake_api.requests[-1].path == "/v1/models"
    assert fake_api.requests[-1].status == 200


async def test_rate_limit_waits_as_told_then_succeeds(
    provider: ClaudeVisionProvider,
    fake_api: FakeAnthropicApi,
    request_: VisionRequest,
    sleeper: RecordingSleep,
) -> None:
    fake_api.enqueue(rate_limited("1.5"), ToolAnswer(answer(defect("stringing"))))
    reply = await provider.analyze(request_)
    assert reply.raw["defects"] == [defect("stringing")]
    assert sleeper.delays == [1.5]
    assert [r.status for r in fake_api.requests] == [429, 200]


async def test_rate_limit_with_real_waiting(
    fake_api: FakeAnthropicApi, make_provider: ProviderFactory, request_: VisionRequest
) -> None:
    provider = await make_provider(sleep=asyncio.sleep)
    fake_api.enqueue(rate_limited("0.05"), overloaded(), ToolAnswer(answer()))
    reply = await provider.analyze(request_)
    assert reply.raw["defects"] == []
    assert [r.status for r in fake_api.requests] == [429, 529, 200]


async def test_rate_limit_longer_than_allowed_fails_at_once(
    provider: ClaudeVisionProvider,
    fake_api: FakeAnthropicApi,
    request_: VisionRequest,
    sleeper: RecordingSleep,
) -> None:
    fake_api.enqueue(rate_limited("30"), ToolAnswer(answer()))
    with pytest.raises(ProviderRateLimited) as caught:
        await provider.analyze(request_)
    assert caught.value.retry_after == 30.0
    assert sleeper.delays == []
    assert len(fake_api.requests) == 1


async def test_rate_limit_date_header_is_understood(
    provider: ClaudeVisionProvider,
    fake_api: FakeAnthropicApi,
    request_: VisionRequest,
    sleeper: RecordingSleep,
) -> None:
    fake_api.enqueue(rate_limited("Wed, 21 Oct 2015 07:28:00 GMT"), ToolAnswer(answer()))
    await provider.analyze(request_)
    assert sleeper.delays == [0.0]  # a date in the past: retry now


async def test_overload_retries_are_bounded(
    provider: ClaudeVisionProvider,
    fake_api: FakeAnthropicApi,
    request_: VisionRequest,
    sleeper: RecordingSleep,
) -> None:
    fake_api.enqueue(overloaded(), overloaded(), overloaded(), ToolAnswer(answer()))
    with pytest.raises(ProviderOverloaded):
        await provider.analyze(request_)
    assert [r.status for r in fake_api.requests] == [529, 529, 529]
    assert sleeper.delays == [0.01, 0.02]  # exponential backoff without a retry-after hint
    assert fake_api.pending == 1


async def test_spend_limit_is_not_retried(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    fake_api.enqueue(
        ApiError(
            429,
            "rate_limit_error",
            "spend limit reached",
            details={"error_code": "enforced_spend_limit_reached"},
        )
    )
    with pytest.raises(QuotaExhausted):
        await provider.analyze(request_)
    assert len(fake_api.requests) == 1


async def test_timeout_is_typed(
    fake_api: FakeAnthropicApi, make_provider: ProviderFactory, request_: VisionRequest
) -> None:
    provider = await make_provider(timeout_s=0.3)
    fake_api.enqueue(Slow(5.0, ToolAnswer(answer())))
    with pytest.raises(ProviderTimeout, match="0.3 s"):
        await provider.analyze(request_)


async def test_unknown_model_is_a_request_error(
    make_provider: ProviderFactory, request_: VisionRequest
) -> None:
    provider = await make_provider(model="claude-does-not-exist")
    with pytest.raises(ProviderRequestRejected, match="not available") as caught:
        await provider.analyze(request_)
    assert caught.value.status == 404


async def test_models_refusing_forced_tools_fall_back_once_and_remember(
    fake_api: FakeAnthropicApi, make_provider: ProviderFactory, request_: VisionRequest
) -> None:
    provider = await make_provider(model=MODEL_WITHOUT_FORCED_TOOLS)
    fake_api.enqueue(ToolAnswer(answer(defect("stringing"))), ToolAnswer(answer()))
    first = await provider.analyze(request_)
    second = await provider.analyze(request_)
    assert first.raw["defects"] == [defect("stringing")]
    assert "automatic tool choice" in first.notes[0]
    assert second.notes == ()
    choices = [r.body["tool_choice"]["type"] for r in fake_api.requests]
    assert choices == ["tool", "auto", "auto"]


async def test_connection_refused_is_typed(
    socket_enabled: None, http_client: httpx.AsyncClient, request_: VisionRequest
) -> None:
    async with FakeAnthropicApi() as api:
        base_url = api.base_url  # the port is closed once the fake has stopped
    provider = await async_create_claude_provider(claude_settings(base_url), http_client)
    try:
        with pytest.raises(ProviderUnavailable, match="cannot reach"):
            await provider.analyze(request_)
    finally:
        await provider.async_close()


async def test_server_errors_exhaust_into_unavailable(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi, request_: VisionRequest
) -> None:
    with pytest.raises(ProviderUnavailable, match="HTTP 500"):
        await provider.analyze(request_)  # nothing scripted: the fake answers 500
    assert len(fake_api.requests) == 3


def test_repr_and_settings_hide_the_api_key(provider: ClaudeVisionProvider) -> None:
    settings = claude_settings("http://127.0.0.1:1")
    assert "sk-ant" not in repr(provider)
    assert "sk-ant" not in repr(settings)
    assert RetryPolicy().backoff(10) == 8.0


@pytest.mark.parametrize(
    "overrides",
    [
        {"api_key": ""},
        {"api_key": "sk-ant-abc\nInjected: header"},
        {"model": "claude sonnet"},
        {"model": ""},
        {"base_url": "ftp://127.0.0.1"},
        {"base_url": "not a url"},
        {"timeout_s": 0},
        {"max_tokens": 100_000},
    ],
    ids=[
        "empty-key",
        "newline-key",
        "model-space",
        "model-empty",
        "ftp",
        "no-url",
        "timeout",
        "max-tokens",
    ],
)
def test_invalid_settings_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidProviderSettings) as caught:
        claude_settings("http://127.0.0.1:1", **overrides)
    assert "sk-ant" not in str(caught.value)


async def test_provider_without_an_injected_client_owns_and_closes_its_own(
    fake_api: FakeAnthropicApi, make_provider: ProviderFactory, request_: VisionRequest
) -> None:
    provider = await make_provider(inject_client=False)
    assert provider.owns_http_client
    fake_api.enqueue(ToolAnswer(answer(defect("stringing"))))
    reply = await provider.analyze(request_)
    assert reply.raw["defects"] == [defect("stringing")]
    await provider.async_close()
    with pytest.raises(ProviderUnavailable):
        await provider.analyze(request_)


async def test_injected_client_is_used_and_left_open(
    provider: ClaudeVisionProvider, http_client: httpx.AsyncClient
) -> None:
    if provider.owns_http_client:
        pytest.skip("this SDK version cannot use an httpx client")
    await provider.async_close()
    assert not http_client.is_closed
