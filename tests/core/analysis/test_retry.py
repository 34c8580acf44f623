"""Parsing the server's wait hints and the fallback backoff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.bambuprint_iq.core.analysis import RetryPolicy
from custom_components.bambuprint_iq.core.analysis.retry import retry_after_seconds

NOW = datetime(2026, 11, 24, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"Retry-After": "0.25"}, 0.25),
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"retry-after": "Tue, 24 Nov 2026 10:00:12 GMT"}, 12.0),
        ({"retry-after": "Tue, 24 Nov 2026 09:00:00 GMT"}, 0.0),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
        ({"retry-after": "nan"}, None),
        ({}, None),
    ],
    ids=[
        "seconds",
        "fraction",
        "millis-first",
        "date",
        "past-date",
        "negative",
        "text",
        "nan",
        "none",
    ],
)
def test_retry_after(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after_seconds(headers, NOW) == seconds


def test_backoff_doubles_within_caps() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=8.0, max_wait_s=5.0)
    assert [policy.backoff(n) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("kwargs", [{"max_attempts": 0}, {"base_delay_s": -1.0}])
def test_bad_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must|negative"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]
