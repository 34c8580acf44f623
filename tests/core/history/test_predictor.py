"""The failure predictor on synthetic history with a known generating process."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from custom_components.bambuprint_iq.core.history import Outcome
from custom_components.bambuprint_iq.core.history.insights import (
    InsightRow,
    PredictionQuery,
    train_failure_predictor,
)

from .factories import T0


def _true_logit(ams: float, temp: float, material: str) -> float:
    """Generating process: humidity and TPU raise the risk, warmth lowers it."""
    return -2.0 + 0.05 * (ams - 40.0) - 0.1 * (temp - 21.0) + (0.8 if material == "TPU" else 0.0)


def _history(count: int, seed: int, *, signal: bool = True) -> tuple[list[InsightRow], list[float]]:
    rng = random.Random(seed)
    rows, truth = [], []
    for i in range(count):
        ams, temp = rng.uniform(10, 70), rng.uniform(15, 28)
        material = rng.choice(("PLA", "PETG", "TPU"))
        p = 1 / (1 + math.exp(-_true_logit(ams, temp, material))) if signal else 0.2
        rows.append(
            InsightRow(
                "p",
                T0.timestamp() + i * 3600,
                Outcome.FAILED if rng.random() < p else Outcome.SUCCESS,
                (material,),
                ams_humidity_pct=ams,
                room_temp_c=temp,
            )
        )
        truth.append(p)
    return rows, truth


def test_recovers_the_process_and_is_calibrated_on_held_out_prints() -> None:
    rows, truth = _history(4000, seed=3)
    report = train_failure_predictor(rows)
    assert report.available
    assert report.model is not None
    assert report.calibration is not None
    assert (report.n_train, report.n_holdout) == (3000, 1000)
    odds = report.model.odds_ratios()
    assert odds["ams_humidity_pct +10"] == pytest.approx(math.exp(0.5), rel=0.15)
    assert odds["room_temp_c +10"] == pytest.approx(math.exp(-1.0), rel=0.25)
    assert odds["material=TPU"] == pytest.approx(math.exp(0.8), rel=0.25)
    calibration = report.calibration
    holdout_truth = np.asarray(truth[3000:])
    outcomes = np.asarray([r.failed for r in rows[3000:]], dtype=float)
    oracle_brier = float(np.mean((holdout_truth - outcomes) ** 2))  # best achievable here
    print(
        f"\nheld-out Brier {calibration.brier:.4f} (oracle {oracle_brier:.4f}, base rate "
        f"{calibration.brier_reference:.4f}), ECE {calibration.expected_calibration_error:.4f}"
    )
    assert calibration.brier == pytest.approx(oracle_brier, abs=0.005)
    assert calibration.brier_skill > 0.05
    assert calibration.expected_calibration_error < 0.04
    for reliability in calibration.bins:
        if reliability.count >= 60:
            assert abs(reliability.mean_predicted - reliability.observed_rate) < 0.08
    json.dumps(report.as_dict(), allow_nan=False)


def test_prediction_is_explained_by_its_contributions() -> None:
    report = train_failure_predictor(_history(2000, seed=4)[0])
    wet = report.predict(PredictionQuery(material="tpu", ams_humidity_pct=65, room_temp_c=16))
    dry = report.predict(PredictionQuery(material="PLA", ams_humidity_pct=15, room_temp_c=26))
    assert wet is not None
    assert dry is not None
    assert wet.probability > 0.4
    assert dry.probability < 0.05
    log_odds = math.log(wet.baseline_probability / (1 - wet.baseline_probability))
    log_odds += sum(c.log_odds for c in wet.contributions)
    assert 1 / (1 + math.exp(-log_odds)) == pytest.approx(wet.probability, rel=1e-9)
    by_feature = {c.feature: c for c in wet.contributions}
    assert by_feature["ams_humidity_pct"].log_odds > 0
    assert by_feature["material=TPU"].value == "yes"
    unknown = report.predict(PredictionQuery())  # unknown conditions: the average print
    assert unknown is not None
    assert all(
        c.log_odds == 0 for c in unknown.contributions if c.feature.startswith(("ams", "room"))
    )


def test_withheld_without_enough_data_or_without_skill() -> None:
    small = train_failure_predictor(_history(150, seed=1)[0])
    assert not small.available
    assert small.predict(PredictionQuery()) is None
    assert small.reason.startswith("not enough data yet (n=150")
    noise = train_failure_predictor(_history(1500, seed=2, signal=False)[0])
    assert not noise.available
    assert noise.calibration is not None
    assert noise.calibration.brier_skill <= 0
    assert "no better than the base rate" in noise.reason
