"""Success statistics, honest comparisons and the failure predictor over finished prints."""

from .calibration import CalibrationReport, ReliabilityBin, calibration_report
from .comparisons import Comparison, compare_failure_rates
from .failure_model import FailureModel, FailurePrediction, PredictionQuery
from .features import InsightRow
from .intervals import (
    Interval,
    log_ratio_interval,
    newcombe_difference_interval,
    wilson_interval,
    z_for,
)
from .predictor import PredictorConfig, PredictorReport, train_failure_predictor
from .rates import GroupRate, success_rates
from .report import InsightConfig, InsightReport, compute_insights

__all__ = [
    "CalibrationReport",
    "Comparison",
    "FailureModel",
    "FailurePrediction",
    "GroupRate",
    "InsightConfig",
    "InsightReport",
    "InsightRow",
    "Interval",
    "PredictionQuery",
    "PredictorConfig",
    "PredictorReport",
    "ReliabilityBin",
    "calibration_report",
    "compare_failure_rates",
    "compute_insights",
    "log_ratio_interval",
    "newcombe_difference_interval",
    "success_rates",
    "train_failure_predictor",
    "wilson_interval",
    "z_for",
]
