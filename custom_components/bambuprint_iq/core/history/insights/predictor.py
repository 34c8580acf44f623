"""The "chance this print fails" predictor, shown only when history supports it.

Honesty gates: enough prints, enough failures and enough successes; calibration measured
on the newest 25 % of prints with a model trained only on the older ones (Brier score, skill
over the base rate, reliability bins). If the held-out skill is not positive the predictor
is withheld. The served model is then refitted on all prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .calibration import CalibrationReport, calibration_report
from .failure_model import (
    FailureModel,
    FailurePrediction,
    FeatureTable,
    PredictionQuery,
    fit_failure_model,
)
from .features import InsightRow


@dataclass(frozen=True, slots=True)
class PredictorConfig:
    """Data requirements and fitting options."""

    min_prints: int = 200
    min_failures: int = 20
    min_successes: int = 20
    min_feature_count: int = 30
    holdout_fraction: float = 0.25
    l2: float = 1.0
    bins: int = 10


@dataclass(frozen=True, slots=True)
class PredictorReport:
    """Whether a prediction may be shown, the served model and its held-out calibration."""

    available: bool
    reason: str
    n_prints: int
    n_train: int
    n_holdout: int
    calibration: CalibrationReport | None
    model: FailureModel | None

    def predict(self, query: PredictionQuery) -> FailurePrediction | None:
        """A prediction only when the model passed its gates."""
        return self.model.predict(query) if self.available and self.model else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        model = self.model
        return {
            "available": self.available,
            "reason": self.reason,
            "n_prints": self.n_prints,
            "n_train": self.n_train,
            "n_holdout": self.n_holdout,
            "calibration": None if self.calibration is None else self.calibration.as_dict(),
            "features": None if model is None else [*model.numeric, *model.materials],
            "odds_ratios": None if model is None else model.odds_ratios(),
        }


def train_failure_predictor(
    rows: Sequence[InsightRow], config: PredictorConfig | None = None
) -> PredictorReport:
    """Apply the data gates, measure held-out calibration, then fit the served model."""
    cfg = config or PredictorConfig()
    decided = sorted((r for r in rows if r.outcome.is_decided), key=lambda r: r.started_at)
    table = FeatureTable.of(decided)
    failures = int(table.failed.sum())
    n = len(decided)
    if n < cfg.min_prints or failures < cfg.min_failures or n - failures < cfg.min_successes:
        reason = (
            f"not enough data yet (n={n}, failures={failures}; needs {cfg.min_prints} prints "
            f"with {cfg.min_failures} failures and {cfg.min_successes} successes)"
        )
        return PredictorReport(False, reason, n, 0, 0, None, None)
    cut = round(n * (1.0 - cfg.holdout_fraction))
    train, holdout = table.part(0, cut), table.part(cut, n)
    trial = fit_failure_model(train, min_feature_count=cfg.min_feature_count, l2=cfg.l2)
    base_rate = float(train.failed.mean())
    calibration = calibration_report(
        trial.probabilities(holdout), holdout.failed, base_rate, cfg.bins
    )
    if calibration.brier_skill <= 0.0:
        reason = (
            f"held-out prints are predicted no better than the base rate "
            f"(Brier {calibration.brier:.3f} vs {calibration.brier_reference:.3f})"
        )
        return PredictorReport(False, reason, n, cut, n - cut, calibration, None)
    model = fit_failure_model(table, min_feature_count=cfg.min_feature_count, l2=cfg.l2)
    reason = f"calibrated on the newest {n - cut} prints"
    return PredictorReport(True, reason, n, cut, n - cut, calibration, model)
