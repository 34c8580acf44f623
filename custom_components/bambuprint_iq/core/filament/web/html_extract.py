"""From an HTML page to plain text, structured data and datasheet links, within a budget.

Uses the stdlib streaming ``html.parser`` (no tree, so deep nesting costs nothing), feeds
it in chunks and checks a deadline between chunks. Script and style bodies are dropped,
except JSON-LD and ``__NEXT_DATA__`` which are kept (bounded) as structured data. Table
cells become `` | `` separated rows so label/value pairs stay on one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
import json
import re
import time
from typing import Any

from ..errors import ParseBudgetExceeded

MAX_TEXT_CHARS = 300_000
MAX_SCRIPT_CHARS = 1_000_000
MAX_STRUCTURED_SCRIPTS = 10
MAX_LINKS = 200
_FEED_CHUNK = 32 * 1024

_BLOCK = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "ul",
        "ol",
        "table",
        "tbody",
        "thead",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dl",
        "dt",
        "dd",
        "li",
        "tr",
        "br",
        "hr",
    }
)
_SKIP = frozenset({"script", "style", "noscript", "svg", "template", "iframe", "object"})
_DATASHEET = re.compile(r"tds|technical[-_ ]?data[-_ ]?sheet|data[-_ ]?sheet|datasheet", re.I)


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    """What a page offers: visible text, structured data blobs and datasheet links."""

    title: str
    text: str
    json_ld: tuple[str, ...]
    next_data: str | None
    datasheet_links: tuple[str, ...]


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.size = 0
        self.title_parts: list[str] = []
        self.json_ld: list[str] = []
        self.next_data: str | None = None
        self.links: list[str] = []
        self._skip_depth = 0
        self._capture: list[str] | None = None
        self._capture_kind = ""
        self._in_title = False
        self._link_href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "script" and self._skip_depth == 0:
            kind = attributes.get("type", "").lower()
            if kind == "application/ld+json" and len(self.json_ld) < MAX_STRUCTURED_SCRIPTS:
                self._capture, self._capture_kind = [], "ld"
            elif attributes.get("id") == "__NEXT_DATA__":
                self._capture, self._capture_kind = [], "next"
        if tag in _SKIP:
            self._skip_depth += 1
            return
        if tag == "title":
            self._in_title = True
        elif tag in {"td", "th"}:
            self._emit(" | ")
        elif tag in _BLOCK:
            self._emit("\n")
        elif tag == "a":
            self._link_href, self._link_text = attributes.get("href"), []

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
            if tag == "script" and self._capture is not None:
                blob = "".join(self._capture)[:MAX_SCRIPT_CHARS]
                if self._capture_kind == "ld":
                    self.json_ld.append(blob)
                else:
                    self.next_data = blob
                self._capture = None
            return
        if tag == "title":
            self._in_title = False
        elif tag in _BLOCK:
            self._emit("\n")
        elif tag == "a" and self._link_href is not None:
            text = " ".join(self._link_text)
            href = self._link_href
            named = _DATASHEET.search(text) is not None
            pdf_named = ".pdf" in href.lower() and _DATASHEET.search(href) is not None
            if len(self.links) < MAX_LINKS and (named or pdf_named):
                self.links.append(href)
            self._link_href = None

    def handle_data(self, data: str) -> None:
        if self._capture is not None:
            if sum(len(part) for part in self._capture) < MAX_SCRIPT_CHARS:
                self._capture.append(data)
            return
        if self._skip_depth:
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._link_href is not None:
            self._link_text.append(data)
        self._emit(data)

    def _emit(self, text: str) -> None:
        if self.size < MAX_TEXT_CHARS:
            self.parts.append(text)
            self.size += len(text)


def extract_html(body: bytes, *, time_budget_s: float = 2.0) -> HtmlDocument:
    """Parse a page (blocking, CPU-bound: run in a worker thread).

    Raises ``ParseBudgetExceeded`` when the page takes longer than the budget.
    """
    deadline = time.monotonic() + time_budget_s
    text = body.decode("utf-8", errors="replace")
    extractor = _Extractor()
    for start in range(0, len(text), _FEED_CHUNK):
        extractor.feed(text[start : start + _FEED_CHUNK])
        if time.monotonic() > deadline:
            raise ParseBudgetExceeded("HTML page exceeded its parse budget")
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return HtmlDocument(
        title=" ".join(" ".join(extractor.title_parts).split())[:300],
        text="\n".join(line for line in lines if line),
        json_ld=tuple(extractor.json_ld),
        next_data=extractor.next_data,
        datasheet_links=tuple(dict.fromkeys(extractor.links)),
    )


def _load_json(blob: str) -> Any:
    try:
        return json.loads(blob)
    except (ValueError, RecursionError):
        return None


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 8:
        return
    if isinstance(node, dict):
        yield node
        for value in node.values():
            if isinstance(value, dict | list):
                yield from _walk(value, depth + 1)
    elif isinstance(node, list):
        for item in node[:200]:
            yield from _walk(item, depth + 1)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^<>]{0,500}>", "\n", text)


def json_ld_products(blobs: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, text) per schema.org Product: description plus ``additionalProperty`` rows."""
    products: list[tuple[str, str]] = []
    for blob in blobs:
        for node in _walk(_load_json(blob)):
            kinds = node.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if "Product" not in kinds:
                continue
            name = node.get("name") if isinstance(node.get("name"), str) else ""
            lines: list[str] = []
            description = node.get("description")
            if isinstance(description, str):
                lines.append(_strip_tags(description)[:50_000])
            properties = node.get("additionalProperty")
            for item in properties if isinstance(properties, list) else []:
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    lines.append(f"{item['name']}: {item.get('value', '')}")
            if lines:
                products.append((str(name), "\n".join(lines)))
    return products


def next_data_text(blob: str | None, *, max_lines: int = 5000) -> str:
    """Key/value lines from a Next.js ``__NEXT_DATA__`` blob (short scalar leaves only)."""
    if blob is None:
        return ""
    lines: list[str] = []
    for node in _walk(_load_json(blob)):
        for key, value in node.items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                text = _strip_tags(str(value)) if isinstance(value, str) else str(value)
                if len(text) <= 2000:
                    lines.append(f"{key}: {text}")
            if len(lines) >= max_lines:
                return "\n".join(lines)
    return "\n".join(lines)


def shopify_product_text(body: bytes) -> tuple[str, str] | None:
    """(title, description text) from ``/products/<handle>.js`` or ``.json``."""
    data = _load_json(body.decode("utf-8", errors="replace"))
    if isinstance(data, dict) and isinstance(data.get("product"), dict):
        data = data["product"]
    if not isinstance(data, dict):
        return None
    description = data.get("description") or data.get("body_html")
    if not isinstance(description, str):
        return None
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return str(title), _strip_tags(description)[:200_000]
