"""Open databases: first download, disk cache, offline use, weekly refresh, damage recovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from pathlib import Path

import aiohttp

from custom_components.bambuprint_iq.core.filament import (
    FetchPolicy,
    LibraryConfig,
    SourceKind,
)
from custom_components.bambuprint_iq.core.filament.databases.cache import DatabaseCache
from custom_components.bambuprint_iq.core.filament.databases.ofd import OfdAccumulator
from custom_components.bambuprint_iq.core.filament.databases.spoolman import parse_spoolmandb
from custom_components.bambuprint_iq.core.filament.storage import JsonDirectory
from custom_components.bambuprint_iq.core.filament.values import Range
from custom_components.bambuprint_iq.core.filament.web.fetcher import PoliteFetcher
from tests.fakes.filament_web import FilamentWeb, ofd_ndjson, spoolmandb_json

OFD = SourceKind.OPEN_FILAMENT_DATABASE


class _Clock:
    """Wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _cache(
    storage_dir: Path,
    session: aiohttp.ClientSession | None,
    config: LibraryConfig,
    clock: _Clock | None = None,
) -> DatabaseCache:
    fetcher = None if session is None else PoliteFetcher(session, config.fetch_policy)
    return DatabaseCache(
        JsonDirectory(storage_dir),
        fetcher,
        ofd_url=config.ofd_url,
        spoolmandb_url=config.spoolmandb_url,
        now=clock or _Clock(),
    )


async def test_download_then_offline_from_disk(
    databases: FilamentWeb,
    session: aiohttp.ClientSession,
    config: LibraryConfig,
    storage_dir: Path,
) -> None:
    """First use downloads and caches; afterwards the data works with the site gone."""
    first = await _cache(storage_dir, session, config).records(OFD)
    names = {(record.brand, record.product) for record in first}
    assert ("Polymaker", "PolyTerra PLA") in names
    assert len(databases.hits("/ofd/all.ndjson")) == 1
    assert (storage_dir / "databases" / "open_filament_database.json").is_file()

    await databases.close()
    offline = await _cache(storage_dir, None, config).records(OFD)
    assert {(record.brand, record.product) for record in offline} == names


async def test_records_carry_validated_values_and_own_links(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """Temperatures, traits and datasheets come through; marketplace links are dropped."""
    records = {r.product: r for r in await _cache(storage_dir, session, config).records(OFD)}
    terra = records["PolyTerra PLA"]
    assert terra.values.nozzle_temp == Range(190, 230)
    assert terra.values.bed_temp == Range(25, 60)
    assert terra.material == "PLA"
    assert records["Fiberon PA6-CF20"].values.abrasive is True
    assert records["Fiberon PA6-CF20"].values.max_drying_temp == 80
    alpha = records["Alpha PLA"]
    assert alpha.product_url == databases.url("/products/alpha-pla")
    assert alpha.datasheet_url == databases.url("/files/alpha-tds.pdf")
    assert all("amazon" not in (record.product_url or "") for record in records.values())


async def test_weekly_refresh_and_failed_refresh_keeps_old_copy(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """Within a week no request is made; after a week it refreshes; failures keep the data."""
    clock = _Clock()
    cache = _cache(storage_dir, session, config, clock)
    await cache.records(OFD)
    clock.now += timedelta(days=3)
    await cache.records(OFD)
    assert len(databases.hits("/ofd/all.ndjson")) == 1

    clock.now += timedelta(days=5)
    await cache.records(OFD)
    assert len(databases.hits("/ofd/all.ndjson")) == 2

    databases.add("/ofd/all.ndjson", "", "text/plain", status=500)
    clock.now += timedelta(days=8)
    kept = await cache.records(OFD)
    assert kept
    status = cache.status(OFD)
    assert status.stale
    assert status.last_error is not None
    assert status.as_dict()["records"] == len(kept)


async def test_corrupted_cache_is_moved_aside_and_rebuilt(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """A damaged cache file is quarantined and the database downloaded again."""
    await _cache(storage_dir, session, config).records(OFD)
    cache_file = storage_dir / "databases" / "open_filament_database.json"
    cache_file.write_bytes(b'{"format": 1, "records": [trunc')

    records = await _cache(storage_dir, session, config).records(OFD)

    assert records
    assert len(databases.hits("/ofd/all.ndjson")) == 2
    assert cache_file.with_name(cache_file.name + ".corrupt").is_file()
    assert json.loads(cache_file.read_text())["format"] == 1


async def test_wrong_shape_cache_offline_gives_nothing_instead_of_crashing(
    config: LibraryConfig, storage_dir: Path
) -> None:
    """Valid JSON with the wrong content is treated like damage, even without network."""
    path = storage_dir / "databases" / "spoolmandb.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": 1, "source": "spoolmandb", "fetched_at": "x"}))
    assert await _cache(storage_dir, None, config).records(SourceKind.SPOOLMANDB) == ()
    assert path.with_name(path.name + ".corrupt").is_file()


async def test_spoolmandb_rows_collapse_into_product_lines(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """Colour rows of one product become one record named by their shared words."""
    records = await _cache(storage_dir, session, config).records(SourceKind.SPOOLMANDB)
    products = {(r.brand, r.product): r for r in records}
    assert set(products) == {("SUNLU", "PLA Meta"), ("eSUN", "PETG")}
    assert products[("SUNLU", "PLA Meta")].values.nozzle_temp == Range(200, 230)
    petg = products[("eSUN", "PETG")].values
    assert petg.nozzle_temp == Range.point(240)
    assert petg.nozzle_temp_recommended == 240


def test_malformed_database_content_is_skipped_field_by_field() -> None:
    """Bad types and impossible numbers are dropped; the rest of the row survives."""
    accumulator = OfdAccumulator()
    accumulator.feed_lines(
        [
            b'{"_type": "brand", "id": "b", "name": "Acme"}',
            b'{"_type": "filament", "id": "f", "brand_id": "b", "name": "Weird PLA",'
            b' "material": "PLA", "min_print_temperature": "hot", "max_print_temperature": 900,'
            b' "min_bed_temperature": 50, "max_bed_temperature": 60, "density": true}',
            b"[1, 2, 3]",
            b'{"_type": "filament", "id": "g", "brand_id": "missing", "name": "Orphan"}',
        ]
    )
    (record,) = accumulator.records()
    assert record.values.nozzle_temp is None
    assert record.values.bed_temp == Range(50, 60)
    assert record.values.density is None
    assert parse_spoolmandb({"not": "a list"}) == []
    assert parse_spoolmandb([{"manufacturer": 3}, "x"]) == []


def test_fixture_exports_parse_without_network() -> None:
    """The fake exports themselves parse (guards the fake against drifting from the format)."""
    accumulator = OfdAccumulator()
    accumulator.feed_lines(ofd_ndjson("http://127.0.0.1:1").splitlines())
    assert len(accumulator.records()) == 10
    assert len(parse_spoolmandb(json.loads(spoolmandb_json()))) == 2


async def test_offline_library_without_cache_still_answers_from_defaults(
    storage_dir: Path, fast_policy: FetchPolicy
) -> None:
    """No session and nothing cached: the lookup falls back to material defaults."""
    from custom_components.bambuprint_iq.core.filament import FilamentLibrary, LookupStatus

    library = FilamentLibrary(storage_dir, None, config=LibraryConfig(fetch_policy=fast_policy))
    result = await library.lookup("Acme PETG")
    assert result.status is LookupStatus.NOT_FOUND
    assert result.spec is not None
    source = result.spec.source_of("nozzle_temp")
    assert source is not None
    assert source.source is SourceKind.MATERIAL_DEFAULT
    assert source.confidence < 0.5
