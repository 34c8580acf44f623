"""Blocking SQLite store for print records. Use it from one thread only (see AsyncHistoryStore).

Why SQLite in WAL mode rather than a JSON file (such as Home Assistant's Store):

* kill -9 mid-write. A commit appends the changed pages to the write-ahead log and is
  durable once COMMIT returns (synchronous=FULL also survives power loss). A write cut off
  half way leaves a WAL tail whose checksums do not match; the next open ignores it, so
  every earlier commit is intact and the file opens cleanly. A JSON store must rewrite the
  whole file and rename it over the old one; it survives a kill only when that atomic-rename
  dance is done right, and a delayed-save store loses everything not yet flushed.
* 10,000 prints. Saving one record rewrites a few pages, not a multi-megabyte document;
  queries use indexes; analytics read a handful of columns without parsing JSON. A JSON store
  would parse and re-serialise every record on every load and save.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
import json
from pathlib import Path
import sqlite3
from typing import Any

from ..errors import HistoryStorageError, InvalidObservationError, RecordNotFoundError
from ..insights.features import InsightRow, normalise_material
from ..record import MAX_MEDIA_IDS, PrintRecord, check_rating, normalise_tags
from ..record_parts import Outcome
from .codec import (
    ANNOTATION_COLUMNS,
    RECORDER_COLUMNS,
    SELECT_RECORD,
    filament_rows,
    record_columns,
    row_to_record,
)
from .retention import RetentionPolicy
from .schema import ensure_schema

DB_FILENAME = "history.sqlite3"
_ALL_COLUMNS = ("record_id", *RECORDER_COLUMNS, *ANNOTATION_COLUMNS)
_INSERT = (
    f"INSERT INTO prints ({', '.join(_ALL_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in _ALL_COLUMNS)}) ON CONFLICT(record_id) DO UPDATE SET "
)
_UPSERT_RECORDER = _INSERT + ", ".join(f"{c} = excluded.{c}" for c in RECORDER_COLUMNS)
_UPSERT_ALL = _INSERT + ", ".join(
    f"{c} = excluded.{c}" for c in (*RECORDER_COLUMNS, *ANNOTATION_COLUMNS)
)
_INSIGHT_ROWS = """
SELECT p.printer_id, p.started_at, COALESCE(p.user_outcome, p.detected_outcome),
       p.ams_humidity_pct, p.ams_humidity_level, p.room_humidity_pct, p.room_temp_c,
       (SELECT json_group_array(f.material) FROM print_filaments f
         WHERE f.record_id = p.record_id AND f.material IS NOT NULL),
       (SELECT json_group_array(f.brand) FROM print_filaments f
         WHERE f.record_id = p.record_id AND f.brand IS NOT NULL)
FROM prints p
WHERE p.ended_at IS NOT NULL AND (:printer_id IS NULL OR p.printer_id = :printer_id)
ORDER BY p.started_at
"""


class HistoryStore:
    """Print records in `<directory>/history.sqlite3`. Every method blocks on disk I/O."""

    def __init__(self, conn: sqlite3.Connection, path: Path, schema_found: int) -> None:
        """Use `HistoryStore.open`."""
        self._conn = conn
        self.path = path
        self.schema_version_found = schema_found

    @classmethod
    def open(cls, directory: Path) -> HistoryStore:
        """Open (creating or migrating) the database inside `directory`."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise HistoryStorageError(f"cannot create history directory {directory}") from err
        path = directory / DB_FILENAME
        try:
            conn = sqlite3.connect(path, timeout=10.0, isolation_level=None)
        except sqlite3.Error as err:
            raise HistoryStorageError(f"cannot open {path}: {err}") from err
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise HistoryStorageError(f"{path}: WAL mode unavailable (got {mode})")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            found = ensure_schema(conn)
        except sqlite3.Error as err:
            conn.close()
            raise HistoryStorageError(f"{path} is not a usable history database: {err}") from err
        except BaseException:
            conn.close()
            raise
        return cls(conn, path, found)

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close."""
        with suppress(sqlite3.Error):  # closing still succeeds; the next open replays the WAL
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: committed on success, rolled back on any error."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise HistoryStorageError(f"cannot start a write: {err}") from err
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as err:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                raise HistoryStorageError(f"write failed: {err}") from err
            raise

    def _read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Any]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as err:
            raise HistoryStorageError(f"read failed: {err}") from err

    def save(self, record: PrintRecord, *, replace_annotations: bool = False) -> None:
        """Insert or update a record in one transaction.

        Annotations (user outcome, rating, tags, snapshot/analysis ids) are written for new
        records; on existing ones only when `replace_annotations` is set.
        """
        self.save_many((record,), replace_annotations=replace_annotations)

    def save_many(
        self, records: Iterable[PrintRecord], *, replace_annotations: bool = False
    ) -> None:
        """Insert or update many records in a single transaction (all or nothing)."""
        sql = _UPSERT_ALL if replace_annotations else _UPSERT_RECORDER
        with self._write() as conn:
            for record in records:
                conn.execute(sql, record_columns(record))
                conn.execute("DELETE FROM print_filaments WHERE record_id = ?", (record.record_id,))
                conn.executemany(
                    "INSERT INTO print_filaments VALUES (?, ?, ?, ?, ?, ?)", filament_rows(record)
                )

    def get(self, record_id: str) -> PrintRecord:
        """The record with this id, or RecordNotFoundError."""
        rows = self._read(SELECT_RECORD + " WHERE record_id = ?", (record_id,))
        if not rows:
            raise RecordNotFoundError(record_id)
        return row_to_record(rows[0])

    def open_record(self, printer_id: str) -> PrintRecord | None:
        """The newest unfinished record of a printer (to resume after a restart)."""
        rows = self._read(
            SELECT_RECORD + " WHERE printer_id = ? AND ended_at IS NULL "
            "ORDER BY started_at DESC LIMIT 1",
            (printer_id,),
        )
        return row_to_record(rows[0]) if rows else None

    def list_records(
        self,
        *,
        printer_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[PrintRecord]:
        """Records filtered by printer and start time, newest first by default."""
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or limit < 0
        ):
            raise InvalidObservationError("limit must be a non-negative integer")
        sql = (
            SELECT_RECORD + " WHERE (:printer IS NULL OR printer_id = :printer)"
            " AND (:since IS NULL OR started_at >= :since)"
            " AND (:until IS NULL OR started_at < :until)"
            f" ORDER BY started_at {'DESC' if newest_first else 'ASC'}, record_id LIMIT :limit"
        )
        params = {
            "printer": printer_id,
            "since": None if since is None else since.timestamp(),
            "until": None if until is None else until.timestamp(),
            "limit": -1 if limit is None else limit,
        }
        return [row_to_record(row) for row in self._read(sql, params)]

    def count(self, printer_id: str | None = None) -> int:
        """Number of stored records (open ones included)."""
        rows = self._read(
            "SELECT COUNT(*) FROM prints WHERE (:p IS NULL OR printer_id = :p)", {"p": printer_id}
        )
        return int(rows[0][0])

    def insight_rows(self, printer_id: str | None = None) -> list[InsightRow]:
        """Finished prints reduced to insight rows, oldest first, without parsing bodies."""
        result = []
        for row in self._read(_INSIGHT_ROWS, {"printer_id": printer_id}):
            printer, started, outcome, ams_pct, ams_level, room_rh, room_t, mats, brands = row
            if outcome is None:
                continue
            result.append(
                InsightRow(
                    printer_id=printer,
                    started_at=started,
                    outcome=Outcome.parse(outcome),
                    materials=tuple(dict.fromkeys(normalise_material(m) for m in json.loads(mats))),
                    brands=tuple(dict.fromkeys(b.strip() for b in json.loads(brands))),
                    ams_humidity_pct=ams_pct,
                    ams_humidity_level=ams_level,
                    room_humidity_pct=room_rh,
                    room_temp_c=room_t,
                )
            )
        return result

    def _update(self, record_id: str, column: str, value: Any) -> None:
        assert column in ANNOTATION_COLUMNS
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE prints SET {column} = ? WHERE record_id = ?", (value, record_id)
            )
            if cursor.rowcount == 0:
                raise RecordNotFoundError(record_id)

    def set_user_outcome(self, record_id: str, outcome: Outcome | None) -> None:
        """Override the detected outcome; None restores the detected one."""
        if outcome is not None and not isinstance(outcome, Outcome):
            raise InvalidObservationError("outcome must be an Outcome or None")
        self._update(record_id, "user_outcome", None if outcome is None else outcome.value)

    def set_rating(self, record_id: str, rating: int | None) -> None:
        """Set a 1..5 star rating; None clears it."""
        self._update(record_id, "rating", check_rating(rating))

    def set_defect_tags(self, record_id: str, tags: Iterable[str]) -> None:
        """Replace the defect tags (normalised to lower case, de-duplicated)."""
        self._update(record_id, "defect_tags", json.dumps(list(normalise_tags(tags))))

    def add_media_id(
        self, record_id: str, *, snapshot_id: str | None = None, analysis_id: str | None = None
    ) -> None:
        """Link a camera snapshot and/or a photo analysis to a record (idempotent)."""
        for column, value in (("snapshot_ids", snapshot_id), ("analysis_ids", analysis_id)):
            if value is None:
                continue
            if not isinstance(value, str) or not value or len(value) > 256:
                raise InvalidObservationError(f"{column[:-1]} must be a short non-empty string")
            current = list(getattr(self.get(record_id), column))
            if value not in current:
                if len(current) >= MAX_MEDIA_IDS:
                    raise InvalidObservationError(f"at most {MAX_MEDIA_IDS} {column}")
                self._update(record_id, column, json.dumps([*current, value]))

    def delete(self, record_id: str) -> bool:
        """Delete one record (and its filament rows); False when it did not exist."""
        with self._write() as conn:
            return conn.execute("DELETE FROM prints WHERE record_id = ?", (record_id,)).rowcount > 0

    def apply_retention(
        self, policy: RetentionPolicy, now: datetime, *, printer_id: str | None = None
    ) -> int:
        """Delete finished records outside the policy (of one printer, or all); returns how
        many were deleted."""
        deleted = 0
        scope, args = ("", ()) if printer_id is None else (" AND printer_id = ?", (printer_id,))
        with self._write() as conn:
            cutoff = policy.cutoff(now)
            if cutoff is not None:
                deleted += conn.execute(
                    "DELETE FROM prints WHERE ended_at IS NOT NULL AND ended_at < ?" + scope,
                    (cutoff.timestamp(), *args),
                ).rowcount
            if policy.max_records is not None:
                deleted += conn.execute(
                    "DELETE FROM prints WHERE ended_at IS NOT NULL" + scope + " AND record_id "
                    "NOT IN (SELECT record_id FROM prints WHERE ended_at IS NOT NULL"
                    + scope
                    + " ORDER BY started_at DESC LIMIT ?)",
                    (*args, *args, policy.max_records),
                ).rowcount
        return deleted

    def integrity_ok(self) -> bool:
        """SQLite's own consistency check of every page and index."""
        rows = self._read("PRAGMA integrity_check")
        return [tuple(r) for r in rows] == [("ok",)]
