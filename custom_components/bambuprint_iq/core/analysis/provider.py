"""The contract between the analysis engine and any vision model backend.

A provider receives prepared JPEG images, a system prompt, a user prompt and the JSON
schema of the answer, and returns the answer as a plain dict plus token usage. It does
not validate the answer: the engine does that for every provider alike. Implementations
outside this package (for example one backed by a Home Assistant AI task entity) only
need ``name``, ``model`` and ``analyze``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from .image_prepare import PreparedImage


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Tokens billed for one call, including prompt-cache writes and reads."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0

    @property
    def total(self) -> int:
        """Every token counted, cached or not."""
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_creation_input_tokens
            + self.cache_read_input_tokens
        )

    def to_dict(self) -> dict[str, int]:
        """Plain dict for results and storage."""
        return {
            "input": self.input_tokens,
            "output": self.output_tokens,
            "cache_creation_input": self.cache_creation_input_tokens,
            "cache_read_input": self.cache_read_input_tokens,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class VisionRequest:
    """One analysis call. Treat ``answer_schema`` as read-only."""

    images: tuple[PreparedImage, ...]
    system_prompt: str
    user_prompt: str
    answer_schema: Mapping[str, Any]
    answer_name: str
    answer_description: str


@dataclass(frozen=True, slots=True)
class VisionReply:
    """The model's answer as a dict (not yet validated), usage, and the model that ran."""

    raw: Mapping[str, object]
    usage: TokenUsage
    model: str
    notes: tuple[str, ...] = field(default=())


@runtime_checkable
class VisionProvider(Protocol):
    """Anything that can answer a ``VisionRequest``."""

    @property
    def name(self) -> str:
        """Short provider id stored with each result, e.g. ``claude``."""
        ...

    @property
    def model(self) -> str:
        """The model id requested."""
        ...

    async def analyze(self, request: VisionRequest) -> VisionReply:
        """Send the request; raise a ``ProviderError`` subclass on failure."""
        ...
