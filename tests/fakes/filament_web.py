"""A loopback web server standing in for filament databases and manufacturer sites.

Everything it serves is authored here: database exports in the published formats, product
pages (JSON-LD, Shopify product feeds, spec tables), hand-built PDF datasheets, robots.txt,
rate-limit and server-error answers, and hostile documents (huge, malformed, script-laden,
decompression bombs). Each request is recorded with its arrival time so tests can check
pacing. The server only listens on 127.0.0.1 and stops when its context exits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import json
import time
from types import TracebackType
from typing import Any, Self
import zlib

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the server received."""

    path: str
    query: str
    at: float
    user_agent: str
    if_none_match: str | None


@dataclass(slots=True)
class _Route:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[int, str | None]] = field(default_factory=list)
    """Answers given before the real body: (status, Retry-After)."""


class FilamentWeb:
    """A tiny site whose routes each test sets up."""

    def __init__(self) -> None:
        """Start with a permissive robots.txt and no pages."""
        self.requests: list[RecordedRequest] = []
        self.robots_txt: str | None = "User-agent: *\nAllow: /\n"
        self.robots_status = 200
        self._routes: dict[str, _Route] = {}
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._server = TestServer(app, host="127.0.0.1")

    async def __aenter__(self) -> Self:
        """Listen on a free loopback port."""
        await self._server.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop listening."""
        await self._server.close()

    async def close(self) -> None:
        """Stop listening now (to simulate the site going offline)."""
        await self._server.close()

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return str(self._server.make_url(path))

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` without a trailing slash."""
        return self.url("/").rstrip("/")

    def add(
        self,
        path: str,
        body: bytes | str,
        content_type: str = "text/html; charset=utf-8",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve ``body`` at ``path``."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._routes[path] = _Route(data, content_type, status, dict(headers or {}))

    def fail_first(self, path: str, answers: Iterable[tuple[int, str | None]]) -> None:
        """Answer the next requests to ``path`` with these (status, Retry-After) first."""
        self._routes[path].failures.extend(answers)

    def hits(self, path: str) -> list[RecordedRequest]:
        """Requests received for one path, in order."""
        return [request for request in self.requests if request.path == path]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            RecordedRequest(
                request.path,
                request.query_string,
                time.monotonic(),
                request.headers.get("User-Agent", ""),
                request.headers.get("If-None-Match"),
            )
        )
        if request.path == "/robots.txt" and "/robots.txt" not in self._routes:
            if self.robots_txt is None:
                raise web.HTTPNotFound()
            return web.Response(text=self.robots_txt, status=self.robots_status)
        route = self._routes.get(request.path)
        if route is None:
            raise web.HTTPNotFound()
        if route.failures:
            status, retry_after = route.failures.pop(0)
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return web.Response(status=status, text="busy", headers=headers)
        return web.Response(
            body=route.body,
            status=route.status,
            headers={"Content-Type": route.content_type, **route.headers},
        )


# -- documents ------------------------------------------------------------------------------


def _pdf_string(line: str) -> bytes:
    escaped = line.encode("cp1252").replace(b"\\", b"\\\\")
    return b"(" + escaped.replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_pdf(lines: list[str] | None = None, *, content: bytes | None = None) -> bytes:
    """A one-page PDF, written object by object; ``content`` replaces the compressed stream."""
    if content is None:
        text = b"BT /F1 10 Tf 50 780 Td 12 TL\n"
        text += b"".join(_pdf_string(line) + b" Tj T*\n" for line in lines or [])
        content = zlib.compress(text + b"ET")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets: list[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def flate_bomb(expanded_bytes: int) -> bytes:
    """A small compressed stream that expands to ``expanded_bytes`` of spaces."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(expanded_bytes // len(chunk))]
    return b"".join(parts) + compressor.flush()


def datasheet_pdf() -> bytes:
    """A PLA datasheet in the common two-column layout, with a specimen block to ignore."""
    return make_pdf(
        [
            "Technical Data Sheet  -  Example PLA",
            "Recommended Printing Settings",
            "Nozzle Temperature          195 - 225 (\u00b0C)",
            "Bed Temperature             45 - 60 (\u00b0C)",
            "Cooling Fan                 100%",
            "Printing Speed              < 250 mm/s",
            "Drying Settings             55 \u00b0C, 8 h",
            "How to make specimens: printed at 215 \u00b0C, baked in a 50 \u00b0C oven",
        ]
    )


def product_page(
    *,
    title: str,
    json_ld: dict[str, Any] | None = None,
    spec_rows: list[tuple[str, str]] | None = None,
    datasheet_href: str | None = None,
    filler: str = "",
) -> str:
    """A product page: optional JSON-LD, a spec table and a datasheet link."""
    parts = [f"<html><head><title>{title}</title>"]
    if json_ld is not None:
        parts.append(f'<script type="application/ld+json">{json.dumps(json_ld)}</script>')
    parts.append("<script>var cart = {items: [], total: 300};</script></head><body>")
    parts.append(f"<h1>{title}</h1><p>{filler}</p>")
    if spec_rows:
        rows = "".join(f"<tr><td>{label}</td><td>{value}</td></tr>" for label, value in spec_rows)
        parts.append(f"<table class='specs'>{rows}</table>")
    if datasheet_href:
        parts.append(f'<a href="{datasheet_href}">Technical Data Sheet (PDF)</a>')
    parts.append("<footer>Free shipping over 50 EUR</footer></body></html>")
    return "".join(parts)


def shopify_feed(title: str, description_html: str) -> str:
    """``/products/<handle>.js`` as Shopify's Ajax product API returns it (trimmed)."""
    return json.dumps(
        {
            "id": 1,
            "title": title,
            "vendor": "Example",
            "type": "Filament",
            "description": description_html,
            "tags": ["pla"],
        }
    )


# -- databases ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DbFilament:
    """One filament as the fake databases describe it (figures from public spec sheets)."""

    brand: str
    name: str
    material: str
    nozzle: tuple[int, int] | None = None
    bed: tuple[int, int] | None = None
    density: float = 1.24
    abrasive: bool = False
    product_path: str | None = None
    datasheet_path: str | None = None
    max_dry: int | None = None


DEFAULT_FILAMENTS: tuple[DbFilament, ...] = (
    DbFilament("Polymaker", "PolyTerra PLA", "PLA", (190, 230), (25, 60), 1.31),
    DbFilament("Polymaker", "PolyLite PETG", "PETG", (230, 240), (70, 80), 1.25),
    DbFilament("Polymaker", "Fiberon PA6-CF20", "PA", (280, 300), (25, 50), 1.17, True, max_dry=80),
    DbFilament("eSUN", "PETG", "PETG", (230, 250), (70, 80), 1.27),
    DbFilament("eSUN", "PLA+", "PLA", (205, 225), (60, 80), 1.23),
    DbFilament("Bambu Lab", "PLA Basic", "PLA", (190, 230), (35, 65), 1.26),
    DbFilament("Bambu Lab", "PLA Matte", "PLA", (190, 230), (35, 65), 1.32),
    DbFilament(
        "Example Works",
        "Alpha PLA",
        "PLA",
        None,
        None,
        1.24,
        product_path="/products/alpha-pla",
        datasheet_path="/files/alpha-tds.pdf",
    ),
    DbFilament("Example Works", "Silk PLA Red", "PLA", (200, 220), (50, 60)),
    DbFilament("Example Works", "Silk PLA Blue", "PLA", (200, 220), (50, 60)),
)


def ofd_ndjson(base_url: str, filaments: Iterable[DbFilament] = DEFAULT_FILAMENTS) -> bytes:
    """The Open Filament Database NDJSON export: a meta line, then brands, filaments,
    variants, sizes and purchase links, one entity per line (plus one broken line)."""
    brands: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = {
        kind: [] for kind in ("brand", "filament", "variant", "size", "purchase_link")
    }
    for index, item in enumerate(filaments):
        if item.brand not in brands:
            brands[item.brand] = f"brand-{len(brands)}"
            groups["brand"].append(
                {
                    "_type": "brand",
                    "id": brands[item.brand],
                    "name": item.brand,
                    "website": base_url,
                }
            )
        filament: dict[str, Any] = {
            "_type": "filament",
            "id": f"fil-{index}",
            "brand_id": brands[item.brand],
            "material_id": f"mat-{index}",
            "name": item.name,
            "material": item.material,
            "density": item.density,
            "diameter_tolerance": 0.02,
        }
        if item.nozzle:
            filament |= {
                "min_print_temperature": item.nozzle[0],
                "max_print_temperature": item.nozzle[1],
            }
        if item.bed:
            filament |= {"min_bed_temperature": item.bed[0], "max_bed_temperature": item.bed[1]}
        if item.max_dry:
            filament["max_dry_temperature"] = item.max_dry
        if item.datasheet_path:
            filament["data_sheet_url"] = base_url + item.datasheet_path
        groups["filament"].append(filament)
        groups["variant"].append(
            {
                "_type": "variant",
                "id": f"var-{index}",
                "filament_id": f"fil-{index}",
                "name": "Black",
                "traits": {"abrasive": item.abrasive},
            }
        )
        groups["size"].append(
            {
                "_type": "size",
                "id": f"size-{index}",
                "variant_id": f"var-{index}",
                "filament_weight": 1000,
                "diameter": 1.75,
            }
        )
        groups["purchase_link"].append(
            {
                "_type": "purchase_link",
                "id": f"amz-{index}",
                "size_id": f"size-{index}",
                "url": "https://www.amazon.com/dp/B000",
            }
        )
        if item.product_path:
            groups["purchase_link"].append(
                {
                    "_type": "purchase_link",
                    "id": f"link-{index}",
                    "size_id": f"size-{index}",
                    "url": base_url + item.product_path,
                }
            )
    lines = [{"_type": "meta", "version": "test", "generated_at": "now"}]
    for entities in groups.values():
        lines.extend(entities)
    body = "\n".join(json.dumps(line) for line in lines)
    return (body + "\n{not json\n").encode("utf-8")


def spoolmandb_json() -> bytes:
    """SpoolmanDB's compiled ``filaments.json`` shape: one row per colour."""
    rows = []
    for colour in ("Black", "White", "Galaxy Blue"):
        rows.append(
            {
                "id": f"sunlu_pla_{colour}",
                "manufacturer": "SUNLU",
                "name": f"PLA Meta {colour}",
                "material": "PLA",
                "density": 1.24,
                "weight": 1000,
                "diameter": 1.75,
                "extruder_temp_range": [200, 230],
                "bed_temp_range": [50, 65],
            }
        )
    rows.append(
        {
            "id": "esun_petg_black",
            "manufacturer": "eSUN",
            "name": "Black",
            "material": "PETG",
            "density": 1.27,
            "weight": 1000,
            "diameter": 1.75,
            "extruder_temp": 240,
            "bed_temp": 75,
        }
    )
    return json.dumps(rows).encode("utf-8")
