"""Group success rates and the claims the insight report makes (or refuses to make)."""

from __future__ import annotations

import json

from custom_components.bambuprint_iq.core.history import Outcome, compute_insights
from custom_components.bambuprint_iq.core.history.insights import InsightRow

from .factories import synthetic_rows


def _row(
    outcome: Outcome,
    printer: str = "p1",
    materials: tuple[str, ...] = ("PLA",),
    room_rh: float | None = None,
) -> InsightRow:
    return InsightRow(printer, 0.0, outcome, materials, ("Bambu",), room_humidity_pct=room_rh)


def test_group_rates_count_exactly() -> None:
    rows = (
        [_row(Outcome.SUCCESS)] * 6
        + [_row(Outcome.FAILED), _row(Outcome.PARTIAL)]
        + [_row(Outcome.CANCELLED), _row(Outcome.UNKNOWN)]  # say nothing about quality
        + [_row(Outcome.SUCCESS, printer="p2", materials=("PLA", "PETG"), room_rh=70.0)]
    )
    report = compute_insights(rows)
    assert (report.total_prints, report.decided_prints) == (11, 9)
    groups = {(g.dimension, g.key): g for g in report.groups}
    pla = groups[("material", "PLA")]
    assert (pla.successes, pla.total) == (7, 9)
    assert (groups[("material", "PETG")].successes, groups[("material", "PETG")].total) == (1, 1)
    assert groups[("printer", "p1")].total == 8
    assert groups[("room_humidity", ">60 %")].total == 1
    assert not groups[("printer", "p2")].enough_data
    assert groups[("printer", "p2")].as_dict()["note"] == "not enough data yet (n=1)"
    assert report.overall.rate == 7 / 9


def test_no_insight_from_too_little_data() -> None:
    rows = list(synthetic_rows(15, humid_effect=3.0))  # a huge effect, but only 15 prints
    report = compute_insights(rows)
    assert report.claims == ()
    assert all(c.statement.startswith("not enough data yet (n=") for c in report.comparisons)
    assert not report.predictor.available
    assert report.predictor.reason.startswith("not enough data yet (n=15")


def test_no_claim_when_there_is_no_effect() -> None:
    report = compute_insights(list(synthetic_rows(3000, seed=11, humid_effect=0.0)))
    assert report.claims == ()
    humid = next(c for c in report.comparisons if c.subject == "All" and "RH" in c.condition)
    assert humid.difference_interval is not None
    assert not humid.difference_interval.excludes(0.0)


def test_real_effect_is_claimed_and_serialisable() -> None:
    report = compute_insights(list(synthetic_rows(3000, seed=5, humid_effect=1.2)))
    statements = [c.statement for c in report.claims]
    assert any(
        s.startswith("All prints fail") and "more often above 60 % RH" in s for s in statements
    )
    humid = next(c for c in report.claims if c.subject == "All" and "RH" in c.condition)
    assert humid.ratio is not None
    assert humid.ratio_interval is not None
    # logit -2.2 vs -1.0: true rates 0.0998 vs 0.2689, ratio 2.69
    assert humid.ratio_interval.lower < 2.69 < humid.ratio_interval.upper
    assert "adjusted for" in humid.statement  # many comparisons were tested
    text = json.dumps(report.as_dict(), allow_nan=False)
    assert json.loads(text)["claims"] == statements
