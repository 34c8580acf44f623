"""Failure watch: never act on one frame; pause only on sustained, higher scores."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from custom_components.bambuprint_iq.core.analysis import (
    FailureWatch,
    WatchLevel,
    WatchThresholds,
)


def levels(scores: Iterable[float], watch: FailureWatch | None = None) -> list[WatchLevel]:
    watch = watch or FailureWatch()
    seen = []
    for score in scores:
        watch = watch.observe(score)
        seen.append(watch.level)
    return seen


OK, SUSPECTED, PAUSE = WatchLevel.OK, WatchLevel.SUSPECTED, WatchLevel.PAUSE


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([1.0], [OK]),
        ([0.0, 1.0, 0.0, 0.0], [OK, OK, OK, OK]),
        ([0.9, 0.9, 0.95, 0.95], [OK, SUSPECTED, PAUSE, PAUSE]),
        ([0.1, 0.1, 0.7, 0.7, 0.7, 0.7], [OK, OK, OK, OK, OK, SUSPECTED]),
        ([0.9, 0.9, 0.9, 0.1, 0.1, 0.1], [OK, SUSPECTED, PAUSE, OK, OK, OK]),
        (
            [0.7, 0.7, 0.7, 0.7, 0.7, 0.7],
            [OK, SUSPECTED, SUSPECTED, SUSPECTED, SUSPECTED, SUSPECTED],
        ),
    ],
    ids=["one-frame", "one-spike", "sustained", "slow-rise", "recovers", "never-pauses-below"],
)
def test_levels_over_time(scores: list[float], expected: list[WatchLevel]) -> None:
    assert levels(scores) == expected


def test_observe_returns_a_new_state() -> None:
    start = FailureWatch()
    after = start.observe(0.5)
    assert start.frames == 0
    assert start.smoothed is None
    assert after.frames == 1
    assert after.smoothed == 0.5


def test_smoothing_is_an_exponential_mean() -> None:
    watch = FailureWatch(WatchThresholds(ewm_span=3)).observe(0.0).observe(1.0)
    assert watch.smoothed == pytest.approx(0.5)  # alpha = 2 / (3 + 1)


def test_unusable_frames_are_counted_without_changing_the_score() -> None:
    watch = FailureWatch().observe(0.9).observe(0.9).skip().skip()
    assert watch.skipped == 2
    assert watch.frames == 2
    assert watch.level is SUSPECTED


def test_window_forgets_old_frames() -> None:
    watch = FailureWatch(WatchThresholds(window=3, suspect_hits=2, pause_hits=3))
    for score in [0.9, 0.9, 0.0, 0.0, 0.0]:
        watch = watch.observe(score)
    assert watch.recent == (0.0, 0.0, 0.0)
    assert watch.reset() == FailureWatch(watch.thresholds)


@pytest.mark.parametrize("score", [-0.1, 1.1, float("nan"), float("inf")])
def test_bad_scores_are_refused(score: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        FailureWatch().observe(score)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"suspect": 0.9, "pause": 0.8},
        {"suspect_hits": 1},
        {"pause_hits": 6, "window": 5},
        {"ewm_span": 0},
    ],
    ids=["pause-below-suspect", "single-frame", "hits-beyond-window", "span"],
)
def test_bad_thresholds_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must|need"):
        WatchThresholds(**kwargs)  # type: ignore[arg-type]
