"""Fixtures for the analysis tests: photos, the fake Anthropic API and a real SDK client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
import ssl

import httpx
import pytest

from custom_components.bambuprint_iq.core.analysis import (
    ClaudeSettings,
    ClaudeVisionProvider,
    PreparedImage,
    RetryPolicy,
    async_create_claude_provider,
    prepare_photo,
)
from custom_components.bambuprint_iq.core.analysis.claude_provider import Sleeper
from tests.core.analysis.synthetic_images import encode, print_photo
from tests.fakes.anthropic_api import TEST_API_KEY, TEST_MODEL, FakeAnthropicApi

MODEL_WITHOUT_FORCED_TOOLS = "claude-fake-no-forced-tools"


@dataclass
class RecordingSleep:
    """Stands in for asyncio.sleep in retry tests: records each wait, returns at once."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(scope="session")
def good_jpeg() -> bytes:
    """A well-lit, sharp, centred photo."""
    return encode(print_photo())


@pytest.fixture(scope="session")
def good_image(good_jpeg: bytes) -> PreparedImage:
    """``good_jpeg`` after preparation."""
    return prepare_photo(good_jpeg)


@pytest.fixture(scope="session")
def twelve_mp_jpeg() -> bytes:
    """A 4000x3000 phone-sized photo."""
    return encode(print_photo(4000, 3000))


@pytest.fixture
async def fake_api(socket_enabled: None) -> AsyncIterator[FakeAnthropicApi]:
    """The fake Messages API on 127.0.0.1."""
    async with FakeAnthropicApi(
        models=(TEST_MODEL, MODEL_WITHOUT_FORCED_TOOLS),
        models_rejecting_forced_tools=(MODEL_WITHOUT_FORCED_TOOLS,),
    ) as api:
        yield api


@pytest.fixture(scope="session")
def ssl_context() -> ssl.SSLContext:
    """Loading the CA bundle is slow; the fake speaks plain HTTP, so build it only once."""
    return ssl.create_default_context()


@pytest.fixture
async def http_client(ssl_context: ssl.SSLContext) -> AsyncIterator[httpx.AsyncClient]:
    """The shared httpx client the provider is given (as Home Assistant would)."""
    async with httpx.AsyncClient(verify=ssl_context) as client:
        yield client


@pytest.fixture
def sleeper() -> RecordingSleep:
    """Records retry waits."""
    return RecordingSleep()


def claude_settings(url: str, /, **overrides: object) -> ClaudeSettings:
    """Settings pointing at the fake, with fast retries."""
    values: dict[str, object] = {
        "api_key": TEST_API_KEY,
        "model": TEST_MODEL,
        "base_url": url,
        "timeout_s": 5.0,
        "retry": RetryPolicy(max_attempts=3, max_wait_s=2.0, base_delay_s=0.01),
    }
    values.update(overrides)
    return ClaudeSettings(**values)  # type: ignore[arg-type]


ProviderFactory = Callable[..., Awaitable[ClaudeVisionProvider]]


@pytest.fixture
async def make_provider(
    fake_api: FakeAnthropicApi, http_client: httpx.AsyncClient, sleeper: RecordingSleep
) -> AsyncIterator[ProviderFactory]:
    """Builds Claude providers on the real SDK against the fake; closes them afterwards."""
    made: list[ClaudeVisionProvider] = []

    async def make(
        *, inject_client: bool = True, sleep: Sleeper | None = None, **overrides: object
    ) -> ClaudeVisionProvider:
        provider = await async_create_claude_provider(
            claude_settings(fake_api.base_url, **overrides),
            http_client if inject_client else None,
            sleep=sleep or sleeper,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        await provider.async_close()


@pytest.fixture
async def provider(make_provider: ProviderFactory) -> ClaudeVisionProvider:
    """A Claude provider with fast, recorded retries."""
    return await make_provider()
