"""Types of the rule table: how one defect maps to bounded setting changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from ..context import SettingValue, Slicer
from ..taxonomy import DefectType

# Keys with this placeholder follow the plate in use, e.g. "{plate}_temp" -> "hot_plate_temp".
PLATE_PLACEHOLDER = "{plate}"


class Direction(StrEnum):
    """What an adjustment does to its setting."""

    INCREASE = "increase"
    DECREASE = "decrease"
    SET = "set"
    ENABLE = "enable"
    LOWER_CHOICE = "lower_choice"
    CALIBRATE = "calibrate"
    REVIEW = "review"


class Scope(StrEnum):
    """Where the setting lives: only filament settings go into a filament profile."""

    FILAMENT = "filament"
    PROCESS = "process"
    PRINTER = "printer"


class Evidence(StrEnum):
    """How well a rule is backed: stated by a source, common practice, or inferred."""

    DOCUMENTED = "documented"
    PRACTICE = "practice"
    INFERENCE = "inference"


def _frozen(values: Mapping[str, float] | None = None) -> Mapping[str, float]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds of a suggested value. Every bound that applies is enforced, tightest wins.

    ``*_setting`` reads the bound from another setting (the filament temperature range);
    ``*_by_material`` holds per-family bounds; ``maximum_nozzle_ratio`` scales with the
    nozzle; ``bowden_maximum`` replaces ``maximum`` on Bowden extruders.
    """

    minimum: float | None = None
    maximum: float | None = None
    minimum_setting: str | None = None
    maximum_setting: str | None = None
    minimum_by_material: Mapping[str, float] = field(default_factory=_frozen)
    maximum_by_material: Mapping[str, float] = field(default_factory=_frozen)
    maximum_nozzle_ratio: float | None = None
    bowden_maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One lever for one defect, in the table's priority order.

    ``inherits_from`` names the printer key whose value applies while the filament key is
    unset (``nil``); ``max_total_change`` caps the change summed over iterations.
    """

    setting: str
    direction: Direction
    scope: Scope
    reason: str
    step: float | None = None
    step_percent: float | None = None
    unit: str = ""
    decimals: int = 0
    limits: Limits = field(default_factory=Limits)
    value: SettingValue | None = None
    choices: tuple[str, ...] = ()
    inherits_from: str | None = None
    max_total_change: float | None = None
    materials: frozenset[str] | None = None
    slicers: frozenset[Slicer] | None = None
    bambu_only: bool | None = None
    only_above_nozzle_ratio: float | None = None
    requires_at_least: tuple[str, float] | None = None
    evidence: Evidence = Evidence.DOCUMENTED


@dataclass(frozen=True, slots=True)
class DefectPlaybook:
    """Levers in priority order, calibration prints to suggest, and checks off the slicer."""

    defect: DefectType
    adjustments: tuple[Adjustment, ...]
    calibrations: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Calibration:
    """A test print that measures a setting instead of guessing it."""

    id: str
    name: str
    order: int
    sets: tuple[str, ...]
    how: str
