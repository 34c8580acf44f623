"""Shared fixtures: a loopback site, a real aiohttp session and fast etiquette settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.filament import FetchPolicy, LibraryConfig
from tests.fakes.filament_web import FilamentWeb, ofd_ndjson, spoolmandb_json

FAST_SPACING_S = 0.05


@pytest.fixture
async def web(socket_enabled: None) -> AsyncIterator[FilamentWeb]:
    """A loopback server; stops when the test ends."""
    async with FilamentWeb() as server:
        yield server


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A real client session, as Home Assistant would pass its shared one."""
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def fast_policy() -> FetchPolicy:
    """Production etiquette with short waits so tests stay quick."""
    return FetchPolicy(min_interval_s=FAST_SPACING_S, backoff_base_s=0.02, request_timeout_s=5.0)


@pytest.fixture
def databases(web: FilamentWeb) -> FilamentWeb:
    """The site also serves both database exports."""
    web.add("/ofd/all.ndjson", ofd_ndjson(web.base_url), "application/x-ndjson")
    web.add("/spoolmandb/filaments.json", spoolmandb_json(), "application/json")
    return web


@pytest.fixture
def config(databases: FilamentWeb, fast_policy: FetchPolicy) -> LibraryConfig:
    """Library settings pointing at the loopback databases."""
    return LibraryConfig(
        ofd_url=databases.url("/ofd/all.ndjson"),
        spoolmandb_url=databases.url("/spoolmandb/filaments.json"),
        fetch_policy=fast_policy,
    )


@pytest.fixture
def storage_dir(tmp_path: Path) -> Path:
    """Where the library keeps its files (created on first write)."""
    return tmp_path / "bambuprint_iq" / "filament"
