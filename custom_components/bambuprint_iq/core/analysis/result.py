"""The analysis result and its documented dictionary shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .context import PrintPhase
from .findings import DefectFinding
from .image_prepare import PreparedImage
from .provider import TokenUsage
from .rules.model import Calibration
from .rules.plan import DefectAdvice, TuningPlan

RESULT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ImageSummary:
    """What was sent for one photo (never the pixels)."""

    width: int
    height: int
    estimated_tokens: int
    source_format: str

    @classmethod
    def of(cls, image: PreparedImage) -> ImageSummary:
        """Summary of a prepared image."""
        return cls(image.width, image.height, image.estimated_tokens, image.source_format)


@dataclass(frozen=True, slots=True)
class AnalysisResult:
    """One finished analysis: findings, advice, score, cost and provenance."""

    analysis_id: str
    created_at: datetime
    phase: PrintPhase
    provider: str
    model: str
    overall_score: float
    plan: TuningPlan
    usage: TokenUsage
    images: tuple[ImageSummary, ...]
    image_quality_notes: tuple[str, ...] = ()
    model_output_repairs: tuple[str, ...] = ()
    view_notes: str = ""

    def to_dict(self) -> dict[str, object]:
        """``{"analysis": {"overall_score", "defects": [...]}}`` plus provenance and cost."""
        return {
            "id": self.analysis_id,
            "version": RESULT_VERSION,
            "created_at": self.created_at.isoformat(),
            "phase": self.phase.value,
            "analysis": {
                "overall_score": self.overall_score,
                "defects": [_defect_dict(advice) for advice in self.plan.advice],
                "next_calibration": _calibration_dict(self.plan.next_calibration),
                "uncertain": [_finding_brief(f) for f in self.plan.below_threshold],
            },
            "provider": self.provider,
            "model": self.model,
            "tokens_used": self.usage.to_dict(),
            "image_quality_notes": list(self.image_quality_notes),
            "images": [
                {
                    "width": i.width,
                    "height": i.height,
                    "estimated_tokens": i.estimated_tokens,
                    "source_format": i.source_format,
                }
                for i in self.images
            ],
            "model_output_repairs": list(self.model_output_repairs),
            "view_notes": self.view_notes,
        }


def _defect_dict(advice: DefectAdvice) -> dict[str, object]:
    finding = advice.finding
    data: dict[str, object] = {
        "type": finding.type.value,
        "severity": finding.severity.value,
        "confidence": round(finding.confidence, 3),
        "evidence": finding.evidence,
        "recommendations": [r.to_dict() for r in advice.recommendations],
        "calibration": _calibration_dict(advice.calibration),
        "checks": list(advice.checks),
    }
    if finding.region is not None:
        region = finding.region
        data["region"] = {
            "image": region.image,
            "x": round(region.x, 4),
            "y": round(region.y, 4),
            "width": round(region.width, 4),
            "height": round(region.height, 4),
        }
    return data


def _finding_brief(finding: DefectFinding) -> dict[str, object]:
    return {
        "type": finding.type.value,
        "severity": finding.severity.value,
        "confidence": round(finding.confidence, 3),
    }


def _calibration_dict(calibration: Calibration | None) -> dict[str, object] | None:
    if calibration is None:
        return None
    return {
        "id": calibration.id,
        "name": calibration.name,
        "sets": list(calibration.sets),
        "how": calibration.how,
    }
