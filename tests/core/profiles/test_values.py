"""Number spelling and variant resizing."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.profiles.values import (
    format_float,
    format_int,
    format_percent,
    parse_number,
    resize,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(12.0, "12"), (0.98, "0.98"), (0.98765, "0.9877"), (-0.0, "0"), (1e-6, "0"), (200, "200")],
)
def test_format_float_uses_dot_and_no_trailing_zeros(value: float, text: str) -> None:
    assert format_float(value) == text


def test_format_int_rounds_half_away_from_zero() -> None:
    assert [format_int(v) for v in (214.5, 215.4, -2.5, -0.4)] == ["215", "215", "-3", "0"]


def test_format_percent() -> None:
    assert format_percent(100) == "100%"


def test_non_finite_numbers_are_rejected() -> None:
    with pytest.raises(ValueError, match="finite"):
        format_float(float("nan"))
    with pytest.raises(ValueError, match="finite"):
        format_int(float("inf"))


def test_parse_number_reads_nil_percent_and_rejects_comma() -> None:
    assert parse_number("nil") is None
    assert parse_number("95%") == 95.0
    assert parse_number("0.98") == 0.98
    with pytest.raises(ValueError, match="','"):
        parse_number("0,98")


def test_resize_repeats_first_value_like_the_slicer() -> None:
    assert resize(["5"], 3) == ("5", "5", "5")
    assert resize(["0", "1"], 3) == ("0", "1", "0")
    assert resize(["1", "2", "3"], 2) == ("1", "2")
    with pytest.raises(ValueError, match="at least one"):
        resize([], 2)
