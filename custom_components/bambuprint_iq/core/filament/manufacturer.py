"""Manufacturer pages on demand: structured data first, then the HTML spec block, then the
datasheet PDF. Results (numbers and addresses only, never page text) are cached for weeks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import hashlib
import logging
import re
from types import MappingProxyType
from typing import Any

from yarl import URL

from .errors import FetchError, InvalidSpecInput, ParseBudgetExceeded
from .provenance import DEFAULT_CONFIDENCE, Provenance, SourceKind
from .serialize import values_from_json, values_to_json
from .spec import SourcedValues
from .storage import JsonDirectory
from .text import ParsedText, parse_spec_text
from .web.fetcher import PoliteFetcher
from .web.html_extract import (
    HtmlDocument,
    extract_html,
    json_ld_products,
    next_data_text,
    shopify_product_text,
)
from .web.pdf_extract import pdf_text
from .web.policy import DATASHEET_MAX_BYTES, PAGE_MAX_BYTES

_LOGGER = logging.getLogger(__name__)
PAGE_CACHE_DIR = "pages"
PAGE_CACHE_FORMAT = 1
DEFAULT_PAGE_TTL = timedelta(days=60)
MIN_PAGE_TTL = timedelta(days=30)
MAX_PAGE_TTL = timedelta(days=90)
PARSE_BUDGET_S = 3.0
LLM_TEXT_CHARS = 12_000
KEY_FIELDS = ("nozzle_temp", "bed_temp", "drying_temp")
_SHOPIFY_PRODUCT = re.compile(
    r"^(?P<prefix>(?:/[a-z]{2}(?:-[a-z]{2})?)?/products/)(?P<handle>[^/.]+)"
)


@dataclass(frozen=True, slots=True)
class PageResult:
    """What one manufacturer page (and the datasheet it links) yielded."""

    sources: tuple[SourcedValues, ...]
    attempts: tuple[str, ...]
    text_excerpt: str | None = None
    """Bounded page text, kept in memory only, for the model-based extraction fallback."""
    title: str | None = None


@dataclass(slots=True)
class _Progress:
    sources: list[SourcedValues] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)
    excerpt: str | None = None
    title: str | None = None

    def covered(self) -> bool:
        present = {name for source in self.sources for name in source.values.present_fields()}
        return all(name in present for name in KEY_FIELDS)


def page_cache_name(url: str) -> str:
    """Cache file name for a page URL."""
    return f"{PAGE_CACHE_DIR}/{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"


class ManufacturerPages:
    """Reads manufacturer pages politely and caches what they state."""

    def __init__(
        self,
        fetcher: PoliteFetcher,
        storage: JsonDirectory,
        *,
        ttl: timedelta = DEFAULT_PAGE_TTL,
        now: Callable[[], datetime],
    ) -> None:
        """``ttl`` must stay within 30-90 days."""
        if not MIN_PAGE_TTL <= ttl <= MAX_PAGE_TTL:
            raise ValueError("page cache lifetime must be between 30 and 90 days")
        self._fetcher = fetcher
        self._storage = storage
        self._ttl = ttl
        self._now = now

    async def read(
        self,
        url: str,
        *,
        material: str | None,
        product: str | None,
        datasheet_url: str | None = None,
    ) -> PageResult:
        """Settings from a product page (or a datasheet URL), from cache when fresh."""
        cached = await self._cached(url)
        if cached is not None:
            return PageResult(cached, ("cache hit",))
        progress = _Progress()
        if url.lower().split("?")[0].endswith(".pdf"):
            await self._datasheet(url, progress, material, product)
        else:
            await self._page(url, progress, material, product, datasheet_url)
        await self._store(url, progress.sources)
        return PageResult(
            tuple(progress.sources), tuple(progress.attempts), progress.excerpt, progress.title
        )

    # -- pipeline ----------------------------------------------------------------------
    async def _page(
        self,
        url: str,
        progress: _Progress,
        material: str | None,
        product: str | None,
        datasheet_url: str | None,
    ) -> None:
        try:
            document = await self._fetcher.get(url, max_bytes=PAGE_MAX_BYTES, accept="text/html")
        except FetchError as err:
            progress.attempts.append(f"page {url}: {err}")
            return
        if document.content_type == "application/pdf" or document.body[:5] == b"%PDF-":
            await self._parse_pdf(document.url, document.body, progress, material, product)
            return
        try:
            page = await asyncio.to_thread(
                extract_html, document.body, time_budget_s=PARSE_BUDGET_S
            )
        except ParseBudgetExceeded as err:
            progress.attempts.append(f"page {url}: {err}")
            return
        progress.title = page.title or None
        progress.excerpt = page.text[:LLM_TEXT_CHARS] or None
        title = " ".join(part for part in (product, page.title) if part)
        await self._structured(document.url, page, progress, material, title)
        if not progress.covered():
            await self._shopify(document.url, progress, material, title)
        if not progress.covered():
            await self._parse_text(
                page.text, SourceKind.MANUFACTURER_HTML, document.url, progress, material, title
            )
        if not progress.covered():
            links = [str(URL(document.url).join(URL(link))) for link in page.datasheet_links]
            target = datasheet_url or next(iter(links), None)
            if target:
                await self._datasheet(target, progress, material, product)

    async def _structured(
        self, url: str, page: HtmlDocument, progress: _Progress, material: str | None, title: str
    ) -> None:
        texts = [text for _, text in json_ld_products(page.json_ld)]
        texts.append(await asyncio.to_thread(next_data_text, page.next_data))
        blob = "\n".join(text for text in texts if text)
        if blob:
            await self._parse_text(
                blob, SourceKind.MANUFACTURER_STRUCTURED, url, progress, material, title
            )

    async def _shopify(
        self, url: str, progress: _Progress, material: str | None, title: str
    ) -> None:
        parsed = URL(url)
        match = _SHOPIFY_PRODUCT.match(parsed.path)
        if match is None:
            return
        feed = parsed.with_path(f"{match['prefix']}{match['handle']}.js").with_query(None)
        try:
            document = await self._fetcher.get(
                str(feed), max_bytes=PAGE_MAX_BYTES, accept="application/json"
            )
        except FetchError as err:
            progress.attempts.append(f"shopify feed {feed}: {err}")
            return
        found = shopify_product_text(document.body)
        if found is not None:
            feed_title, description = found
            await self._parse_text(
                description,
                SourceKind.MANUFACTURER_STRUCTURED,
                str(feed),
                progress,
                material,
                f"{title} {feed_title}",
            )

    async def _datasheet(
        self, url: str, progress: _Progress, material: str | None, product: str | None
    ) -> None:
        try:
            document = await self._fetcher.get(
                url, max_bytes=DATASHEET_MAX_BYTES, accept="application/pdf"
            )
        except FetchError as err:
            progress.attempts.append(f"datasheet {url}: {err}")
            return
        await self._parse_pdf(document.url, document.body, progress, material, product)

    async def _parse_pdf(
        self, url: str, body: bytes, progress: _Progress, material: str | None, product: str | None
    ) -> None:
        try:
            text = await asyncio.to_thread(pdf_text, body, time_budget_s=PARSE_BUDGET_S)
        except ParseBudgetExceeded as err:
            progress.attempts.append(f"datasheet {url}: {err}")
            return
        if not text.strip():
            progress.attempts.append(f"datasheet {url}: no text (scanned or unreadable)")
            return
        progress.excerpt = progress.excerpt or text[:LLM_TEXT_CHARS]
        await self._parse_text(
            text, SourceKind.MANUFACTURER_DATASHEET, url, progress, material, product or ""
        )

    async def _parse_text(
        self,
        text: str,
        kind: SourceKind,
        url: str,
        progress: _Progress,
        material: str | None,
        title: str,
    ) -> None:
        try:
            parsed: ParsedText = await asyncio.to_thread(
                parse_spec_text, text, title=title, time_budget_s=PARSE_BUDGET_S
            )
        except ParseBudgetExceeded as err:
            progress.attempts.append(f"{kind.value} {url}: {err}")
            return
        values = parsed.values_for(material)
        progress.attempts.append(f"{kind.value} {url}: {len(values.present_fields())} fields")
        if values.is_empty():
            return
        provenance = Provenance(kind, self._now(), DEFAULT_CONFIDENCE[kind], url)
        evidence = parsed.evidence if values is parsed.values else MappingProxyType({})
        progress.sources.append(SourcedValues(values, provenance, evidence))

    async def remember(self, url: str, source: SourcedValues) -> None:
        """Add a derived result (model extraction of this page) to the page's cache entry."""
        cached = await self._cached(url)
        if cached is not None:
            await self._store(url, [*cached, source])

    # -- cache ---------------------------------------------------------------------------
    async def _cached(self, url: str) -> tuple[SourcedValues, ...] | None:
        data = await self._storage.read(page_cache_name(url))
        if data is None:
            return None
        try:
            return _parse_cache(data, url, self._now())
        except (InvalidSpecInput, KeyError, TypeError, ValueError):
            await self._storage.quarantine(page_cache_name(url))
            return None

    async def _store(self, url: str, sources: list[SourcedValues]) -> None:
        now = self._now()
        await self._storage.write(
            page_cache_name(url),
            {
                "format": PAGE_CACHE_FORMAT,
                "url": url,
                "fetched_at": now.isoformat(),
                "expires_at": (now + self._ttl).isoformat(),
                "sources": [
                    {
                        "kind": source.provenance.source.value,
                        "url": source.provenance.url,
                        "values": values_to_json(source.values),
                        "evidence": dict(source.evidence),
                    }
                    for source in sources
                ],
            },
        )


def _parse_cache(data: Any, url: str, now: datetime) -> tuple[SourcedValues, ...] | None:
    if not isinstance(data, dict) or data.get("format") != PAGE_CACHE_FORMAT:
        raise InvalidSpecInput("unknown page cache format")
    if data.get("url") != url:
        raise InvalidSpecInput("page cache for another address")
    if datetime.fromisoformat(str(data["expires_at"])) <= now:
        return None
    fetched_at = datetime.fromisoformat(str(data["fetched_at"]))
    sources: list[SourcedValues] = []
    for item in data["sources"]:
        kind = SourceKind(item["kind"])
        evidence = item.get("evidence") or {}
        if not isinstance(evidence, dict):
            raise InvalidSpecInput("evidence must be an object")
        sources.append(
            SourcedValues(
                values_from_json(item["values"]),
                Provenance(kind, fetched_at, DEFAULT_CONFIDENCE[kind], str(item.get("url") or url)),
                MappingProxyType({str(k): str(v)[:160] for k, v in evidence.items()}),
            )
        )
    return tuple(sources)
