"""Datasheet text via pypdf, guarded against hostile files.

pypdf decompresses content streams without a size limit and falls back to a quadratic
byte-by-byte loop on corrupt Flate data. Before any page is extracted, every stream the
text extractor would decode (page contents, form XObjects, ToUnicode maps) is checked here
with a bounded decompressor; a page that fails the check is skipped. Only the first pages are
read (print settings sit on page 1 in the common layouts) and a deadline is checked per page.
"""

from __future__ import annotations

import io
import logging
import time
from typing import Any
import zlib

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from ..errors import ParseBudgetExceeded

_LOGGER = logging.getLogger(__name__)
MAX_PAGES = 3
MAX_STREAM_BYTES = 4 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
_MAX_DEPTH = 4


class UnsafePdf(Exception):
    """A stream would decompress beyond the limit or is corrupt."""


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _check_stream(stream: StreamObject, limit: int) -> None:
    raw: bytes = getattr(stream, "_data", b"") or b""
    if len(raw) > limit:
        raise UnsafePdf("stream too large")
    filters = _resolve(stream.get("/Filter"))
    names = (
        [str(_resolve(f)) for f in filters]
        if isinstance(filters, ArrayObject)
        else ([] if filters is None else [str(filters)])
    )
    if not names:
        return
    if names != ["/FlateDecode"]:
        raise UnsafePdf(f"unsupported filter chain {names}")
    decompressor = zlib.decompressobj()
    try:
        out = decompressor.decompress(raw, limit + 1)
    except zlib.error as err:
        raise UnsafePdf("corrupt compressed stream") from err
    if len(out) > limit or decompressor.unconsumed_tail:
        raise UnsafePdf("stream expands beyond the limit")


def _check_resources(resources: Any, limit: int, depth: int, seen: set[int]) -> None:
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject) or depth > _MAX_DEPTH:
        return
    fonts = _resolve(resources.get("/Font"))
    if isinstance(fonts, DictionaryObject):
        for entry in list(fonts.values())[:50]:
            font = _resolve(entry)
            if isinstance(font, DictionaryObject):
                to_unicode = _resolve(font.get("/ToUnicode"))
                if isinstance(to_unicode, StreamObject):
                    _check_stream(to_unicode, limit)
    xobjects = _resolve(resources.get("/XObject"))
    if isinstance(xobjects, DictionaryObject):
        for xobject in list(xobjects.values())[:50]:
            form = _resolve(xobject)
            if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
                continue
            if id(form) in seen:
                continue
            seen.add(id(form))
            _check_stream(form, limit)
            _check_resources(form.get("/Resources"), limit, depth + 1, seen)


def _check_page(page: Any, limit: int) -> None:
    contents = _resolve(page.get("/Contents"))
    streams = (
        [_resolve(item) for item in contents] if isinstance(contents, ArrayObject) else [contents]
    )
    for stream in streams[:100]:
        if isinstance(stream, StreamObject):
            _check_stream(stream, limit)
    _check_resources(page.get("/Resources"), limit, 0, set())


def pdf_text(
    data: bytes,
    *,
    max_pages: int = MAX_PAGES,
    time_budget_s: float = 5.0,
    max_stream_bytes: int = MAX_STREAM_BYTES,
) -> str:
    """Layout-preserving text of the first pages (blocking: run in a worker thread).

    Unreadable or unsafe pages are skipped; an unreadable file gives "". Raises
    ``ParseBudgetExceeded`` when the deadline passes.
    """
    deadline = time.monotonic() + time_budget_s
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return ""
        pages = [reader.pages[index] for index in range(min(max_pages, len(reader.pages)))]
    except Exception as err:
        _LOGGER.debug("unreadable PDF: %s", type(err).__name__)
        return ""
    texts: list[str] = []
    for page in pages:
        if time.monotonic() > deadline:
            raise ParseBudgetExceeded("datasheet exceeded its parse budget")
        try:
            _check_page(page, max_stream_bytes)
            texts.append(page.extract_text(extraction_mode="layout"))
        except UnsafePdf as err:
            _LOGGER.debug("skipping unsafe PDF page: %s", err)
        except Exception as err:
            _LOGGER.debug("skipping unreadable PDF page: %s", type(err).__name__)
    return "\n".join(texts)[:MAX_TEXT_CHARS]
