"""Which addresses may be fetched at all.

Marketplaces forbid scraping in their terms and resell other brands' spools under their own
listings, so their data is neither allowed nor trustworthy. Only http(s) URLs with a host
are fetched.
"""

from __future__ import annotations

from yarl import URL

from ..errors import BlockedHost

MARKETPLACE_LABELS: frozenset[str] = frozenset(
    {
        "alibaba",
        "aliexpress",
        "allegro",
        "amazon",
        "amzn",
        "banggood",
        "cdiscount",
        "ebay",
        "etsy",
        "flipkart",
        "jd",
        "kaufland",
        "lazada",
        "mercadolibre",
        "mercadolivre",
        "newegg",
        "rakuten",
        "shein",
        "shopee",
        "taobao",
        "temu",
        "tmall",
        "walmart",
        "wish",
    }
)
"""Registrable-name labels of marketplaces: amazon.de, smile.amazon.com, ebay.co.uk …"""


def is_marketplace(host: str) -> bool:
    """True for any host whose name contains a marketplace label (``www.amazon.co.uk``)."""
    labels = host.lower().rstrip(".").split(".")
    return any(label in MARKETPLACE_LABELS for label in labels[:-1])


def checked_url(raw: str | URL) -> URL:
    """Parse and vet an address; raises ``BlockedHost`` for marketplaces and non-web URLs."""
    try:
        url = raw if isinstance(raw, URL) else URL(raw)
    except (ValueError, TypeError) as err:
        raise BlockedHost(f"not a URL: {raw!r}") from err
    if url.scheme not in {"http", "https"} or not url.host:
        raise BlockedHost(f"only http(s) addresses with a host are fetched: {raw!s}")
    if url.user or url.password:
        raise BlockedHost("addresses with credentials are never fetched")
    if is_marketplace(url.host):
        raise BlockedHost(f"{url.host} is a marketplace; its listings are not scraped")
    return url.with_fragment(None)


def origin_of(url: URL) -> str:
    """``scheme://host:port`` — the unit robots.txt and rate limits apply to."""
    return f"{url.scheme}://{url.host}:{url.port}"
