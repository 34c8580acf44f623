"""Asyncio front of HistoryStore: one connection confined to one dedicated worker thread.

sqlite3 connections must not be shared between threads, and SQLite allows one writer at a
time anyway, so every call is queued on a single-thread executor. The event loop never
blocks on disk I/O or on computing insights.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from pathlib import Path

from ..errors import HistoryStorageError
from ..insights.features import InsightRow
from ..insights.report import InsightConfig, InsightReport, compute_insights
from ..record import PrintRecord
from ..record_parts import Outcome
from .export import ExportFormat, export_records, write_export
from .retention import RetentionPolicy
from .store import HistoryStore


class AsyncHistoryStore:
    """Non-blocking access to the print history database."""

    def __init__(self, store: HistoryStore, executor: ThreadPoolExecutor) -> None:
        """Use `AsyncHistoryStore.open`."""
        self._store: HistoryStore | None = store
        self._executor = executor

    @classmethod
    async def open(cls, directory: Path) -> AsyncHistoryStore:
        """Open the database in `directory` (the integration passes `<config>/bambuprint_iq`)."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bambuprint_iq_history")
        loop = asyncio.get_running_loop()
        try:
            store = await loop.run_in_executor(executor, HistoryStore.open, directory)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(store, executor)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._live().path

    def _live(self) -> HistoryStore:
        if self._store is None:
            raise HistoryStorageError("history store is closed")
        return self._store

    async def _call[T](self, func: Callable[..., T], *args: object, **kwargs: object) -> T:
        self._live()
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._executor, partial(func, *args, **kwargs))
        except RuntimeError as err:  # the executor was shut down by a concurrent close()
            raise HistoryStorageError("history store is closed") from err
        return await future

    async def close(self) -> None:
        """Close the connection in its own thread, then stop the thread."""
        store = self._store
        if store is None:
            return
        try:
            await self._call(store.close)
        finally:
            self._store = None
            self._executor.shutdown(wait=False)

    async def save(self, record: PrintRecord, *, replace_annotations: bool = False) -> None:
        """See HistoryStore.save."""
        await self._call(self._live().save, record, replace_annotations=replace_annotations)

    async def save_many(
        self, records: Iterable[PrintRecord], *, replace_annotations: bool = False
    ) -> None:
        """See HistoryStore.save_many."""
        batch = tuple(records)
        await self._call(self._live().save_many, batch, replace_annotations=replace_annotations)

    async def get(self, record_id: str) -> PrintRecord:
        """See HistoryStore.get."""
        return await self._call(self._live().get, record_id)

    async def open_record(self, printer_id: str) -> PrintRecord | None:
        """See HistoryStore.open_record."""
        return await self._call(self._live().open_record, printer_id)

    async def list_records(
        self,
        *,
        printer_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[PrintRecord]:
        """See HistoryStore.list_records."""
        return await self._call(
            self._live().list_records,
            printer_id=printer_id,
            since=since,
            until=until,
            limit=limit,
            newest_first=newest_first,
        )

    async def count(self, printer_id: str | None = None) -> int:
        """See HistoryStore.count."""
        return await self._call(self._live().count, printer_id)

    async def insight_rows(self, printer_id: str | None = None) -> list[InsightRow]:
        """See HistoryStore.insight_rows."""
        return await self._call(self._live().insight_rows, printer_id)

    async def insights(
        self, config: InsightConfig | None = None, *, printer_id: str | None = None
    ) -> InsightReport:
        """Load finished prints and compute the insight report, all off the event loop."""
        store = self._live()

        def work() -> InsightReport:
            return compute_insights(store.insight_rows(printer_id), config or InsightConfig())

        return await self._call(work)

    async def set_user_outcome(self, record_id: str, outcome: Outcome | None) -> None:
        """See HistoryStore.set_user_outcome."""
        await self._call(self._live().set_user_outcome, record_id, outcome)

    async def set_rating(self, record_id: str, rating: int | None) -> None:
        """See HistoryStore.set_rating."""
        await self._call(self._live().set_rating, record_id, rating)

    async def set_defect_tags(self, record_id: str, tags: Sequence[str]) -> None:
        """See HistoryStore.set_defect_tags."""
        await self._call(self._live().set_defect_tags, record_id, tuple(tags))

    async def add_media_id(
        self, record_id: str, *, snapshot_id: str | None = None, analysis_id: str | None = None
    ) -> None:
        """See HistoryStore.add_media_id."""
        await self._call(
            self._live().add_media_id, record_id, snapshot_id=snapshot_id, analysis_id=analysis_id
        )

    async def delete(self, record_id: str) -> bool:
        """See HistoryStore.delete."""
        return await self._call(self._live().delete, record_id)

    async def apply_retention(
        self, policy: RetentionPolicy, now: datetime, *, printer_id: str | None = None
    ) -> int:
        """See HistoryStore.apply_retention."""
        return await self._call(self._live().apply_retention, policy, now, printer_id=printer_id)

    async def export(self, fmt: ExportFormat, *, printer_id: str | None = None) -> str:
        """All (or one printer's) records as CSV or JSON text, oldest first."""
        store = self._live()

        def work() -> str:
            records = store.list_records(printer_id=printer_id, newest_first=False)
            return export_records(records, fmt)

        return await self._call(work)

    async def export_to_file(
        self, directory: Path, fmt: ExportFormat, now: datetime, *, printer_id: str | None = None
    ) -> Path:
        """Write an export file into `directory` atomically; returns its path."""
        text = await self.export(fmt, printer_id=printer_id)
        return await self._call(write_export, directory, text, fmt, now)
