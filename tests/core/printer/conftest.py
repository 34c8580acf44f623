"""Fixtures for the HA-free printer core tests.

The root conftest enables custom integrations for every test, which needs a running Home
Assistant instance. Nothing here touches Home Assistant, so that fixture is replaced by a
no-op for this folder; it keeps these tests fast and proves the core stands alone.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SHARED_DIR = Path(__file__).resolve().parents[4] / "shared"
PAYLOAD_DIR = SHARED_DIR / "fixtures" / "payloads"
SESSION_FILE = PAYLOAD_DIR / "sessions" / "A1_session.jsonl"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the root fixture: core tests need no Home Assistant instance."""


def payload_files(pattern: str = "*.json") -> list[Any]:
    """Captured payload files as pytest params; one skipped param when the data is absent."""
    files = sorted(PAYLOAD_DIR.glob(pattern)) if PAYLOAD_DIR.is_dir() else []
    if not files:
        return [pytest.param(None, marks=pytest.mark.skip(reason="shared payloads not present"))]
    return [pytest.param(path, id=path.name) for path in files]


def load_payload(name: str) -> bytes:
    """Raw bytes of one captured payload, skipping the test when the data is absent."""
    path = PAYLOAD_DIR / name
    if not path.is_file():
        pytest.skip("shared payloads not present")
    return path.read_bytes()


def load_json(name: str) -> dict[str, Any]:
    """One captured payload decoded, for reading expected values."""
    value = json.loads(load_payload(name))
    assert isinstance(value, dict)
    return value


def session_lines() -> list[dict[str, Any]]:
    """The recorded A1 session, one ``{"file", "payload"}`` object per line."""
    if not SESSION_FILE.is_file():
        pytest.skip("shared session capture not present")
    with SESSION_FILE.open("rb") as handle:
        return [json.loads(line) for line in handle if line.strip()]
