"""Database layout and its migrations, tracked with SQLite's `PRAGMA user_version`.

Version 1 kept each record only as a JSON body. Version 2 adds columns that analytics
queries read without parsing JSON (outcome, climate means), moves the user's annotations
out of the body so that the recorder never overwrites them, and adds a filament table.
Each migration runs inside one transaction: a crash mid-migration leaves the old version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
import json
import sqlite3

from ..errors import HistorySchemaError, InvalidRecordError
from ..record import PrintRecord
from .codec import filament_rows, record_columns

CURRENT_SCHEMA_VERSION = 2

SCHEMA_V1 = """
CREATE TABLE prints (
    record_id TEXT PRIMARY KEY,
    printer_id TEXT NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL,
    body TEXT NOT NULL
);
CREATE INDEX prints_printer_started ON prints(printer_id, started_at);
"""

_V2_TABLES = """
CREATE TABLE print_filaments (
    record_id TEXT NOT NULL REFERENCES prints(record_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    tray_id TEXT NOT NULL,
    material TEXT,
    brand TEXT,
    grams REAL,
    PRIMARY KEY (record_id, position)
);
CREATE INDEX print_filaments_material ON print_filaments(material);
CREATE INDEX prints_started ON prints(started_at);
CREATE INDEX prints_open ON prints(printer_id) WHERE ended_at IS NULL;
"""

_V2_COLUMNS = (
    "detected_outcome TEXT",
    "user_outcome TEXT",
    "rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5)",
    "defect_tags TEXT NOT NULL DEFAULT '[]'",
    "snapshot_ids TEXT NOT NULL DEFAULT '[]'",
    "analysis_ids TEXT NOT NULL DEFAULT '[]'",
    "ams_humidity_pct REAL",
    "ams_humidity_level REAL",
    "room_humidity_pct REAL",
    "room_temp_c REAL",
)


def _create_latest(conn: sqlite3.Connection) -> None:
    _run_script(conn, SCHEMA_V1)
    _v1_to_v2(conn)


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    """Add the v2 columns and filament table, then backfill them from each JSON body."""
    for column in _V2_COLUMNS:
        conn.execute(f"ALTER TABLE prints ADD COLUMN {column}")
    _run_script(conn, _V2_TABLES)
    rows = conn.execute("SELECT record_id, body FROM prints").fetchall()
    for record_id, body in rows:
        try:
            record = PrintRecord.from_dict(json.loads(body))
        except (ValueError, InvalidRecordError) as err:
            raise HistorySchemaError(f"record {record_id} cannot be migrated: {err}") from err
        columns = record_columns(record)
        names = [n for n in columns if n != "record_id"]
        conn.execute(
            f"UPDATE prints SET {', '.join(f'{n} = :{n}' for n in names)} "
            "WHERE record_id = :record_id",
            columns,
        )
        conn.executemany(
            "INSERT INTO print_filaments VALUES (?, ?, ?, ?, ?, ?)", filament_rows(record)
        )


MIGRATIONS: Mapping[int, Callable[[sqlite3.Connection], None]] = {1: _v1_to_v2}


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run DDL statement by statement (executescript would commit the open transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def ensure_schema(conn: sqlite3.Connection) -> int:
    """Create or migrate the schema to the current version; returns the version found.

    The connection must be in autocommit mode; this opens its own transaction.
    """
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > CURRENT_SCHEMA_VERSION:
        raise HistorySchemaError(
            f"history database has schema version {found}, newer than this version "
            f"({CURRENT_SCHEMA_VERSION}); refusing to touch it"
        )
    if found == CURRENT_SCHEMA_VERSION:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        if found == 0:
            _create_latest(conn)
        else:
            for version in range(found, CURRENT_SCHEMA_VERSION):
                MIGRATIONS[version](conn)
        conn.execute(f"PRAGMA user_version = {CURRENT_SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
