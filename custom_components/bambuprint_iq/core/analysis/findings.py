"""Validated model findings: what the engine believes after checking the model's answer."""

from __future__ import annotations

from dataclasses import dataclass

from .taxonomy import DefectType, Severity


@dataclass(frozen=True, slots=True)
class Region:
    """Where a defect shows, in coordinates normalised to 0-1 of the given photo."""

    x: float
    y: float
    width: float
    height: float
    image: int = 1


@dataclass(frozen=True, slots=True)
class DefectFinding:
    """One defect as reported by the model, after validation and repair."""

    type: DefectType
    present: bool
    severity: Severity
    confidence: float
    evidence: str = ""
    region: Region | None = None


@dataclass(frozen=True, slots=True)
class ModelFindings:
    """The whole validated answer plus a log of every repair made to it."""

    defects: tuple[DefectFinding, ...]
    image_quality_ok: bool | None = None
    view_notes: str = ""
    repairs: tuple[str, ...] = ()
