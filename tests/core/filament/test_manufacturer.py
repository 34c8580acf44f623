"""Manufacturer pages: structured data, HTML spec blocks, datasheets, cache and hostile input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
import time
import tracemalloc

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.filament import FetchPolicy, Range, SourceKind
from custom_components.bambuprint_iq.core.filament.manufacturer import ManufacturerPages
from custom_components.bambuprint_iq.core.filament.storage import JsonDirectory
from custom_components.bambuprint_iq.core.filament.web.fetcher import PoliteFetcher
from custom_components.bambuprint_iq.core.filament.web.html_extract import extract_html
from custom_components.bambuprint_iq.core.filament.web.pdf_extract import pdf_text
from tests.fakes.filament_web import (
    FilamentWeb,
    datasheet_pdf,
    flate_bomb,
    make_pdf,
    product_page,
    shopify_feed,
)


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    """A wall clock the tests move."""
    return _Clock()


@pytest.fixture
def pages(
    session: aiohttp.ClientSession, fast_policy: FetchPolicy, tmp_path: Path, clock: _Clock
) -> ManufacturerPages:
    """The page reader over a real session, caching under a temporary directory."""
    return ManufacturerPages(
        PoliteFetcher(session, fast_policy), JsonDirectory(tmp_path), now=clock
    )


def _kinds(result_sources: tuple[object, ...]) -> list[SourceKind]:
    return [source.provenance.source for source in result_sources]  # type: ignore[attr-defined]


async def test_json_ld_product_properties_come_first(
    web: FilamentWeb, pages: ManufacturerPages
) -> None:
    """schema.org additionalProperty rows are read as structured data."""
    web.add(
        "/p/ld",
        product_page(
            title="Acme PETG",
            json_ld={
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "Organization", "name": "Acme"},
                    {
                        "@type": "Product",
                        "name": "Acme PETG",
                        "additionalProperty": [
                            {
                                "@type": "PropertyValue",
                                "name": "Nozzle temperature",
                                "value": "230-250 °C",
                            },
                            {
                                "@type": "PropertyValue",
                                "name": "Bed temperature",
                                "value": "70-80 °C",
                            },
                            {"@type": "PropertyValue", "name": "Drying", "value": "65 °C, 6 h"},
                        ],
                    },
                ],
            },
        ),
    )
    result = await pages.read(web.url("/p/ld"), material="PETG", product="Acme PETG")
    (source,) = result.sources
    assert source.provenance.source is SourceKind.MANUFACTURER_STRUCTURED
    assert source.values.nozzle_temp == Range(230, 250)
    assert source.values.drying_time_h == Range.point(6)
    assert source.provenance.url == web.url("/p/ld")


async def test_shopify_feed_then_html_spec_block(
    web: FilamentWeb, pages: ManufacturerPages
) -> None:
    """A Shopify product page without specs is completed from its ``.js`` product feed."""
    web.add("/products/beta-pla", product_page(title="Beta PLA", filler="Bright colours."))
    web.add(
        "/products/beta-pla.js",
        shopify_feed(
            "Beta PLA",
            "<ul><li>Printing Temperature: 195°C-215°C</li><li>Heated Bed: 50-60°C</li>"
            "<li>Drying: 50 °C for 6 hours</li></ul>",
        ),
        "application/json",
    )
    result = await pages.read(web.url("/products/beta-pla"), material="PLA", product="Beta PLA")
    assert _kinds(result.sources) == [SourceKind.MANUFACTURER_STRUCTURED]
    assert result.sources[0].values.bed_temp == Range(50, 60)
    assert result.sources[0].values.drying_temp == Range.point(50)


async def test_html_table_then_datasheet_pdf(web: FilamentWeb, pages: ManufacturerPages) -> None:
    """The spec table is read; the linked datasheet fills what the table lacks."""
    web.add(
        "/p/gamma",
        product_page(
            title="Gamma PLA",
            spec_rows=[("Print temperature", "200-220 °C"), ("Bed temperature", "55 °C")],
            datasheet_href="/files/gamma-tds.pdf",
        ),
    )
    web.add("/files/gamma-tds.pdf", datasheet_pdf(), "application/pdf")
    result = await pages.read(web.url("/p/gamma"), material="PLA", product="Gamma PLA")
    assert _kinds(result.sources) == [
        SourceKind.MANUFACTURER_HTML,
        SourceKind.MANUFACTURER_DATASHEET,
    ]
    html, sheet = result.sources
    assert html.values.nozzle_temp == Range(200, 220)
    assert sheet.values.nozzle_temp == Range(195, 225)
    assert sheet.values.nozzle_temp_recommended is None  # the specimen's 215 °C is not used
    assert sheet.values.drying_temp == Range.point(55)
    assert sheet.values.print_speed == Range(None, 250)
    assert sheet.provenance.url == web.url("/files/gamma-tds.pdf")


async def test_results_are_cached_for_weeks_and_expire(
    web: FilamentWeb, pages: ManufacturerPages, clock: _Clock, tmp_path: Path
) -> None:
    """A second read within the lifetime makes no request; after expiry it fetches again."""
    web.add("/p/delta", product_page(title="Delta", spec_rows=[("Nozzle temp", "210 °C")]))
    first = await pages.read(web.url("/p/delta"), material=None, product="Delta")
    clock.now += timedelta(days=20)
    second = await pages.read(web.url("/p/delta"), material=None, product="Delta")
    assert second.attempts == ("cache hit",)
    assert second.sources[0].values == first.sources[0].values
    assert len(web.hits("/p/delta")) == 1
    cached = next((tmp_path / "pages").iterdir()).read_text()
    assert "Nozzle temp" in cached  # evidence span only, never the page
    assert "<html>" not in cached
    clock.now += timedelta(days=61)
    await pages.read(web.url("/p/delta"), material=None, product="Delta")
    assert len(web.hits("/p/delta")) == 2


def test_cache_lifetime_must_stay_within_30_to_90_days(
    session: aiohttp.ClientSession, fast_policy: FetchPolicy, tmp_path: Path, clock: _Clock
) -> None:
    """Shorter or longer lifetimes are refused."""
    fetcher = PoliteFetcher(session, fast_policy)
    for days in (7, 120):
        with pytest.raises(ValueError, match="30 and 90"):
            ManufacturerPages(fetcher, JsonDirectory(tmp_path), ttl=timedelta(days=days), now=clock)


def _bounded(run: Callable[[], object]) -> tuple[float, int]:
    """Wall time and peak traced memory of one blocking call."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        run()
    finally:
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak


def _script_laden_page() -> bytes:
    scripts = "<script>window.a=[1,2,3];if(a<b){x='</div>'}</script>" * 8_000
    nested = "<div><span>" * 10_000
    specs = "<table><tr><td>Nozzle temperature</td><td>205-225 °C</td></tr></table>"
    return (scripts + nested + "&#99999999;&bogus;<<<>>><a href=" + specs).encode()


def test_hostile_html_is_bounded_in_time_and_memory() -> None:
    """Script floods, deep nesting and broken markup parse quickly with modest memory."""
    page = _script_laden_page()
    assert len(page) > 500_000
    elapsed, peak = _bounded(lambda: extract_html(page, time_budget_s=3.0))
    assert elapsed < 3.0
    assert peak < 64 * 1024 * 1024
    document = extract_html(page, time_budget_s=3.0)
    assert "window.a" not in document.text
    unclosed_comment = b"<!-- " + b"<p>spam 200 \xc2\xb0C</p>" * 30_000
    elapsed, _ = _bounded(lambda: extract_html(unclosed_comment, time_budget_s=3.0))
    assert elapsed < 4.0


def test_hostile_pdfs_are_bounded_in_time_and_memory() -> None:
    """A decompression bomb, corrupt streams and garbage give no text, quickly and cheaply."""
    bomb = make_pdf(content=flate_bomb(96 * 1024 * 1024))
    elapsed, peak = _bounded(lambda: pdf_text(bomb))
    assert pdf_text(bomb) == ""
    assert elapsed < 3.0
    assert peak < 32 * 1024 * 1024
    corrupt = make_pdf(content=b"\x78\x9c" + bytes(range(256)) * 2000)
    elapsed, _ = _bounded(lambda: pdf_text(corrupt))
    assert pdf_text(corrupt) == ""
    assert elapsed < 2.0
    assert pdf_text(b"%PDF-1.7\n" + b"\x00garbage" * 10_000) == ""
    assert "Nozzle Temperature" in pdf_text(datasheet_pdf())


async def test_hostile_documents_through_the_pipeline(
    web: FilamentWeb, pages: ManufacturerPages
) -> None:
    """Too large pages are refused, bombs give nothing, and every outcome is reported."""
    web.add("/p/huge", b"<p>" + b"x" * (3 * 1024 * 1024), "text/html")
    web.add("/p/bomb.pdf", make_pdf(content=flate_bomb(64 * 1024 * 1024)), "application/pdf")
    web.add("/p/scripts", _script_laden_page())
    huge = await pages.read(web.url("/p/huge"), material=None, product=None)
    assert huge.sources == ()
    assert "exceeds" in huge.attempts[0] or "declares" in huge.attempts[0]
    bomb = await pages.read(web.url("/p/bomb.pdf"), material=None, product=None)
    assert bomb.sources == ()
    assert "no text" in bomb.attempts[0]
    scripts = await pages.read(web.url("/p/scripts"), material=None, product=None)
    assert scripts.sources[0].values.nozzle_temp == Range(205, 225)
