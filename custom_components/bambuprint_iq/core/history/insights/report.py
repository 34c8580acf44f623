"""All insights in one pass: group success rates, honest comparisons and the predictor.

Pure and CPU-bound: call it through AsyncHistoryStore.insights (worker thread) from asyncio.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from .comparisons import Comparison, compare_failure_rates
from .features import FloatArray, InsightRow, bucket_labels
from .predictor import PredictorConfig, PredictorReport, train_failure_predictor
from .rates import GroupRate, label_counts, multi_label_counts, rate_of, rates_from_counts

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class InsightConfig:
    """Thresholds for what counts as enough data and where conditions split."""

    confidence: float = 0.95
    min_group_size: int = 10
    adjust_for_multiple_comparisons: bool = True
    humid_above_pct: float = 60.0
    cold_below_c: float = 18.0
    predictor: PredictorConfig = field(default_factory=PredictorConfig)


@dataclass(frozen=True, slots=True)
class InsightReport:
    """Everything the integration shows about print success."""

    total_prints: int
    decided_prints: int
    overall: GroupRate
    groups: tuple[GroupRate, ...]
    comparisons: tuple[Comparison, ...]
    predictor: PredictorReport

    @property
    def claims(self) -> tuple[Comparison, ...]:
        """Only the comparisons the data supports."""
        return tuple(c for c in self.comparisons if c.claimed)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "total_prints": self.total_prints,
            "decided_prints": self.decided_prints,
            "overall": self.overall.as_dict(),
            "groups": [g.as_dict() for g in self.groups],
            "comparisons": [c.as_dict() for c in self.comparisons],
            "claims": [c.statement for c in self.claims],
            "predictor": self.predictor.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class _Columns:
    """Per-print arrays, built once and shared by every grouping and comparison."""

    failed: BoolArray
    printer: npt.NDArray[Any]
    room_rh: FloatArray
    ams_level: FloatArray
    room_t: FloatArray

    @classmethod
    def of(cls, rows: Sequence[InsightRow]) -> _Columns:
        def column(values: list[float | None]) -> FloatArray:
            return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)

        return cls(
            failed=np.asarray([r.failed for r in rows], dtype=np.bool_),
            printer=np.asarray([r.printer_id for r in rows], dtype=object),
            room_rh=column([r.room_humidity_pct for r in rows]),
            ams_level=column([r.ams_humidity_level for r in rows]),
            room_t=column([r.room_temp_c for r in rows]),
        )


def _groups(
    rows: Sequence[InsightRow], cols: _Columns, cfg: InsightConfig
) -> tuple[GroupRate, ...]:
    conf, min_n = cfg.confidence, cfg.min_group_size
    failed = [r.failed for r in rows]
    labelled = (
        ("printer", cols.printer),
        ("ams_humidity", bucket_labels(cols.ams_level, "ams_letter")),
        ("room_humidity", bucket_labels(cols.room_rh, "humidity")),
        ("room_temperature", bucket_labels(cols.room_t, "temperature")),
    )
    by_label = {
        name: rates_from_counts(
            name, label_counts(labels, cols.failed), confidence=conf, min_n=min_n
        )
        for name, labels in labelled
    }
    materials = multi_label_counts((r.materials for r in rows), failed)
    brands = multi_label_counts((r.brands for r in rows), failed)
    return (
        *by_label["printer"],
        *rates_from_counts("material", materials, confidence=conf, min_n=min_n),
        *rates_from_counts("brand", brands, confidence=conf, min_n=min_n),
        *by_label["ams_humidity"],
        *by_label["room_humidity"],
        *by_label["room_temperature"],
    )


def _conditions(cols: _Columns, cfg: InsightConfig) -> list[tuple[str, str, BoolArray, BoolArray]]:
    """(condition, reference, in-condition mask, in-reference mask) per split."""
    rh = f"{cfg.humid_above_pct:g} % RH"
    cold = f"{cfg.cold_below_c:g} °C"
    with np.errstate(invalid="ignore"):
        wet_ams = np.rint(cols.ams_level) <= 2
        return [
            (
                f"above {rh}",
                f"at or below {rh}",
                cols.room_rh > cfg.humid_above_pct,
                cols.room_rh <= cfg.humid_above_pct,
            ),
            (
                "with AMS humidity D/E",
                "with AMS humidity A-C",
                wet_ams,
                ~np.isnan(cols.ams_level) & ~wet_ams,
            ),
            (
                f"below {cold} room temperature",
                f"at or above {cold}",
                cols.room_t < cfg.cold_below_c,
                cols.room_t >= cfg.cold_below_c,
            ),
        ]


def _comparisons(
    rows: Sequence[InsightRow], groups: Sequence[GroupRate], cols: _Columns, cfg: InsightConfig
) -> tuple[Comparison, ...]:
    """Every condition split for all prints and for each material with enough prints."""
    subjects: list[tuple[str, BoolArray]] = [("All", np.ones(len(rows), dtype=np.bool_))]
    for group in groups:
        if group.dimension == "material" and group.total >= 2 * cfg.min_group_size:
            subjects.append((group.key, np.asarray([group.key in r.materials for r in rows])))
    failed = cols.failed
    candidates = []
    for subject, inside in subjects:
        for condition, reference, exposed, baseline in _conditions(cols, cfg):
            e, b = inside & exposed, inside & baseline
            counts = (
                (int((failed & e).sum()), int(e.sum())),
                (int((failed & b).sum()), int(b.sum())),
            )
            candidates.append((subject, condition, reference, counts))
    testable = sum(min(e[1], b[1]) >= cfg.min_group_size for *_, (e, b) in candidates)
    family = max(1, testable) if cfg.adjust_for_multiple_comparisons else 1
    return tuple(
        compare_failure_rates(
            subject,
            condition,
            reference,
            exposed,
            baseline,
            confidence=cfg.confidence,
            family_size=family,
            min_group_size=cfg.min_group_size,
        )
        for subject, condition, reference, (exposed, baseline) in candidates
    )


def compute_insights(
    rows: Sequence[InsightRow], config: InsightConfig | None = None
) -> InsightReport:
    """Rates per group, comparisons (claimed only when supported) and the predictor."""
    cfg = config or InsightConfig()
    decided = [r for r in rows if r.outcome.is_decided]
    cols = _Columns.of(decided)
    groups = _groups(decided, cols, cfg)
    successes = int((~cols.failed).sum())
    overall = rate_of(
        "all", "all", successes, len(decided), confidence=cfg.confidence, min_n=cfg.min_group_size
    )
    return InsightReport(
        total_prints=len(rows),
        decided_prints=len(decided),
        overall=overall,
        groups=groups,
        comparisons=_comparisons(decided, groups, cols, cfg),
        predictor=train_failure_predictor(decided, cfg.predictor),
    )
