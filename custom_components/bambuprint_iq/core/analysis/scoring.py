"""Overall print score, 0 (failed) to 10 (flawless), computed by the engine itself.

The model's own opinion of the print is not asked for: the score follows from the
validated findings, so the same findings always give the same score.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .findings import DefectFinding
from .taxonomy import PRINT_FAILURES, Severity

_PENALTY: Final = {Severity.NONE: 0.0, Severity.LOW: 1.0, Severity.MEDIUM: 2.5, Severity.HIGH: 4.5}
# A failed print cannot score well however clean the rest looks.
_FAILURE_CAP: Final = {Severity.LOW: 6.0, Severity.MEDIUM: 3.0, Severity.HIGH: 1.0}


def overall_score(findings: Iterable[DefectFinding]) -> float:
    """10 minus a confidence-weighted penalty per defect, capped for failed prints."""
    score = 10.0
    cap = 10.0
    for finding in findings:
        if not finding.present:
            continue
        score -= _PENALTY[finding.severity] * finding.confidence
        if finding.type in PRINT_FAILURES:
            cap = min(cap, _FAILURE_CAP.get(finding.severity, 10.0))
    return round(max(0.0, min(score, cap)), 1)
