"""SQLite store: round trip, annotations, queries, deletion, retention and bad files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
import sqlite3

import pytest

from custom_components.bambuprint_iq.core.history import (
    HistorySchemaError,
    HistoryStorageError,
    HistoryStore,
    InvalidObservationError,
    InvalidRecordError,
    Outcome,
    PrintRecord,
    RecordNotFoundError,
    RetentionPolicy,
)
from custom_components.bambuprint_iq.core.history.insights import InsightRow
from custom_components.bambuprint_iq.core.history.storage import DB_FILENAME

from .factories import PRINTER, T0, full_record


@pytest.fixture
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(tmp_path / "bambuprint_iq")
    yield opened
    opened.close()


def test_round_trip_keeps_every_field(store: HistoryStore) -> None:
    record = full_record()
    store.save(record)
    loaded = store.get(record.record_id)
    assert loaded == record
    assert loaded.as_dict() == record.as_dict()
    assert loaded.filament_grams == 55.0  # 4.5 % of 1 kg + 1 % of 1 kg


def test_database_is_in_wal_mode(store: HistoryStore) -> None:
    with sqlite3.connect(store.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert other.execute("PRAGMA user_version").fetchone()[0] == 2


def test_recorder_updates_never_overwrite_user_annotations(store: HistoryStore) -> None:
    record = full_record(rating=None, defect_tags=(), snapshot_ids=(), analysis_ids=())
    store.save(record)
    store.set_user_outcome(record.record_id, Outcome.FAILED)
    store.set_rating(record.record_id, 2)
    store.set_defect_tags(record.record_id, ["Warping", " warping ", "Layer  shift"])
    store.add_media_id(record.record_id, snapshot_id="s1", analysis_id="a1")
    store.add_media_id(record.record_id, snapshot_id="s1")  # idempotent
    store.save(replace(record, progress_percent=100.0, rating=5))  # recorder snapshot
    loaded = store.get(record.record_id)
    assert loaded.outcome is Outcome.FAILED
    assert loaded.detected_outcome is Outcome.SUCCESS
    assert loaded.rating == 2
    assert loaded.defect_tags == ("warping", "layer shift")
    assert (loaded.snapshot_ids, loaded.analysis_ids) == (("s1",), ("a1",))
    store.set_user_outcome(record.record_id, None)
    assert store.get(record.record_id).outcome is Outcome.SUCCESS
    store.save(replace(record, rating=5), replace_annotations=True)
    assert store.get(record.record_id).rating == 5


def test_annotation_input_is_validated(store: HistoryStore) -> None:
    store.save(full_record())
    with pytest.raises(InvalidObservationError):
        store.set_rating("rec-1", 6)
    with pytest.raises(InvalidObservationError):
        store.set_defect_tags("rec-1", ["x" * 65])
    with pytest.raises(RecordNotFoundError):
        store.set_rating("missing", 3)
    with pytest.raises(RecordNotFoundError):
        store.get("missing")


def test_open_record_and_listing(store: HistoryStore) -> None:
    closed = [
        full_record(
            f"r{i}",
            started_at=T0 + timedelta(days=i),
            last_seen_at=T0 + timedelta(days=i),
            ended_at=T0 + timedelta(days=i, hours=1),
        )
        for i in range(5)
    ]
    running = full_record(
        "open",
        started_at=T0 + timedelta(days=9),
        last_seen_at=T0 + timedelta(days=9),
        ended_at=None,
        detected_outcome=None,
    )
    store.save_many([*closed, running, full_record("other", printer_id="P2")])
    assert store.open_record(PRINTER) == running
    assert store.open_record("P2") is None
    assert store.count() == 7
    assert store.count("P2") == 1
    newest = store.list_records(printer_id=PRINTER, limit=2)
    assert [r.record_id for r in newest] == ["open", "r4"]
    window = store.list_records(
        since=T0 + timedelta(days=1), until=T0 + timedelta(days=3), newest_first=False
    )
    assert [r.record_id for r in window] == ["r1", "r2"]


def test_insight_rows_match_the_records(store: HistoryStore) -> None:
    records = [full_record("a"), full_record("b", detected_outcome=Outcome.FAILED, filaments=())]
    store.save_many([*records, full_record("open", ended_at=None, detected_outcome=None)])
    rows = sorted(store.insight_rows(), key=lambda r: r.outcome.value)
    expected = [InsightRow.from_record(r) for r in records]
    assert rows == sorted((e for e in expected if e), key=lambda r: r.outcome.value)
    assert rows[1].materials == ("PLA", "PETG")
    assert rows[0].materials == ()


def test_delete_removes_the_record_and_its_filament_rows(store: HistoryStore) -> None:
    store.save_many([full_record("a"), full_record("b")])
    assert store.delete("a") is True
    assert store.delete("a") is False
    with pytest.raises(RecordNotFoundError):
        store.get("a")
    with sqlite3.connect(store.path) as other:
        rows = other.execute("SELECT DISTINCT record_id FROM print_filaments").fetchall()
    assert rows == [("b",)]


def test_retention_by_age_and_count_spares_open_prints(store: HistoryStore) -> None:
    now = T0 + timedelta(days=100)
    records = [
        full_record(
            f"d{age}",
            started_at=now - timedelta(days=age, hours=2),
            last_seen_at=now - timedelta(days=age),
            ended_at=now - timedelta(days=age),
        )
        for age in (1, 10, 40, 95)
    ]
    old_open = full_record(
        "old-open", started_at=T0, last_seen_at=T0, ended_at=None, detected_outcome=None
    )
    store.save_many([*records, old_open])
    assert store.apply_retention(RetentionPolicy(max_age_days=30), now) == 2
    assert {r.record_id for r in store.list_records()} == {"d1", "d10", "old-open"}
    assert store.apply_retention(RetentionPolicy(max_records=1), now) == 1
    assert {r.record_id for r in store.list_records()} == {"d1", "old-open"}
    with pytest.raises(InvalidObservationError):
        RetentionPolicy(max_records=0)


def test_retention_can_be_limited_to_one_printer(store: HistoryStore) -> None:
    now = T0 + timedelta(days=100)
    old = {
        "started_at": now - timedelta(days=60, hours=2),
        "last_seen_at": now - timedelta(days=60),
        "ended_at": now - timedelta(days=60),
    }
    store.save_many(
        [full_record("a-old", printer_id="A", **old), full_record("b-old", printer_id="B", **old)]
    )
    assert store.apply_retention(RetentionPolicy(max_age_days=30), now, printer_id="A") == 1
    assert {r.record_id for r in store.list_records()} == {"b-old"}


def test_garbage_file_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryStorageError):
        HistoryStore.open(tmp_path)


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(HistorySchemaError):
        HistoryStore.open(tmp_path)
    with sqlite3.connect(tmp_path / DB_FILENAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99


def test_tampered_row_raises_a_typed_error(store: HistoryStore) -> None:
    store.save(full_record())
    with sqlite3.connect(store.path) as other:
        other.execute("UPDATE prints SET body = '{\"record_id\": 5}'")
    with pytest.raises(InvalidRecordError):
        store.get("rec-1")


def test_save_many_is_all_or_nothing(store: HistoryStore) -> None:
    def records_then_failure() -> Iterator[PrintRecord]:
        yield full_record("first")
        yield full_record("second")
        raise RuntimeError("source broke half way")

    with pytest.raises(RuntimeError):
        store.save_many(records_then_failure())
    assert store.count() == 0
    store.save(full_record("after"))  # the connection is usable again
    assert store.count() == 1
