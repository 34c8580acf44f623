"""Durable print history: SQLite (WAL) store, schema migrations, export and retention."""

from .async_store import AsyncHistoryStore
from .export import ExportFormat, records_from_json, records_to_csv, records_to_json
from .retention import RetentionPolicy
from .schema import CURRENT_SCHEMA_VERSION
from .store import DB_FILENAME, HistoryStore

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "DB_FILENAME",
    "AsyncHistoryStore",
    "ExportFormat",
    "HistoryStore",
    "RetentionPolicy",
    "records_from_json",
    "records_to_csv",
    "records_to_json",
]
