"""Output types of the rule engine."""

from __future__ import annotations

from dataclasses import dataclass

from ..context import SettingValue
from ..findings import DefectFinding
from .model import Calibration, Evidence, Scope


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One setting change: a concrete value when the current one is known, else a step."""

    setting: str
    scope: Scope
    reason: str
    current: SettingValue | None = None
    suggested: SettingValue | None = None
    adjustment: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    evidence: Evidence = Evidence.DOCUMENTED

    def to_dict(self) -> dict[str, object]:
        """The documented shape, ``{setting, current, suggested}`` or ``{setting, adjustment}``,
        plus the reason, scope and bounds."""
        data: dict[str, object] = {"setting": self.setting}
        if self.suggested is not None:
            data["current"] = self.current
            data["suggested"] = self.suggested
        else:
            data["adjustment"] = self.adjustment
        data["reason"] = self.reason
        data["scope"] = self.scope.value
        if self.minimum is not None or self.maximum is not None:
            data["bounds"] = {"min": self.minimum, "max": self.maximum}
        return data


@dataclass(frozen=True, slots=True)
class DefectAdvice:
    """What to change for one defect this iteration, and what to print to check it."""

    finding: DefectFinding
    recommendations: tuple[Recommendation, ...]
    calibration: Calibration | None
    checks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TuningPlan:
    """Advice per defect in priority order, and the single calibration to run first."""

    advice: tuple[DefectAdvice, ...]
    next_calibration: Calibration | None
    below_threshold: tuple[DefectFinding, ...] = ()
