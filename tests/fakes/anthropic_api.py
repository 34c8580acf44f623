"""Loopback fake of the Anthropic Messages API, for driving the real ``anthropic`` SDK.

It speaks the documented wire format: ``POST /v1/messages`` with ``x-api-key`` (or
``Authorization: Bearer``, which newer SDKs send) and ``anthropic-version`` headers;
message and usage bodies with ``tool_use``, ``text`` and ``thinking`` blocks; and the
documented error bodies (401, 429 with ``retry-after``, 529 overloaded, ...). Requests
are validated like the real API would (model, max_tokens, messages, base64 images that
decode and match their media type, tools, tool_choice). Replies are scripted per test
with ``enqueue``; prompt caching is simulated so usage reports cache writes on the first
call and cache reads afterwards.

Use as ``async with FakeAnthropicApi() as api:`` (binds 127.0.0.1 on a free port and
stops itself on exit, ending slow replies early).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections import deque
from collections.abc import Iterable, Mapping
import contextlib
from dataclasses import dataclass, field
import io
import json
import math
import re
from typing import Any, Self

from aiohttp import web
from PIL import Image, UnidentifiedImageError

TEST_API_KEY = "sk-ant-fake-test-key-0001"
TEST_MODEL = "claude-fake-vision-1"
MAX_REQUEST_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ToolAnswer:
    """Reply with a ``tool_use`` block (the tool named in the request unless ``name``)."""

    input: object
    name: str | None = None
    thinking: str | None = None
    text_before: str | None = None
    stop_reason: str = "tool_use"


@dataclass(frozen=True)
class TextAnswer:
    """Reply with a text block (JSON-in-text answers, prose, truncated output)."""

    text: str
    stop_reason: str = "end_turn"
    thinking: str | None = None


@dataclass(frozen=True)
class ApiError:
    """Reply with the documented error body and status."""

    status: int
    error_type: str
    message: str
    headers: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, object] | None = None


@dataclass(frozen=True)
class RawResponse:
    """Reply with arbitrary bytes (malformed bodies)."""

    status: int
    body: bytes
    content_type: str = "application/json"


@dataclass(frozen=True)
class Slow:
    """Wait, then send ``then``: lets a client time out."""

    delay_s: float
    then: Reply


FinalReply = ToolAnswer | TextAnswer | ApiError | RawResponse
Reply = FinalReply | Slow


def rate_limited(retry_after: str | None = "1") -> ApiError:
    """A 429 as sent when the per-minute limit is hit."""
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return ApiError(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your per-minute rate limit",
        headers,
    )


def overloaded() -> ApiError:
    """A 529 as sent when the API is overloaded."""
    return ApiError(529, "overloaded_error", "Overloaded")


@dataclass
class RecordedRequest:
    """One request as the fake saw it (API key redacted)."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0


# --- request validation ---------------------------------------------------------------

MEDIA_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}
MAX_IMAGE_EDGE = 8000
MAX_IMAGES = 100
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class RequestInvalid(Exception):
    """The request would get a 400 from the real API."""


@dataclass(frozen=True)
class SeenImage:
    """An image block the fake decoded."""

    media_type: str
    width: int
    height: int


@dataclass(frozen=True)
class CheckedRequest:
    """What the fake extracted from a valid request."""

    model: str
    text_chars: int
    images: tuple[SeenImage, ...]
    cached_prefix: str | None
    prefix_chars: int
    tool_names: tuple[str, ...]
    forced_tool: bool


def check_messages_request(body: object) -> CheckedRequest:
    """Validate a ``POST /v1/messages`` body; return what the fake needs to answer."""
    if not isinstance(body, dict):
        raise RequestInvalid("request body must be a JSON object")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise RequestInvalid("model: Field required")
    max_tokens = body.get("max_tokens")
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise RequestInvalid("max_tokens: Field required and must be a positive integer")
    if body.get("stream"):
        raise RequestInvalid("stream: this fake answers only non-streaming requests")
    temperature = body.get("temperature")
    if temperature is not None and not (
        isinstance(temperature, int | float) and 0 <= temperature <= 1
    ):
        raise RequestInvalid("temperature: must be between 0 and 1")
    system_text, cached = _check_system(body.get("system"))
    tool_names, tools_text = _check_tools(body.get("tools"))
    forced = _check_tool_choice(body.get("tool_choice"), tool_names)
    text_chars, images = _check_messages(body.get("messages"))
    prefix = tools_text + system_text
    return CheckedRequest(
        model=model,
        text_chars=text_chars + len(prefix),
        images=tuple(images),
        cached_prefix=f"{model}\n{prefix}" if cached else None,
        prefix_chars=len(prefix),
        tool_names=tool_names,
        forced_tool=forced,
    )


def _check_cache_control(value: object, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, dict) or value.get("type") != "ephemeral":
        raise RequestInvalid(f"{where}.cache_control.type: Input should be 'ephemeral'")
    if value.get("ttl", "5m") not in ("5m", "1h"):
        raise RequestInvalid(f"{where}.cache_control.ttl: Input should be '5m' or '1h'")
    return True


def _check_system(system: object) -> tuple[str, bool]:
    if system is None:
        return "", False
    if isinstance(system, str):
        return system, False
    if not isinstance(system, list):
        raise RequestInvalid("system: Input should be a valid string or list")
    texts, cached = [], False
    for index, block in enumerate(system):
        where = f"system.{index}"
        if not isinstance(block, dict) or block.get("type") != "text":
            raise RequestInvalid(f"{where}.type: Input should be 'text'")
        if not isinstance(block.get("text"), str) or not block["text"]:
            raise RequestInvalid(f"{where}.text: text content blocks must be non-empty")
        cached = _check_cache_control(block.get("cache_control"), where) or cached
        texts.append(block["text"])
    return "".join(texts), cached


def _check_tools(tools: object) -> tuple[tuple[str, ...], str]:
    if tools is None:
        return (), ""
    if not isinstance(tools, list):
        raise RequestInvalid("tools: Input should be a valid list")
    names: list[str] = []
    text = []
    for index, tool in enumerate(tools):
        where = f"tools.{index}"
        if not isinstance(tool, dict):
            raise RequestInvalid(f"{where}: Input should be an object")
        name = tool.get("name")
        if not isinstance(name, str) or not _TOOL_NAME.match(name):
            raise RequestInvalid(f"{where}.name: String should match pattern")
        schema = tool.get("input_schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise RequestInvalid(f"{where}.input_schema.type: Input should be 'object'")
        if name in names:
            raise RequestInvalid(f"{where}.name: tool names must be unique")
        names.append(name)
        text.append(repr(tool))
    return tuple(names), "".join(text)


def _check_tool_choice(choice: object, tool_names: tuple[str, ...]) -> bool:
    if choice is None:
        return False
    if not isinstance(choice, dict) or choice.get("type") not in ("auto", "any", "tool", "none"):
        raise RequestInvalid("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'")
    kind = choice["type"]
    if kind in ("any", "tool") and not tool_names:
        raise RequestInvalid("tool_choice: may only be specified while providing tools")
    if kind == "tool" and choice.get("name") not in tool_names:
        raise RequestInvalid("tool_choice.name: tool not found in tools")
    return bool(kind in ("any", "tool"))


def _check_messages(messages: object) -> tuple[int, list[SeenImage]]:
    if not isinstance(messages, list) or not messages:
        raise RequestInvalid("messages: at least one message is required")
    chars = 0
    images: list[SeenImage] = []
    for index, message in enumerate(messages):
        where = f"messages.{index}"
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            raise RequestInvalid(f"{where}.role: Input should be 'user' or 'assistant'")
        if index == 0 and message["role"] != "user":
            raise RequestInvalid("messages: first message must use the 'user' role")
        content = message.get("content")
        if isinstance(content, str) and content:
            chars += len(content)
            continue
        if not isinstance(content, list) or not content:
            raise RequestInvalid(f"{where}.content: must be a non-empty string or list")
        for position, block in enumerate(content):
            chars += _check_block(block, f"{where}.content.{position}", images)
    if len(images) > MAX_IMAGES:
        raise RequestInvalid(f"messages: too many images (at most {MAX_IMAGES})")
    return chars, images


def _check_block(block: Any, where: str, images: list[SeenImage]) -> int:
    if not isinstance(block, dict):
        raise RequestInvalid(f"{where}: Input should be an object")
    kind = block.get("type")
    if kind == "text":
        if not isinstance(block.get("text"), str) or not block["text"]:
            raise RequestInvalid(f"{where}.text: text content blocks must be non-empty")
        _check_cache_control(block.get("cache_control"), where)
        return len(block["text"])
    if kind == "image":
        images.append(_check_image(block.get("source"), f"{where}.source"))
        _check_cache_control(block.get("cache_control"), where)
        return 0
    if kind in ("tool_use", "tool_result", "thinking"):
        return len(repr(block))
    raise RequestInvalid(f"{where}.type: unknown content block type {kind!r}")


def _check_image(source: object, where: str) -> SeenImage:
    if not isinstance(source, dict) or source.get("type") != "base64":
        raise RequestInvalid(f"{where}.type: this fake accepts base64 image sources")
    media_type = source.get("media_type")
    if media_type not in MEDIA_TYPES:
        raise RequestInvalid(f"{where}.media_type: Input should be one of {sorted(MEDIA_TYPES)}")
    data = source.get("data")
    if not isinstance(data, str):
        raise RequestInvalid(f"{where}.data: Field required")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise RequestInvalid(f"{where}.data: invalid base64 data") from None
    try:
        with Image.open(io.BytesIO(raw)) as image:
            actual, size = image.format, image.size
    except (UnidentifiedImageError, OSError):
        raise RequestInvalid(f"{where}: Could not process image") from None
    if actual != MEDIA_TYPES[media_type]:
        raise RequestInvalid(f"{where}: Image does not match the provided media type")
    if max(size) > MAX_IMAGE_EDGE:
        raise RequestInvalid(f"{where}: image dimensions exceed max allowed size: 8000 pixels")
    return SeenImage(media_type, size[0], size[1])


# --- the server -------------------------------------------------------------------------


class FakeAnthropicApi:
    """The fake server; scripted replies are consumed in order, one per messages call."""

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (TEST_API_KEY,),
        models: Iterable[str] = (TEST_MODEL,),
        models_rejecting_forced_tools: Iterable[str] = (),
    ) -> None:
        self._api_keys = frozenset(api_keys)
        self._models = tuple(models)
        self._no_forced_tools = frozenset(models_rejecting_forced_tools)
        self._replies: deque[Reply] = deque()
        self._cache: set[str] = set()
        self._counter = 0
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._port = 0
        self.requests: list[RecordedRequest] = []

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=MAX_REQUEST_BYTES + 1024)
        app.router.add_post("/v1/messages", self._messages)
        app.router.add_get("/v1/models", self._list_models)
        self._runner = web.AppRunner(
            app, access_log=None, shutdown_timeout=0.2, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing.set()  # slow replies end now instead of outliving the server
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """Pass this as the SDK's ``base_url``."""
        return f"http://127.0.0.1:{self._port}"

    def enqueue(self, *replies: Reply) -> None:
        """Script the next replies to ``POST /v1/messages``."""
        self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """Scripted replies not consumed yet."""
        return len(self._replies)

    async def _list_models(self, request: web.Request) -> web.Response:
        recorded = self._record(request, None)
        denied = self._auth_error(request)
        if denied is not None:
            return self._finish(recorded, denied)
        data = [
            {
                "type": "model",
                "id": model,
                "display_name": model,
                "created_at": "2025-01-01T00:00:00Z",
            }
            for model in self._models
        ]
        body = {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }
        return self._finish(recorded, self._json(200, body))

    async def _messages(self, request: web.Request) -> web.Response:
        raw = await request.read()
        recorded = self._record(request, _maybe_json(raw))
        if len(raw) > MAX_REQUEST_BYTES:
            return self._finish(recorded, self._error(413, "request_too_large", "too large"))
        denied = self._auth_error(request)
        if denied is not None:
            return self._finish(recorded, denied)
        if "anthropic-version" not in request.headers:
            return self._finish(recorded, self._invalid("anthropic-version: header is required"))
        if request.content_type != "application/json":
            return self._finish(recorded, self._invalid("content-type must be application/json"))
        try:
            checked = check_messages_request(json.loads(raw))
        except (ValueError, RequestInvalid) as err:
            return self._finish(recorded, self._invalid(str(err)))
        if checked.model not in self._models:
            response = self._error(404, "not_found_error", f"model: {checked.model}")
            return self._finish(recorded, response)
        if checked.forced_tool and checked.model in self._no_forced_tools:
            message = "tool_choice: forcing tool use is not supported with this model"
            return self._finish(recorded, self._invalid(message))
        if not self._replies:
            response = self._error(500, "api_error", "the fake has no scripted reply")
            return self._finish(recorded, response)
        scripted = self._replies.popleft()
        while isinstance(scripted, Slow):
            await self._pause(scripted.delay_s)
            scripted = scripted.then
        return self._finish(recorded, self._answer(scripted, checked))

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), timeout=seconds)

    def _answer(self, reply: FinalReply, checked: CheckedRequest) -> web.Response:
        if isinstance(reply, ApiError):
            return self._error(
                reply.status, reply.error_type, reply.message, reply.headers, reply.details
            )
        if isinstance(reply, RawResponse):
            return web.Response(
                status=reply.status, body=reply.body, content_type=reply.content_type
            )
        content: list[dict[str, Any]] = []
        thinking = reply.thinking if isinstance(reply, ToolAnswer | TextAnswer) else None
        if thinking:
            content.append({"type": "thinking", "thinking": thinking, "signature": "c2ln"})
        if isinstance(reply, ToolAnswer):
            if reply.text_before:
                content.append({"type": "text", "text": reply.text_before})
            name = reply.name or (checked.tool_names[0] if checked.tool_names else "tool")
            self._counter += 1
            content.append(
                {
                    "type": "tool_use",
                    "id": f"toolu_fake{self._counter:06d}",
                    "name": name,
                    "input": reply.input,
                }
            )
        elif isinstance(reply, TextAnswer):
            content.append({"type": "text", "text": reply.text})
        self._counter += 1
        body = {
            "id": f"msg_fake{self._counter:06d}",
            "type": "message",
            "role": "assistant",
            "model": checked.model,
            "content": content,
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": self._usage(checked, content),
        }
        return self._json(200, body)

    def _usage(self, checked: CheckedRequest, content: list[dict[str, Any]]) -> dict[str, Any]:
        image_tokens = sum(math.ceil(i.width * i.height / 750) for i in checked.images)
        total_input = math.ceil(checked.text_chars / 4) + image_tokens
        cache_write = cache_read = 0
        if checked.cached_prefix is not None:
            prefix_tokens = math.ceil(checked.prefix_chars / 4)
            if checked.cached_prefix in self._cache:
                cache_read = prefix_tokens
            else:
                cache_write = prefix_tokens
                self._cache.add(checked.cached_prefix)
            total_input -= prefix_tokens
        return {
            "input_tokens": total_input,
            "output_tokens": max(1, math.ceil(len(json.dumps(content)) / 4)),
            "cache_creation_input_tokens": cache_write,
            "cache_read_input_tokens": cache_read,
        }

    def _auth_error(self, request: web.Request) -> web.Response | None:
        """``x-api-key`` as SDK 0.x sends it, or ``Authorization: Bearer`` as newer SDKs do."""
        key = request.headers.get("x-api-key")
        bearer = request.headers.get("authorization", "")
        if key is None and bearer.startswith("Bearer "):
            key = bearer.removeprefix("Bearer ")
        if key is None:
            return self._error(401, "authentication_error", "x-api-key header is required")
        if key not in self._api_keys:
            return self._error(401, "authentication_error", "invalid x-api-key")
        return None

    def _record(self, request: web.Request, body: Any) -> RecordedRequest:
        headers = {k.lower(): v for k, v in request.headers.items()}
        for secret in ("x-api-key", "authorization"):
            if secret in headers:
                headers[secret] = "<redacted>"
        recorded = RecordedRequest(request.method, request.path, headers, body)
        self.requests.append(recorded)
        return recorded

    @staticmethod
    def _finish(recorded: RecordedRequest, response: web.Response) -> web.Response:
        recorded.status = response.status
        return response

    def _json(
        self, status: int, body: object, headers: Mapping[str, str] | None = None
    ) -> web.Response:
        self._counter += 1
        all_headers = {"request-id": f"req_fake{self._counter:06d}", **(headers or {})}
        return web.json_response(body, status=status, headers=all_headers)

    def _error(
        self,
        status: int,
        error_type: str,
        message: str,
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, object] | None = None,
    ) -> web.Response:
        error: dict[str, object] = {"type": error_type, "message": message}
        if details is not None:
            error["details"] = dict(details)
        body = {"type": "error", "error": error, "request_id": f"req_fake{self._counter:06d}"}
        return self._json(status, body, headers)

    def _invalid(self, message: str) -> web.Response:
        return self._error(400, "invalid_request_error", message)


def _maybe_json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None
