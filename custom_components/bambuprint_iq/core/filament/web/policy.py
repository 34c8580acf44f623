"""Fetch etiquette in one place: who we say we are, how often and how much we ask for."""

from __future__ import annotations

from dataclasses import dataclass

PRODUCT_TOKEN = "BambuPrintIQ"
DEFAULT_USER_AGENT = (
    f"{PRODUCT_TOKEN}/0.1 (+https://github.com/bambuprint-iq/bambuprint_iq; "
    "on-demand filament spec lookup for one Home Assistant user)"
)

PAGE_MAX_BYTES = 2 * 1024 * 1024
DATASHEET_MAX_BYTES = 10 * 1024 * 1024
ROBOTS_MAX_BYTES = 512 * 1024
DATABASE_MAX_BYTES = 160 * 1024 * 1024
DATABASE_MAX_LINE_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Per-host politeness rules; tests shrink the intervals, production keeps the defaults."""

    user_agent: str = DEFAULT_USER_AGENT
    min_interval_s: float = 1.5
    """Minimum pause between a host's answer and the next request to that host."""
    request_timeout_s: float = 30.0
    """Whole-request limit for pages and datasheets; also the connect and read-gap limit."""
    download_timeout_s: float = 900.0
    """Whole-request limit for streamed database downloads (tens of megabytes)."""
    max_attempts: int = 3
    backoff_base_s: float = 2.0
    """Wait after the first 429/5xx without Retry-After; doubles per attempt."""
    max_retry_after_s: float = 120.0
    """A longer Retry-After is not waited for: the request fails and the host cools down."""
    max_crawl_delay_s: float = 60.0
    robots_ttl_s: float = 24 * 3600.0
    max_redirects: int = 5

    def __post_init__(self) -> None:
        """Refuse settings that would make the fetcher impolite or unbounded."""
        if self.min_interval_s < 0 or self.backoff_base_s < 0:
            raise ValueError("intervals must not be negative")
        if self.max_attempts < 1 or self.max_redirects < 0:
            raise ValueError("need at least one attempt")
        if not self.user_agent.startswith(PRODUCT_TOKEN):
            raise ValueError("the user agent must identify the product")
