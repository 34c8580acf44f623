"""Overall score: deterministic, confidence-weighted, capped for failed prints."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.analysis import DefectFinding, DefectType, Severity
from custom_components.bambuprint_iq.core.analysis.scoring import overall_score


def finding(kind: str, severity: str, confidence: float, present: bool = True) -> DefectFinding:
    return DefectFinding(DefectType(kind), present, Severity(severity), confidence)


@pytest.mark.parametrize(
    ("findings", "score"),
    [
        ([], 10.0),
        ([finding("stringing", "low", 1.0)], 9.0),
        ([finding("stringing", "medium", 0.8)], 8.0),
        ([finding("warping", "high", 1.0), finding("stringing", "medium", 1.0)], 3.0),
        ([finding("stringing", "high", 1.0, present=False)], 10.0),
        ([finding("spaghetti", "low", 0.6)], 6.0),
        ([finding("detachment", "medium", 0.7)], 3.0),
        ([finding("spaghetti", "high", 0.5)], 1.0),
        ([finding(d.value, "high", 1.0) for d in DefectType], 0.0),
    ],
    ids=[
        "clean",
        "low",
        "medium",
        "two",
        "absent",
        "failure-low",
        "failure-medium",
        "failure-high",
        "everything",
    ],
)
def test_overall_score(findings: list[DefectFinding], score: float) -> None:
    assert overall_score(findings) == score
