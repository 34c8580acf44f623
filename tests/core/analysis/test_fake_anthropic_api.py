"""The fake API itself rejects what the real API rejects, so provider tests mean something."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.core.analysis.synthetic_images import encode, print_photo
from tests.fakes.anthropic_api import TEST_API_KEY, TEST_MODEL, FakeAnthropicApi, ToolAnswer

HEADERS = {"x-api-key": TEST_API_KEY, "anthropic-version": "2023-06-01"}


def valid_body(**changes: Any) -> dict[str, Any]:
    jpeg = base64.b64encode(encode(print_photo(400, 300))).decode()
    body: dict[str, Any] = {
        "model": TEST_MODEL,
        "max_tokens": 512,
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "image",
                        "source": {"type": "base64", "media_type": "image/jpeg", "data": jpeg},
                    },
                    {"type": "text", "text": "Analyse this."},
                ],
            }
        ],
        "tools": [{"name": "report", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "tool", "name": "report"},
    }
    body.update(changes)
    return body


def with_image(source: dict[str, Any]) -> dict[str, Any]:
    body = valid_body()
    body["messages"][0]["content"][0]["source"] = source
    return body


PNG_AS_JPEG = {
    "type": "base64",
    "media_type": "image/jpeg",
    "data": base64.b64encode(encode(print_photo(64, 64), "PNG")).decode(),
}


@pytest.mark.parametrize(
    ("body", "headers", "status", "error_type"),
    [
        (valid_body(), {}, 200, None),
        (valid_body(), {"x-api-key": "wrong"}, 401, "authentication_error"),
        (valid_body(), {"anthropic-version": None}, 400, "invalid_request_error"),
        (valid_body(model=None), {}, 400, "invalid_request_error"),
        (valid_body(model="claude-unknown"), {}, 404, "not_found_error"),
        (valid_body(max_tokens=0), {}, 400, "invalid_request_error"),
        (valid_body(messages=[]), {}, 400, "invalid_request_error"),
        (valid_body(tool_choice={"type": "tool", "name": "nope"}), {}, 400, None),
        (valid_body(tools=[{"name": "bad name!", "input_schema": {}}]), {}, 400, None),
        (
            valid_body(system=[{"type": "text", "text": "x", "cache_control": {"type": "x"}}]),
            {},
            400,
            None,
        ),
        (with_image({"type": "base64", "media_type": "image/jpeg", "data": "@@@"}), {}, 400, None),
        (with_image(PNG_AS_JPEG), {}, 400, None),
        (with_image({"type": "base64", "media_type": "image/tiff", "data": ""}), {}, 400, None),
    ],
    ids=[
        "valid",
        "bad-key",
        "no-version",
        "no-model",
        "unknown-model",
        "max-tokens",
        "no-messages",
        "tool-choice",
        "tool-name",
        "cache-control",
        "base64",
        "media-mismatch",
        "media-type",
    ],
)
async def test_request_validation(
    socket_enabled: None,
    body: dict[str, Any],
    headers: dict[str, str | None],
    status: int,
    error_type: str | None,
) -> None:
    merged = {k: v for k, v in (HEADERS | headers).items() if v is not None}
    async with FakeAnthropicApi() as api, httpx.AsyncClient() as client:
        api.enqueue(ToolAnswer({"defects": []}))
        response = await client.post(f"{api.base_url}/v1/messages", json=body, headers=merged)
    assert response.status_code == status, response.text
    data = response.json()
    assert response.headers["request-id"].startswith("req_")
    if status == 200:
        assert data["content"][0]["type"] == "tool_use"
        assert data["usage"]["input_tokens"] >= 160  # 400x300 image = 160 tokens
        assert api.requests[0].headers["x-api-key"] == "<redacted>"
    else:
        assert data["type"] == "error"
        assert error_type is None or data["error"]["type"] == error_type
