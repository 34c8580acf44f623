"""Interval maths checked against hand computations (z = 1.959964 for 95 %)."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.history import InvalidObservationError
from custom_components.bambuprint_iq.core.history.insights import (
    log_ratio_interval,
    newcombe_difference_interval,
    wilson_interval,
    z_for,
)


def test_normal_quantile() -> None:
    assert z_for(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for(0.99) == pytest.approx(2.575829, abs=1e-6)
    with pytest.raises(InvalidObservationError):
        z_for(1.0)


def test_wilson_8_of_10() -> None:
    # p = 0.8, n = 10, z² = 3.841459
    # denominator = 1 + z²/n              = 1.384146
    # centre = (p + z²/(2n)) / denominator = (0.8 + 0.192073) / 1.384146 = 0.716740
    # half   = z/denominator * sqrt(p(1-p)/n + z²/(4n²))
    #        = 1.416009 * sqrt(0.016 + 0.009604) = 1.416009 * 0.160011 = 0.226578
    # interval = 0.716740 -/+ 0.226578 = [0.490162, 0.943318]
    interval = wilson_interval(8, 10)
    assert interval.lower == pytest.approx(0.490162, abs=1e-5)
    assert interval.upper == pytest.approx(0.943318, abs=1e-5)


def test_wilson_edges() -> None:
    # 0/10: centre = 0.192073/1.384146 = 0.138767 and half = 1.416009 * sqrt(0.009604) = 0.138767,
    # so [0, 0.277533]; unlike the Wald interval it is not the empty [0, 0].
    zero = wilson_interval(0, 10)
    assert zero.lower == pytest.approx(0.0, abs=1e-12)
    assert zero.upper == pytest.approx(0.277533, abs=1e-5)
    full = wilson_interval(10, 10)  # mirror image
    assert full.lower == pytest.approx(1 - 0.277533, abs=1e-5)
    assert full.upper == 1.0
    assert (wilson_interval(0, 0).lower, wilson_interval(0, 0).upper) == (0.0, 1.0)
    with pytest.raises(InvalidObservationError):
        wilson_interval(11, 10)


def test_newcombe_difference_matches_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 vs 48/80, method 10.
    # Wilson 56/70 = [0.691834, 0.876953], Wilson 48/80 = [0.490455, 0.700382], d = 0.2
    # lower = 0.2 - sqrt((0.8 - 0.691834)² + (0.700382 - 0.6)²) = 0.2 - sqrt(0.011700 + 0.010077)
    #       = 0.2 - 0.147569 = 0.052431
    # upper = 0.2 + sqrt((0.876953 - 0.8)² + (0.6 - 0.490455)²) = 0.2 + sqrt(0.005922 + 0.012000)
    #       = 0.2 + 0.133873 = 0.333873            (published: 0.0524 to 0.3339)
    interval = newcombe_difference_interval(56, 70, 48, 80)
    assert interval.lower == pytest.approx(0.052431, abs=1e-5)
    assert interval.upper == pytest.approx(0.333873, abs=1e-5)
    assert interval.excludes(0.0)


def test_katz_log_ratio() -> None:
    # 20/50 vs 10/50: RR = 2, SE(log RR) = sqrt(1/20 - 1/50 + 1/10 - 1/50) = sqrt(0.11) = 0.331662
    # z * SE = 0.650047, so [2 e^-0.650047, 2 e^0.650047] = [1.044043, 3.831260]
    interval = log_ratio_interval(20, 50, 10, 50)
    assert interval is not None
    assert interval.lower == pytest.approx(1.044043, abs=1e-5)
    assert interval.upper == pytest.approx(3.831260, abs=1e-5)
    assert log_ratio_interval(3, 50, 0, 50) is None  # undefined with no reference events
