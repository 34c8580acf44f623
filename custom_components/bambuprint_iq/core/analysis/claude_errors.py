"""Map Anthropic SDK errors to the engine's typed errors and retry decisions.

Only long-stable SDK names are used (``APIStatusError`` with ``status_code``), so the
mapping works with SDK versions that lack ``OverloadedError`` or subclass it differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import anthropic

from .errors import (
    ApiKeyRejected,
    ProviderError,
    ProviderOverloaded,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderUnavailable,
    QuotaExhausted,
)
from .retry import RetryPolicy, retry_after_seconds

_RETRYABLE = frozenset({408, 409, 429, 500, 502, 503, 504, 529})
_MAX_DETAIL_CHARS = 200


def api_error_message(error: anthropic.APIStatusError) -> str:
    """The server's short error message, without the raw body (kept short for logs)."""
    body = error.body
    if isinstance(body, Mapping):
        inner = body.get("error")
        if isinstance(inner, Mapping):
            message = inner.get("message")
            if isinstance(message, str):
                return message[:_MAX_DETAIL_CHARS]
    return f"HTTP {error.status_code}"


def rejects_forced_tool(error: anthropic.APIStatusError) -> bool:
    """True for the 400 newer models send when ``tool_choice`` forces a tool."""
    return error.status_code == 400 and "tool_choice" in api_error_message(error)


def retry_delay(
    error: anthropic.APIStatusError,
    *,
    attempt: int,
    policy: RetryPolicy,
    model: str,
    now: datetime,
) -> float:
    """Seconds to wait before the next attempt, or raise the typed error for this status."""
    status = error.status_code
    if status not in _RETRYABLE or _spend_limit(error):
        raise final_error(error, model=model)
    hint = retry_after_seconds(error.response.headers, now)
    if attempt >= policy.max_attempts:
        raise final_error(error, model=model, retry_after=hint)
    if hint is not None and hint > policy.max_wait_s:
        raise final_error(error, model=model, retry_after=hint)
    return hint if hint is not None else policy.backoff(attempt)


def final_error(
    error: anthropic.APIStatusError, *, model: str, retry_after: float | None = None
) -> ProviderError:
    """The typed error a caller sees once retrying is over (or pointless)."""
    status = error.status_code
    detail = api_error_message(error)
    if status == 401:
        return ApiKeyRejected("the Anthropic API rejected the API key (HTTP 401)")
    if status == 402 or _spend_limit(error) or "credit balance" in detail.lower():
        return QuotaExhausted(f"the Anthropic account cannot pay for more calls: {detail}")
    if status == 429:
        return ProviderRateLimited(f"rate limited by the Anthropic API: {detail}", retry_after)
    if status == 529:
        return ProviderOverloaded("the Anthropic API stayed overloaded (HTTP 529)")
    if status >= 500 or status in (408, 409):
        return ProviderUnavailable(f"the Anthropic API failed (HTTP {status}): {detail}")
    if status == 403:
        return ProviderRequestRejected(f"this API key may not use that: {detail}", status)
    if status == 404:
        return ProviderRequestRejected(f"model {model!r} is not available: {detail}", status)
    if status == 413:
        return ProviderRequestRejected("the request is too large for the API", status)
    return ProviderRequestRejected(f"the API refused the request: {detail}", status)


def _spend_limit(error: anthropic.APIStatusError) -> bool:
    body = error.body
    if not isinstance(body, Mapping):
        return False
    inner = body.get("error")
    details = inner.get("details") if isinstance(inner, Mapping) else None
    if isinstance(details, Mapping):
        return details.get("error_code") == "enforced_spend_limit_reached"
    return False
