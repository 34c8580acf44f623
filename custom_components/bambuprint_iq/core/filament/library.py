"""The public entry point: look a filament up, or record a user's correction.

Sources are consulted in trust order and merged field by field (see ``SourceKind``): user
corrections, Bambu RFID tray data, the Open Filament Database, SpoolmanDB, manufacturer
pages (structured data, HTML, datasheet), model extraction, the printer's preset echo and
finally generic material defaults. Network work happens only when a field is still missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
import time
from typing import Any

import aiohttp

from .corrections import Correction, CorrectionStore, JsonCorrectionStore
from .databases.cache import DATABASE_KINDS, REFRESH_AFTER, DatabaseCache, DatabaseStatus, utc_now
from .databases.ofd import DEFAULT_OFD_URL
from .databases.records import DbRecord
from .databases.spoolman import DEFAULT_SPOOLMANDB_URL
from .defaults import material_defaults
from .errors import InvalidSpecInput
from .llm import SpecExtractor, build_request, extract_with_model
from .manufacturer import DEFAULT_PAGE_TTL, KEY_FIELDS, ManufacturerPages
from .matching import Catalog, CatalogEntry, MatchResult, MatchStatus, entry_key
from .materials import canonical_material, materials_in
from .provenance import DEFAULT_CONFIDENCE, Provenance, SourceKind
from .results import FilamentQuery, LookupResult, LookupStatus, SourceAttempt
from .sanity import check_values
from .serialize import values_from_json
from .spec import SourcedValues, merge_sources
from .storage import JsonDirectory
from .web.fetcher import PoliteFetcher, Sleep
from .web.policy import FetchPolicy

CORRECTION_MATCH_SCORE = 0.85


@dataclass(frozen=True, slots=True)
class LibraryConfig:
    """Addresses and etiquette; tests point the URLs at a local server."""

    ofd_url: str = DEFAULT_OFD_URL
    spoolmandb_url: str = DEFAULT_SPOOLMANDB_URL
    fetch_policy: FetchPolicy = field(default_factory=FetchPolicy)
    page_ttl: timedelta = DEFAULT_PAGE_TTL
    database_refresh_after: timedelta = REFRESH_AFTER
    max_pages_per_lookup: int = 2


@dataclass(slots=True)
class _Gathered:
    """Scratch state of one lookup."""

    sources: list[SourcedValues] = field(default_factory=list)
    attempts: list[SourceAttempt] = field(default_factory=list)
    identified: bool = False
    excerpt: tuple[str, str] | None = None

    def covered(self) -> bool:
        present = {name for source in self.sources for name in source.values.present_fields()}
        return all(name in present for name in KEY_FIELDS)


class FilamentLibrary:
    """Filament settings with provenance, cached under one directory.

    ``storage_dir`` is created on first write (the integration passes
    ``<config>/bambuprint_iq/filament``). ``session`` is the caller's aiohttp session; with
    None the library works offline from what it already has on disk.
    """

    def __init__(
        self,
        storage_dir: Path,
        session: aiohttp.ClientSession | None,
        *,
        config: LibraryConfig | None = None,
        extractor: SpecExtractor | None = None,
        corrections: CorrectionStore | None = None,
        now: Callable[[], datetime] = utc_now,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Wire the sources; nothing is read or fetched until the first call."""
        self._config = config or LibraryConfig()
        self._now = now
        self._storage = JsonDirectory(storage_dir)
        fetcher = (
            None
            if session is None
            else PoliteFetcher(session, self._config.fetch_policy, sleep=sleep, clock=clock)
        )
        self._databases = DatabaseCache(
            self._storage,
            fetcher,
            ofd_url=self._config.ofd_url,
            spoolmandb_url=self._config.spoolmandb_url,
            refresh_after=self._config.database_refresh_after,
            now=now,
        )
        self._pages = (
            None
            if fetcher is None
            else ManufacturerPages(fetcher, self._storage, ttl=self._config.page_ttl, now=now)
        )
        self._extractor = extractor
        self._corrections = corrections or JsonCorrectionStore(self._storage)
        self._catalog_for: tuple[int, ...] = ()
        self._catalog = Catalog(())
        self._records_by_key: dict[str, list[DbRecord]] = {}
        self._catalog_lock = asyncio.Lock()

    # -- public API ------------------------------------------------------------------------
    async def lookup(
        self, query: FilamentQuery | str, *, allow_network: bool = True
    ) -> LookupResult:
        """Recommended settings for a filament, each value with its source."""
        query = query if isinstance(query, FilamentQuery) else FilamentQuery.from_text(query)
        gathered = _Gathered()
        material = _query_material(query)
        self._add_tray(query, gathered)
        match: MatchResult | None = None
        if query.brand or query.product:
            match, material = await self._add_named(query, material, gathered, allow_network)
        if allow_network and not gathered.covered():
            await self._add_pages(query, match, material, gathered)
        if allow_network and not gathered.covered():
            await self._add_model(query, material, gathered)
        defaults = material_defaults(material)
        if defaults is not None:
            provenance = self._provenance(SourceKind.MATERIAL_DEFAULT)
            gathered.sources.append(SourcedValues(defaults, provenance))
            gathered.attempts.append(
                SourceAttempt(SourceKind.MATERIAL_DEFAULT, f"{material} defaults")
            )
        best = match.best if match else None
        spec = None
        if gathered.sources:
            spec = merge_sources(
                gathered.sources,
                brand=best.brand if best else query.brand,
                product=best.product if best else query.product,
                material=material,
            )
        status = (
            LookupStatus.FOUND
            if gathered.identified
            else (
                LookupStatus.AMBIGUOUS
                if match is not None and match.status is MatchStatus.AMBIGUOUS
                else LookupStatus.NOT_FOUND
            )
        )
        return LookupResult(
            status=status,
            query=query,
            spec=spec,
            match=best,
            candidates=match.candidates if match and status is not LookupStatus.FOUND else (),
            attempts=tuple(gathered.attempts),
        )

    async def correct(
        self,
        brand: str,
        product: str,
        values: Mapping[str, Any],
        *,
        material: str | None = None,
        note: str | None = None,
    ) -> Correction:
        """Store a user's settings for a product; preferred over every other source from now on.

        ``values`` uses the flat vocabulary (``nozzle_temp_min``, ``drying_temp`` …) or the
        structured form. Raises ``InvalidSpecInput`` for unknown keys or implausible values.
        """
        parsed = values_from_json(values)
        if parsed.is_empty():
            raise InvalidSpecInput("a correction needs at least one setting")
        canonical = canonical_material(material) if material else None
        if material and canonical is None:
            raise InvalidSpecInput(f"unknown material {material!r}")
        await self._refresh_catalog(allow_network=True)
        match = await asyncio.to_thread(self._catalog.match, brand, product, canonical)
        if match.best is not None and match.best.score >= CORRECTION_MATCH_SCORE:
            brand, product = match.best.brand, match.best.product
            canonical = canonical or match.best.material
        checked = check_values(parsed, canonical)
        if checked.rejected:
            raise InvalidSpecInput(f"implausible values for: {', '.join(checked.rejected)}")
        correction = Correction(brand, product, canonical, parsed, self._now(), note)
        return await self._corrections.put(correction)

    async def remove_correction(self, brand: str, product: str) -> bool:
        """Forget a user's correction; True when one existed."""
        if await self._corrections.delete(entry_key(brand, product)):
            return True
        await self._refresh_catalog(allow_network=False)
        match = await asyncio.to_thread(self._catalog.match, brand, product, None)
        if match.best is not None and match.best.score >= CORRECTION_MATCH_SCORE:
            return await self._corrections.delete(match.best.key)
        return False

    async def refresh_databases(self) -> list[DatabaseStatus]:
        """Download both databases now (a failure keeps the cached copy)."""
        statuses = [await self._databases.refresh(kind) for kind in DATABASE_KINDS]
        await self._refresh_catalog(allow_network=False)
        return statuses

    def database_status(self) -> list[DatabaseStatus]:
        """What the database caches currently hold."""
        return [self._databases.status(kind) for kind in DATABASE_KINDS]

    # -- sources ---------------------------------------------------------------------------
    def _provenance(
        self,
        kind: SourceKind,
        *,
        score: float = 1.0,
        url: str | None = None,
        at: datetime | None = None,
    ) -> Provenance:
        return Provenance(kind, at or self._now(), DEFAULT_CONFIDENCE[kind] * score, url)

    def _add_tray(self, query: FilamentQuery, gathered: _Gathered) -> None:
        if query.tray is None:
            return
        kind = SourceKind.RFID if query.tray.is_bambu_rfid else SourceKind.PRINTER_PRESET
        values = check_values(query.tray.to_values(), query.tray.material).values
        gathered.attempts.append(SourceAttempt(kind, f"{len(values.present_fields())} fields"))
        if not values.is_empty():
            gathered.sources.append(SourcedValues(values, self._provenance(kind)))
            gathered.identified = gathered.identified or kind is SourceKind.RFID

    async def _add_named(
        self, query: FilamentQuery, material: str | None, gathered: _Gathered, allow_network: bool
    ) -> tuple[MatchResult, str | None]:
        correction = await self._corrections.get(entry_key(query.brand or "", query.product or ""))
        await self._refresh_catalog(allow_network=allow_network)
        for status in self.database_status():
            if status.last_error is not None:
                outcome = f"using cached copy ({status.records} records): {status.last_error}"
                gathered.attempts.append(SourceAttempt(status.source, outcome))
        match = await asyncio.to_thread(self._catalog.match, query.brand, query.product, material)
        gathered.attempts.append(SourceAttempt(SourceKind.OPEN_FILAMENT_DATABASE, _describe(match)))
        if match.status is MatchStatus.MATCHED and match.best is not None:
            best = match.best
            material = material or best.material
            correction = correction or await self._corrections.get(best.key)
            for record in self._records_by_key.get(best.key, []):
                status = self._databases.status(record.source)
                provenance = self._provenance(
                    record.source, score=best.score, url=status.url, at=status.fetched_at
                )
                gathered.sources.append(SourcedValues(record.values, provenance))
            gathered.identified = True
        if correction is not None:
            material = material or correction.material
            provenance = self._provenance(SourceKind.USER, at=correction.updated_at)
            gathered.sources.append(SourcedValues(correction.values, provenance))
            gathered.attempts.append(SourceAttempt(SourceKind.USER, "correction applied"))
            gathered.identified = True
        return match, material

    async def _add_pages(
        self,
        query: FilamentQuery,
        match: MatchResult | None,
        material: str | None,
        gathered: _Gathered,
    ) -> None:
        if self._pages is None:
            return
        records = (
            self._records_by_key.get(match.best.key, [])
            if match is not None and match.best is not None
            else []
        )
        datasheet = next((r.datasheet_url for r in records if r.datasheet_url), None)
        urls = [query.url] + [r.product_url for r in records] + [datasheet]
        targets = list(dict.fromkeys(url for url in urls if url))[
            : self._config.max_pages_per_lookup
        ]
        product = match.best.product if match and match.best else query.product
        for url in targets:
            result = await self._pages.read(
                url, material=material, product=product, datasheet_url=datasheet
            )
            for outcome in result.attempts:
                gathered.attempts.append(SourceAttempt(SourceKind.MANUFACTURER_HTML, outcome))
            gathered.sources.extend(result.sources)
            if result.sources and url == query.url:
                gathered.identified = True
            if result.text_excerpt and gathered.excerpt is None:
                gathered.excerpt = (url, result.text_excerpt)
            if gathered.covered():
                return

    async def _add_model(
        self, query: FilamentQuery, material: str | None, gathered: _Gathered
    ) -> None:
        if self._extractor is None or gathered.excerpt is None:
            return
        url, text = gathered.excerpt
        request = build_request(
            brand=query.brand, product=query.product, material=material, url=url, text=text
        )
        source, outcome = await extract_with_model(self._extractor, request, now=self._now())
        gathered.attempts.append(SourceAttempt(SourceKind.LLM, outcome))
        if source is not None:
            gathered.sources.append(source)
            if self._pages is not None:
                await self._pages.remember(url, source)

    async def _refresh_catalog(self, *, allow_network: bool) -> None:
        async with self._catalog_lock:
            snapshots = [
                await self._databases.records(kind, allow_network=allow_network)
                for kind in DATABASE_KINDS
            ]
            identity = tuple(id(snapshot) for snapshot in snapshots)
            if identity == self._catalog_for:
                return
            records = [record for snapshot in snapshots for record in snapshot]
            self._catalog, self._records_by_key = await asyncio.to_thread(_index, records)
            self._catalog_for = identity


def _index(records: list[DbRecord]) -> tuple[Catalog, dict[str, list[DbRecord]]]:
    by_key: dict[str, list[DbRecord]] = {}
    entries: list[CatalogEntry] = []
    for record in records:
        key = entry_key(record.brand, record.product)
        if key not in by_key:
            entries.append(CatalogEntry(record.brand, record.product, record.material, key))
        by_key.setdefault(key, []).append(record)
    return Catalog(entries), by_key


def _query_material(query: FilamentQuery) -> str | None:
    if query.material:
        return canonical_material(query.material)
    names = materials_in(" ".join(part for part in (query.brand, query.product) if part))
    if names:
        return names[0]
    return query.tray.material if query.tray else None


def _describe(match: MatchResult) -> str:
    if match.best is not None:
        return f"matched {match.best.brand} {match.best.product} ({match.best.score:.2f})"
    return f"{match.status.value}: {len(match.candidates)} candidates"
