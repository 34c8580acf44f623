"""The sliding one-hour frame budget of the failure watch."""

from __future__ import annotations

from hypothesis import given, strategies as st
import pytest

from custom_components.bambuprint_iq.core.analysis.frame_budget import HOUR_S, FrameBudget


def _spend_all(budget: FrameBudget, times: list[float]) -> FrameBudget:
    for at in times:
        budget = budget.spend(at)
    return budget


def test_cap_holds_within_the_window_and_frees_up_as_it_slides() -> None:
    """Three frames a minute apart fill a 3-frame hour; the first one frees a slot an hour on."""
    budget = _spend_all(FrameBudget(3), [0.0, 60.0, 120.0])
    assert budget.used(120.0) == 3
    assert not budget.allows(180.0)
    assert budget.next_allowed(180.0) == HOUR_S
    assert not budget.allows(HOUR_S - 0.001)
    assert budget.allows(HOUR_S)
    later = budget.spend(HOUR_S)
    assert later.used(HOUR_S) == 3
    assert later.spent_at == (60.0, 120.0, HOUR_S)  # the expired spend was forgotten
    assert later.next_allowed(HOUR_S) == HOUR_S + 60.0


def test_spending_is_immutable_and_refuses_an_overspend() -> None:
    budget = FrameBudget(1)
    spent = budget.spend(10.0)
    assert budget.spent_at == ()
    assert budget.allows(10.0)
    assert budget.next_allowed(10.0) == 10.0
    with pytest.raises(ValueError, match="used up"):
        spent.spend(11.0)


@pytest.mark.parametrize(
    ("limit", "window", "message"),
    [
        (0, HOUR_S, "frame limit"),
        (-1, HOUR_S, "frame limit"),
        (True, HOUR_S, "frame limit"),
        (2, 0.0, "window"),
        (2, float("nan"), "window"),
    ],
)
def test_invalid_budgets_are_refused(limit: int, window: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FrameBudget(limit, window)


@given(
    limit=st.integers(min_value=1, max_value=12),
    gaps=st.lists(st.floats(min_value=0.0, max_value=900.0), min_size=1, max_size=60),
)
def test_no_window_ever_holds_more_than_the_limit(limit: int, gaps: list[float]) -> None:
    """Whatever the tick pattern, spending only when allowed never exceeds the cap."""
    budget = FrameBudget(limit)
    now = 0.0
    spent: list[float] = []
    for gap in gaps:
        now += gap
        if budget.allows(now):
            budget = budget.spend(now)
            spent.append(now)
    for start in spent:
        assert sum(1 for at in spent if start <= at < start + HOUR_S) <= limit
