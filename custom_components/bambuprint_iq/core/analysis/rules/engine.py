"""Rule engine: defects x filament x current settings -> bounded setting changes.

Deterministic and pure. Defects are handled worst first; each gets one change when mild
and two otherwise, taken in the playbook's priority order. A setting claimed by a more
important defect is not touched again, so opposite advice (stringing wants a cooler
nozzle, layer adhesion a hotter one) never lands in the same iteration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from ..context import ExtruderKind, PrintContext, SettingValue
from ..findings import DefectFinding
from ..taxonomy import DEFECT_ORDER, SEVERITY_RANK, DefectType, Severity
from .calibrations import resolve_calibration
from .model import PLATE_PLACEHOLDER, Adjustment, Calibration, DefectPlaybook, Direction
from .plan import DefectAdvice, Recommendation, TuningPlan
from .table import OPTION_LIMITS, PLATE_TEMP_LIMITS, PLAYBOOKS

MIN_CONFIDENCE: Final = 0.5
_TRUE_TEXT: Final = frozenset({"1", "true", "yes", "on", "enabled"})


def plan_adjustments(
    findings: Sequence[DefectFinding],
    context: PrintContext,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    playbooks: Mapping[DefectType, DefectPlaybook] = PLAYBOOKS,
) -> TuningPlan:
    """Concrete, bounded changes for the defects the model is confident about."""
    present = [f for f in findings if f.present]
    confident = sorted((f for f in present if f.confidence >= min_confidence), key=_priority)
    claimed: set[str] = set()
    advice: list[DefectAdvice] = []
    for finding in confident:
        playbook = playbooks[finding.type]
        budget = 1 if finding.severity is Severity.LOW else 2
        chosen: list[Recommendation] = []
        for adjustment in playbook.adjustments:
            if len(chosen) == budget:
                break
            recommendation = recommend_one(adjustment, context)
            if recommendation is None or recommendation.setting in claimed:
                continue
            claimed.add(recommendation.setting)
            chosen.append(recommendation)
        advice.append(
            DefectAdvice(
                finding=finding,
                recommendations=tuple(chosen),
                calibration=_first_calibration(playbook, context),
                checks=playbook.checks,
            )
        )
    calibrations = [c for a in advice if (c := a.calibration) is not None]
    return TuningPlan(
        advice=tuple(advice),
        next_calibration=min(calibrations, key=_calibration_order) if calibrations else None,
        below_threshold=tuple(f for f in present if f.confidence < min_confidence),
    )


def recommend_one(adjustment: Adjustment, context: PrintContext) -> Recommendation | None:
    """Apply one table row to the context; None when it does not apply or changes nothing."""
    if not _applies(adjustment, context):
        return None
    setting = adjustment.setting.replace(PLATE_PLACEHOLDER, context.printer.plate.value)
    match adjustment.direction:
        case Direction.INCREASE | Direction.DECREASE:
            return _numeric(adjustment, setting, context)
        case Direction.SET:
            current = context.settings.get(setting)
            if current == adjustment.value:
                return None
            return _make(adjustment, setting, current=current, suggested=adjustment.value)
        case Direction.ENABLE:
            current = context.settings.get(setting)
            if current is not None and _truthy(current):
                return None
            return _make(adjustment, setting, current=current, suggested=True)
        case Direction.LOWER_CHOICE:
            return _lower_choice(adjustment, setting, context)
        case Direction.CALIBRATE:
            return _make(adjustment, setting, text="calibrate with a test print")
        case Direction.REVIEW:
            return _make(adjustment, setting, text="review")


def _calibration_order(calibration: Calibration) -> int:
    return calibration.order


def _priority(finding: DefectFinding) -> tuple[int, float, int]:
    return (-SEVERITY_RANK[finding.severity], -finding.confidence, DEFECT_ORDER[finding.type])


def _applies(adjustment: Adjustment, context: PrintContext) -> bool:
    if adjustment.materials is not None and context.filament.family not in adjustment.materials:
        return False
    if adjustment.slicers is not None and context.printer.slicer not in adjustment.slicers:
        return False
    if adjustment.bambu_only is not None and adjustment.bambu_only != context.printer.is_bambu:
        return False
    if adjustment.requires_at_least is not None:
        key, minimum = adjustment.requires_at_least
        value = context.number(key)
        if value is None or value < minimum:
            return False
    return True


def _numeric(adjustment: Adjustment, setting: str, context: PrintContext) -> Recommendation | None:
    current = context.number(setting)
    if current is None and adjustment.inherits_from is not None:
        current = context.number(adjustment.inherits_from)
    low, high = _bounds(adjustment, setting, context)
    if low is not None and high is not None and low > high:
        return None  # contradictory limits: suggesting anything would break one of them
    sign = 1.0 if adjustment.direction is Direction.INCREASE else -1.0
    if adjustment.only_above_nozzle_ratio is not None:
        ceiling = adjustment.only_above_nozzle_ratio * context.printer.nozzle_diameter_mm
        if current is None or current <= ceiling + 1e-9:
            return None
    if current is None:
        return _make(adjustment, setting, text=_relative(adjustment, sign), low=low, high=high)
    step = adjustment.step if adjustment.step is not None else 0.0
    if adjustment.step_percent is not None:
        step = abs(current) * adjustment.step_percent / 100.0
    if adjustment.max_total_change is not None:
        already = sign * context.prior_changes.get(setting, 0.0)
        step = min(step, adjustment.max_total_change - max(0.0, already))
        if step <= 0:
            return None
    target = current + sign * step
    if low is not None:
        target = max(low, target)
    if high is not None:
        target = min(high, target)
    target = _tidy(target, adjustment.decimals)
    if sign * (target - current) <= 0:
        return None
    return _make(
        adjustment,
        setting,
        current=_tidy_current(current),
        suggested=target,
        low=low,
        high=high,
    )


def _bounds(
    adjustment: Adjustment, setting: str, context: PrintContext
) -> tuple[float | None, float | None]:
    limits = adjustment.limits
    family = context.filament.family
    lows: list[float | None] = [limits.minimum, _ref(limits.minimum_setting, context)]
    highs: list[float | None] = [limits.maximum, _ref(limits.maximum_setting, context)]
    if context.printer.extruder is ExtruderKind.BOWDEN and limits.bowden_maximum is not None:
        highs[0] = limits.bowden_maximum
    if family is not None:
        lows.append(limits.minimum_by_material.get(family))
        highs.append(limits.maximum_by_material.get(family))
    if limits.maximum_nozzle_ratio is not None:
        highs.append(limits.maximum_nozzle_ratio * context.printer.nozzle_diameter_mm)
    hard = PLATE_TEMP_LIMITS if "_plate_temp" in setting else OPTION_LIMITS.get(setting)
    if hard is not None:
        lows.append(hard[0])
        highs.append(hard[1])
    known_lows = [v for v in lows if v is not None]
    known_highs = [v for v in highs if v is not None]
    return (
        max(known_lows) if known_lows else None,
        min(known_highs) if known_highs else None,
    )


def _ref(key: str | None, context: PrintContext) -> float | None:
    return context.number(key) if key is not None else None


def _lower_choice(
    adjustment: Adjustment, setting: str, context: PrintContext
) -> Recommendation | None:
    current = context.settings.get(setting)
    choices = adjustment.choices
    if isinstance(current, str) and current in choices:
        index = choices.index(current)
        if index == 0:
            return None
        return _make(adjustment, setting, current=current, suggested=choices[index - 1])
    return _make(adjustment, setting, text="one step lower")


def _relative(adjustment: Adjustment, sign: float) -> str:
    mark = "+" if sign > 0 else "-"
    if adjustment.step_percent is not None:
        return f"{mark}{adjustment.step_percent:g} %"
    unit = f" {adjustment.unit}" if adjustment.unit else ""
    return f"{mark}{adjustment.step:g}{unit}"


def _truthy(value: SettingValue) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in _TRUE_TEXT
    return bool(value)


def _tidy(value: float, decimals: int) -> float:
    rounded = round(value, decimals)
    return int(rounded) if decimals == 0 else rounded


def _tidy_current(value: float) -> float:
    """Whole numbers print as integers (220, not 220.0) in results and events."""
    return int(value) if value.is_integer() else round(value, 4)


def _make(
    adjustment: Adjustment,
    setting: str,
    *,
    current: SettingValue | None = None,
    suggested: SettingValue | None = None,
    text: str | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Recommendation:
    return Recommendation(
        setting=setting,
        scope=adjustment.scope,
        reason=adjustment.reason,
        current=current,
        suggested=suggested,
        adjustment=text,
        minimum=low,
        maximum=high,
        evidence=adjustment.evidence,
    )


def _first_calibration(playbook: DefectPlaybook, context: PrintContext) -> Calibration | None:
    for calibration_id in playbook.calibrations:
        calibration = resolve_calibration(calibration_id, is_bambu=context.printer.is_bambu)
        if calibration.id not in context.completed_calibrations:
            return calibration
    return None
