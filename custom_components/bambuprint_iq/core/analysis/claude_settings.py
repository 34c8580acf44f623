"""Validated settings of the Claude provider. The API key never appears in a repr."""

from __future__ import annotations

from dataclasses import dataclass, field
import math
import re
from typing import Final
from urllib.parse import urlsplit

from .errors import InvalidProviderSettings
from .retry import RetryPolicy

_MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$")
_KEY_CHARS = re.compile(r"^[\x21-\x7e]{8,512}$")
DEFAULT_TIMEOUT_S: Final = 60.0
DEFAULT_MAX_TOKENS: Final = 2048


@dataclass(frozen=True, slots=True)
class ClaudeSettings:
    """API key, model and endpoint chosen by the user; retries and timeout per call.

    ``force_tool`` asks the API to answer through the schema tool. Models that refuse a
    forced tool get one retry with automatic tool choice, and the provider remembers it.
    """

    api_key: str = field(repr=False)
    model: str
    base_url: str | None = None
    max_tokens: int = DEFAULT_MAX_TOKENS
    timeout_s: float = DEFAULT_TIMEOUT_S
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    force_tool: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.api_key, str) or not _KEY_CHARS.match(self.api_key):
            raise InvalidProviderSettings("the API key is empty or contains invalid characters")
        if not isinstance(self.model, str) or not _MODEL_ID.match(self.model):
            raise InvalidProviderSettings("the model id is empty or malformed")
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InvalidProviderSettings("the base URL must be an http(s) URL")
        if not 256 <= self.max_tokens <= 16_384:
            raise InvalidProviderSettings("max_tokens must be between 256 and 16384")
        if not (math.isfinite(self.timeout_s) and 0 < self.timeout_s <= 600):
            raise InvalidProviderSettings("the timeout must be between 0 and 600 seconds")
