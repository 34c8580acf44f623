"""Typed errors of the print history library, so callers can tell bad input from broken storage."""

from __future__ import annotations


class HistoryError(Exception):
    """Base class for every error raised by the history library."""


class InvalidObservationError(HistoryError, ValueError):
    """A telemetry sample, room sample or annotation failed validation."""


class InvalidRecordError(HistoryError, ValueError):
    """A stored or imported print record is malformed."""


class RecordNotFoundError(HistoryError, KeyError):
    """No print record has the requested id."""


class HistoryStorageError(HistoryError):
    """The history database cannot be opened, read or written."""


class HistorySchemaError(HistoryStorageError):
    """The database was written by a newer version, or a migration failed."""
