"""Typed failures of the filament library, so callers can tell "try later" from "bad input"."""

from __future__ import annotations


class FilamentError(Exception):
    """Base class for everything the filament library raises."""


class InvalidSpecInput(FilamentError, ValueError):
    """A correction, tray report or extractor output could not be read as filament settings."""


class FetchError(FilamentError):
    """A web request did not produce a usable answer; other sources may still help."""


class BlockedHost(FetchError):
    """The host is a marketplace or not an http(s) address; it is never fetched."""


class RobotsDisallowed(FetchError):
    """robots.txt forbids the address, or robots.txt could not be read (treated as "no")."""


class HttpStatusError(FetchError):
    """The server answered with an error status after all retries."""

    def __init__(self, url: str, status: int) -> None:
        """Keep the status for callers that want to tell 404 from 403."""
        super().__init__(f"HTTP {status} for {url}")
        self.url = url
        self.status = status


class RateLimited(HttpStatusError):
    """The host keeps answering 429/5xx or asks us to wait longer than we are willing to."""


class ResponseTooLarge(FetchError):
    """The body exceeded the size limit for its kind (page, datasheet, database)."""


class ParseBudgetExceeded(FilamentError):
    """Parsing hit its time or size budget; the document is treated as unreadable."""


class StorageError(FilamentError):
    """A file under the library's storage directory could not be written."""
