"""robots.txt decisions per origin, parsed with Protego (RFC 9309 matching, wildcards).

An unreachable robots.txt (network error, 5xx, 429) means "do not crawl" (RFC 9309
§2.3.1.3); 401/403 are treated the same way because they signal a bot wall. A missing file
(404 and other 4xx) allows everything. Decisions are cached for a day.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

from .policy import PRODUCT_TOKEN


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt says for this product's user agent."""

    parser: Protego | None
    """None stands for "disallow everything" (unreachable or forbidden robots.txt)."""
    allow_all: bool
    fetched_at: float

    @classmethod
    def from_text(cls, text: str, fetched_at: float) -> RobotsRules:
        """Parse a robots.txt body."""
        return cls(Protego.parse(text), False, fetched_at)

    @classmethod
    def unreachable(cls, fetched_at: float) -> RobotsRules:
        """Rules for an origin whose robots.txt could not be read."""
        return cls(None, False, fetched_at)

    @classmethod
    def missing(cls, fetched_at: float) -> RobotsRules:
        """Rules for an origin without a robots.txt (4xx other than 401/403)."""
        return cls(None, True, fetched_at)

    def allows(self, url: str) -> bool:
        """True when the product's user agent may fetch ``url``."""
        if self.allow_all:
            return True
        if self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, PRODUCT_TOKEN))

    def crawl_delay(self) -> float | None:
        """Crawl-delay for our user agent, if the file sets one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(PRODUCT_TOKEN)
        return None if delay is None else float(delay)


def rules_for_status(status: int, body: str | None, fetched_at: float) -> RobotsRules:
    """Map a robots.txt response to rules (body only read for 2xx)."""
    if 200 <= status < 300 and body is not None:
        return RobotsRules.from_text(body, fetched_at)
    if status in {401, 403} or status == 429 or status >= 500:
        return RobotsRules.unreachable(fetched_at)
    return RobotsRules.missing(fetched_at)
