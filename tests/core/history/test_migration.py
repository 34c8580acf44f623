"""Schema migration from version 1 (JSON body only) to the current layout."""

from __future__ import annotations

import json
from pathlib import Path
import sqlite3

import pytest

from custom_components.bambuprint_iq.core.history import HistorySchemaError, HistoryStore, Outcome
from custom_components.bambuprint_iq.core.history.storage import CURRENT_SCHEMA_VERSION, DB_FILENAME
from custom_components.bambuprint_iq.core.history.storage.schema import SCHEMA_V1

from .factories import full_record


def _write_v1(directory: Path, bodies: list[tuple[str, str]]) -> Path:
    """A database exactly as version 1 wrote it, annotations inside the body."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DB_FILENAME
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_V1)
        for record_id, body in bodies:
            conn.execute("INSERT INTO prints VALUES (?, 'P1', 0, 1, ?)", (record_id, body))
        conn.execute("PRAGMA user_version = 1")
    return path


def test_v1_database_is_migrated_with_annotations_and_filaments(tmp_path: Path) -> None:
    records = [
        full_record("a", printer_id="P1", rating=5, user_outcome=Outcome.PARTIAL),
        full_record("b", printer_id="P1", rating=None, defect_tags=("blobs",)),
    ]
    _write_v1(tmp_path, [(r.record_id, json.dumps(r.as_dict())) for r in records])
    store = HistoryStore.open(tmp_path)
    try:
        assert store.schema_version_found == 1
        assert store.get("a") == records[0]
        assert store.get("b") == records[1]
        assert store.get("a").outcome is Outcome.PARTIAL
        rows = {r.outcome: r for r in store.insight_rows()}
        assert rows[Outcome.PARTIAL].room_humidity_pct == 55.0
        assert rows[Outcome.SUCCESS].materials == ("PLA", "PETG")
        assert store.integrity_ok()
    finally:
        store.close()
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT_SCHEMA_VERSION
        assert conn.execute("SELECT COUNT(*) FROM print_filaments").fetchone()[0] == 4
    reopened = HistoryStore.open(tmp_path)  # second open: nothing left to migrate
    assert reopened.schema_version_found == CURRENT_SCHEMA_VERSION
    reopened.close()


def test_failed_migration_leaves_version_1_intact(tmp_path: Path) -> None:
    good = full_record("good", printer_id="P1")
    path = _write_v1(tmp_path, [("good", json.dumps(good.as_dict())), ("bad", "{not json")])
    with pytest.raises(HistorySchemaError, match="bad"):
        HistoryStore.open(tmp_path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [row[1] for row in conn.execute("PRAGMA table_info(prints)")]
        assert columns == ["record_id", "printer_id", "started_at", "ended_at", "body"]
        assert conn.execute("SELECT COUNT(*) FROM prints").fetchone()[0] == 2
