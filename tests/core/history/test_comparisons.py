"""Comparison statements are claimed only when the interval excludes "no difference"."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.history.insights import Comparison, compare_failure_rates


def _compare(
    exposed: tuple[int, int], baseline: tuple[int, int], family_size: int = 1
) -> Comparison:
    return compare_failure_rates(
        "PLA", "above 60 % RH", "at or below 60 % RH", exposed, baseline, family_size=family_size
    )


def test_small_groups_are_never_claimed_even_with_a_big_gap() -> None:
    result = _compare((5, 5), (0, 5))
    assert not result.claimed
    assert result.difference_interval is None
    assert result.statement == "not enough data yet (n=5 above 60 % RH, n=5 at or below 60 % RH)"


def test_equal_rates_are_not_claimed() -> None:
    result = _compare((10, 100), (10, 100))
    assert not result.claimed
    assert result.difference_interval is not None
    assert not result.difference_interval.excludes(0)
    assert result.statement.startswith("not enough data yet (n=100")


def test_clear_effect_is_stated_as_a_ratio_with_its_interval() -> None:
    # 14 of 41 humid prints failed vs 15 of 120 others: RR = 0.341463 / 0.125 = 2.73.
    # SE(log RR) = sqrt(1/14 - 1/41 + 1/15 - 1/120) = sqrt(0.105372) = 0.324610
    # z * SE = 1.959964 * 0.324610 = 0.636224; exp(0.636224) = 1.889346
    # 95 % CI = [2.731707 / 1.889346, 2.731707 * 1.889346] = [1.44586, 5.16114]
    result = _compare((14, 41), (15, 120))
    assert result.claimed
    assert result.ratio_interval is not None
    assert result.ratio_interval.lower == pytest.approx(1.44586, abs=1e-4)
    assert result.ratio_interval.upper == pytest.approx(5.16114, abs=1e-4)
    assert result.statement == (
        "PLA prints fail 2.7\u00d7 more often above 60 % RH "
        "(n=41 above 60 % RH vs 120 at or below 60 % RH, 95 % CI 1.4\u20135.2\u00d7)"
    )


def test_zero_reference_failures_fall_back_to_percentage_points() -> None:
    result = _compare((8, 30), (0, 30))
    assert result.claimed
    assert result.ratio is None
    assert "27 percentage points more often" in result.statement
    assert "points)" in result.statement


def test_protective_condition_reads_less_often() -> None:
    result = _compare((2, 100), (20, 100))
    assert result.claimed
    assert "10.0\u00d7 less often" in result.statement


def test_multiple_comparison_adjustment_can_withdraw_a_borderline_claim() -> None:
    # 12/40 vs 6/60: Newcombe 95 % excludes 0, but not at the 1 - 0.05/20 level.
    assert _compare((12, 40), (6, 60)).claimed
    adjusted = _compare((12, 40), (6, 60), family_size=20)
    assert not adjusted.claimed
    assert adjusted.as_dict()["family_size"] == 20
