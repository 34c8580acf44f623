"""Photo quality gate: cheap Pillow/numpy checks that run before any model is paid for.

A photo that is too dark, blown out, blurred, tiny or badly framed yields a poor diagnosis,
so the gate answers "retake the photo because ..." instead. Pure and CPU-bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

GreyArray = npt.NDArray[np.float32]


class QualityIssue(StrEnum):
    """Why a photo cannot be analysed as taken."""

    TOO_SMALL = "too_small"
    TOO_DARK = "too_dark"
    BLOWN_OUT = "blown_out"
    LOW_CONTRAST = "low_contrast"
    BLURRED = "blurred"
    OFF_CENTRE = "off_centre"


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Limits of the gate. Luminance is 0-255; sharpness is edge strength / contrast."""

    min_short_edge_px: int = 320
    min_mean_luminance: float = 40.0
    max_mean_luminance: float = 215.0
    max_clipped_fraction: float = 0.25
    min_dynamic_range: float = 32.0
    min_sharpness: float = 0.10
    max_centre_offset: float = 0.25
    check_centring: bool = True


@dataclass(frozen=True, slots=True)
class QualityMetrics:
    """Measured on a greyscale copy about 640 px on the long edge."""

    original_width: int
    original_height: int
    mean_luminance: float
    clipped_fraction: float
    dynamic_range: float
    sharpness: float
    subject_centre: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class QualityReport:
    """Metrics plus the issues they raise, each with a sentence for the user."""

    metrics: QualityMetrics
    issues: tuple[QualityIssue, ...]
    reasons: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the photo is good enough to send to a model."""
        return not self.issues


def measure_quality(grey: GreyArray, original_width: int, original_height: int) -> QualityMetrics:
    """Compute exposure, contrast, sharpness and subject position of a greyscale array."""
    low, high = np.percentile(grey, [1.0, 99.0])
    dynamic_range = float(high - low)
    laplacian = np.abs(
        grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4.0 * grey[1:-1, 1:-1]
    )
    edge_strength = float(np.percentile(laplacian, 99.5)) if laplacian.size else 0.0
    return QualityMetrics(
        original_width=original_width,
        original_height=original_height,
        mean_luminance=float(grey.mean()),
        clipped_fraction=float(np.count_nonzero(grey >= 250.0)) / grey.size,
        dynamic_range=dynamic_range,
        sharpness=edge_strength / max(dynamic_range, 1.0),
        subject_centre=_subject_centre(grey),
    )


def judge_quality(metrics: QualityMetrics, thresholds: QualityThresholds) -> QualityReport:
    """Turn metrics into issues and user-facing reasons, in a fixed order.

    Contrast and sharpness are judged only when the exposure is fine: in a black or white
    frame they measure noise, and one clear reason beats three muddled ones.
    """
    found: list[tuple[QualityIssue, str]] = []
    short_edge = min(metrics.original_width, metrics.original_height)
    if short_edge < thresholds.min_short_edge_px:
        found.append(
            (
                QualityIssue.TOO_SMALL,
                f"it is only {metrics.original_width}x{metrics.original_height} px; "
                f"use at least {thresholds.min_short_edge_px} px on the short side",
            )
        )
    exposure = _exposure_issue(metrics, thresholds)
    if exposure is not None:
        found.append(exposure)
    elif metrics.dynamic_range < thresholds.min_dynamic_range:
        found.append(
            (
                QualityIssue.LOW_CONTRAST,
                "it is flat or hazy; clean the lens and light the print from the side",
            )
        )
    elif metrics.sharpness < thresholds.min_sharpness:
        found.append(
            (
                QualityIssue.BLURRED,
                f"it is blurred (sharpness {metrics.sharpness:.2f}, needs "
                f"{thresholds.min_sharpness:.2f}); hold still and focus on the print",
            )
        )
    if thresholds.check_centring and _off_centre(metrics, thresholds.max_centre_offset):
        found.append(
            (
                QualityIssue.OFF_CENTRE,
                "the print is not in the middle of the picture; centre it and fill the frame",
            )
        )
    return QualityReport(
        metrics=metrics,
        issues=tuple(issue for issue, _ in found),
        reasons=tuple(reason for _, reason in found),
    )


def _exposure_issue(
    metrics: QualityMetrics, thresholds: QualityThresholds
) -> tuple[QualityIssue, str] | None:
    if metrics.mean_luminance < thresholds.min_mean_luminance:
        return (
            QualityIssue.TOO_DARK,
            f"it is too dark (brightness {metrics.mean_luminance:.0f}/255); "
            "turn on the chamber light or add light",
        )
    if (
        metrics.mean_luminance > thresholds.max_mean_luminance
        or metrics.clipped_fraction > thresholds.max_clipped_fraction
    ):
        return (
            QualityIssue.BLOWN_OUT,
            f"it is overexposed ({metrics.clipped_fraction:.0%} of the picture is pure "
            "white); avoid flash and direct glare",
        )
    return None


def _off_centre(metrics: QualityMetrics, max_offset: float) -> bool:
    if metrics.subject_centre is None:
        return False  # nothing distinct to locate; contrast/blur checks speak for this case
    x, y = metrics.subject_centre
    return abs(x - 0.5) > max_offset or abs(y - 0.5) > max_offset


def _subject_centre(grey: GreyArray) -> tuple[float, float] | None:
    """Centroid of strong edges, normalised to 0-1: where the detailed object sits."""
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return None
    gy = np.abs(grey[2:, 1:-1] - grey[:-2, 1:-1])
    gx = np.abs(grey[1:-1, 2:] - grey[1:-1, :-2])
    magnitude = gx + gy
    threshold = max(0.25 * float(np.percentile(magnitude, 99.5)), 8.0)
    weights = np.where(magnitude > threshold, magnitude, 0.0)
    total = float(weights.sum())
    if total <= 0.0 or np.count_nonzero(weights) < 0.001 * weights.size:
        return None
    rows, cols = weights.shape
    centre_y = float((weights.sum(axis=1) * np.arange(rows)).sum()) / total
    centre_x = float((weights.sum(axis=0) * np.arange(cols)).sum()) / total
    return ((centre_x + 1.0) / (cols + 2.0), (centre_y + 1.0) / (rows + 2.0))
