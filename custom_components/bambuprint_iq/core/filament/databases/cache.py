"""Download, cache and refresh the open databases; usable offline once downloaded.

Each database is fetched from its published URL on first use, stored as compact records
under ``databases/``, and refreshed when older than a week. A failed refresh keeps the old
copy (and is not retried for a few hours); a damaged cache file is moved aside and rebuilt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import json
import logging
from typing import Any

from ..errors import FetchError, FilamentError, InvalidSpecInput
from ..provenance import SourceKind
from ..storage import JsonDirectory
from ..web.fetcher import PoliteFetcher
from ..web.policy import DATABASE_MAX_BYTES, DATABASE_MAX_LINE_BYTES
from .ofd import DEFAULT_OFD_URL, OfdAccumulator
from .records import DbRecord
from .spoolman import DEFAULT_SPOOLMANDB_URL, parse_spoolmandb

_LOGGER = logging.getLogger(__name__)
CACHE_FORMAT = 1
REFRESH_AFTER = timedelta(days=7)
RETRY_FAILED_AFTER = timedelta(hours=6)
SPOOLMANDB_MAX_BYTES = 48 * 1024 * 1024
_BATCH_LINES = 2000

DATABASE_KINDS = (SourceKind.OPEN_FILAMENT_DATABASE, SourceKind.SPOOLMANDB)
_FILES = {
    SourceKind.OPEN_FILAMENT_DATABASE: "databases/open_filament_database.json",
    SourceKind.SPOOLMANDB: "databases/spoolmandb.json",
}


def utc_now() -> datetime:
    """Wall-clock time in UTC (injectable in tests)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class DatabaseStatus:
    """What one database cache holds, for diagnostics."""

    source: SourceKind
    url: str
    records: int
    fetched_at: datetime | None
    stale: bool
    last_error: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "source": self.source.value,
            "url": self.url,
            "records": self.records,
            "fetched_at": None if self.fetched_at is None else self.fetched_at.isoformat(),
            "stale": self.stale,
            "last_error": self.last_error,
        }


@dataclass(frozen=True, slots=True)
class _Snapshot:
    records: tuple[DbRecord, ...]
    fetched_at: datetime


class DatabaseCache:
    """The open databases, loaded lazily from disk and refreshed from the web weekly."""

    def __init__(
        self,
        storage: JsonDirectory,
        fetcher: PoliteFetcher | None,
        *,
        ofd_url: str = DEFAULT_OFD_URL,
        spoolmandb_url: str = DEFAULT_SPOOLMANDB_URL,
        refresh_after: timedelta = REFRESH_AFTER,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        """``fetcher`` None means offline: only what is already on disk is used."""
        self._storage = storage
        self._fetcher = fetcher
        self._urls = {
            SourceKind.OPEN_FILAMENT_DATABASE: ofd_url,
            SourceKind.SPOOLMANDB: spoolmandb_url,
        }
        self._refresh_after = refresh_after
        self._now = now
        self._snapshots: dict[SourceKind, _Snapshot] = {}
        self._loaded_from_disk: set[SourceKind] = set()
        self._last_failure: dict[SourceKind, datetime] = {}
        self._errors: dict[SourceKind, str] = {}
        self._locks = {kind: asyncio.Lock() for kind in DATABASE_KINDS}

    async def records(
        self, kind: SourceKind, *, allow_network: bool = True
    ) -> tuple[DbRecord, ...]:
        """Records of one database, downloading or refreshing first when needed and allowed."""
        async with self._locks[kind]:
            if kind not in self._loaded_from_disk:
                self._loaded_from_disk.add(kind)
                snapshot = await asyncio.to_thread(self._load_sync, kind)
                if snapshot is not None:
                    self._snapshots[kind] = snapshot
            if allow_network and self._due(kind):
                await self._download(kind)
            snapshot = self._snapshots.get(kind)
            return snapshot.records if snapshot else ()

    async def refresh(self, kind: SourceKind) -> DatabaseStatus:
        """Download now regardless of age (a failure keeps the old copy)."""
        async with self._locks[kind]:
            self._last_failure.pop(kind, None)
            await self._download(kind)
        return self.status(kind)

    def status(self, kind: SourceKind) -> DatabaseStatus:
        """Current state of one database cache."""
        snapshot = self._snapshots.get(kind)
        return DatabaseStatus(
            source=kind,
            url=self._urls[kind],
            records=len(snapshot.records) if snapshot else 0,
            fetched_at=snapshot.fetched_at if snapshot else None,
            stale=snapshot is None or self._now() - snapshot.fetched_at > self._refresh_after,
            last_error=self._errors.get(kind),
        )

    def _due(self, kind: SourceKind) -> bool:
        if self._fetcher is None:
            return False
        failed = self._last_failure.get(kind)
        if failed is not None and self._now() - failed < RETRY_FAILED_AFTER:
            return False
        snapshot = self._snapshots.get(kind)
        return snapshot is None or self._now() - snapshot.fetched_at > self._refresh_after

    async def _download(self, kind: SourceKind) -> None:
        if self._fetcher is None:
            return
        url = self._urls[kind]
        try:
            if kind is SourceKind.OPEN_FILAMENT_DATABASE:
                records = await self._download_ofd(self._fetcher, url)
            else:
                records = await self._download_spoolmandb(self._fetcher, url)
            if not records:
                raise FetchError(f"{url} held no usable records")
        except FilamentError as err:
            self._last_failure[kind] = self._now()
            self._errors[kind] = str(err)
            _LOGGER.info("could not refresh %s: %s; keeping the cached copy", kind.value, err)
            return
        snapshot = _Snapshot(tuple(records), self._now())
        self._snapshots[kind] = snapshot
        self._errors.pop(kind, None)
        await self._storage.write(_FILES[kind], _dump(kind, url, snapshot))

    @staticmethod
    async def _download_ofd(fetcher: PoliteFetcher, url: str) -> list[DbRecord]:
        accumulator = OfdAccumulator()
        batch: list[bytes] = []
        async for line in fetcher.stream_lines(
            url, max_bytes=DATABASE_MAX_BYTES, max_line_bytes=DATABASE_MAX_LINE_BYTES
        ):
            batch.append(line)
            if len(batch) >= _BATCH_LINES:
                await asyncio.to_thread(accumulator.feed_lines, batch)
                batch = []
        await asyncio.to_thread(accumulator.feed_lines, batch)
        return await asyncio.to_thread(accumulator.records)

    @staticmethod
    async def _download_spoolmandb(fetcher: PoliteFetcher, url: str) -> list[DbRecord]:
        document = await fetcher.get(url, max_bytes=SPOOLMANDB_MAX_BYTES, accept="application/json")
        try:
            rows = await asyncio.to_thread(json.loads, document.body)
        except (ValueError, RecursionError) as err:
            raise FetchError(f"{url} is not valid JSON") from err
        return await asyncio.to_thread(parse_spoolmandb, rows)

    def _load_sync(self, kind: SourceKind) -> _Snapshot | None:
        """Read and validate the cache file (blocking; runs in a worker thread)."""
        name = _FILES[kind]
        data = self._storage.read_sync(name)
        if data is None:
            return None
        try:
            return _parse(kind, data)
        except (InvalidSpecInput, KeyError, TypeError, ValueError):
            self._storage.quarantine_sync(name)
            return None


def _dump(kind: SourceKind, url: str, snapshot: _Snapshot) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "source": kind.value,
        "source_url": url,
        "fetched_at": snapshot.fetched_at.isoformat(),
        "records": [record.to_json() for record in snapshot.records],
    }


def _parse(kind: SourceKind, data: Any) -> _Snapshot:
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        raise InvalidSpecInput("unknown cache format")
    if data.get("source") != kind.value or not isinstance(data.get("records"), list):
        raise InvalidSpecInput("cache of another source")
    fetched_at = datetime.fromisoformat(str(data["fetched_at"]))
    if fetched_at.tzinfo is None:
        raise InvalidSpecInput("cache time without zone")
    records = tuple(DbRecord.from_json(kind, item) for item in data["records"])
    return _Snapshot(records, fetched_at)
