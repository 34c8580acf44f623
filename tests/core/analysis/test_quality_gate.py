"""Quality gate on generated photos: each defect of the photo gives its own retake reason."""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image
import pytest

from custom_components.bambuprint_iq.core.analysis import (
    PhotoRetakeRequired,
    QualityIssue,
    QualityThresholds,
    prepare_photo,
)
from tests.core.analysis.synthetic_images import blown_out, blurred, darkened, encode, print_photo

_CASES: dict[str, tuple[Callable[[], Image.Image], tuple[QualityIssue, ...]]] = {
    "valid": (print_photo, ()),
    "valid small object": (lambda: print_photo(object_fraction=0.12), ()),
    "slightly soft": (lambda: blurred(print_photo(), 1.5), ()),
    "dark": (lambda: darkened(print_photo()), (QualityIssue.TOO_DARK,)),
    "blown out": (lambda: blown_out(print_photo()), (QualityIssue.BLOWN_OUT,)),
    "blurred": (lambda: blurred(print_photo(), 8.0), (QualityIssue.BLURRED,)),
    "tiny": (lambda: print_photo(240, 180), (QualityIssue.TOO_SMALL,)),
    "off centre": (
        lambda: print_photo(centre=(0.15, 0.2), object_fraction=0.25),
        (QualityIssue.OFF_CENTRE,),
    ),
    "flat": (lambda: Image.new("RGB", (800, 600), (128, 128, 128)), (QualityIssue.LOW_CONTRAST,)),
    "tiny and dark": (
        lambda: darkened(print_photo(240, 180)),
        (QualityIssue.TOO_SMALL, QualityIssue.TOO_DARK),
    ),
}


@pytest.mark.parametrize("name", list(_CASES))
def test_gate_finds_exactly_the_expected_issues(name: str) -> None:
    make, expected = _CASES[name]
    report = prepare_photo(encode(make())).quality
    assert report.issues == expected
    assert report.ok is (not expected)
    assert len(report.reasons) == len(expected)


def test_reasons_read_as_retake_instructions() -> None:
    report = prepare_photo(encode(darkened(print_photo()))).quality
    error = PhotoRetakeRequired(report.reasons)
    assert str(error).startswith("Retake the photo because it is too dark")
    assert "chamber light" in str(error)


def test_blur_reason_reports_the_measured_sharpness() -> None:
    report = prepare_photo(encode(blurred(print_photo(), 8.0))).quality
    assert report.metrics.sharpness < QualityThresholds().min_sharpness
    assert f"{report.metrics.sharpness:.2f}" in report.reasons[0]


def test_camera_frames_skip_the_centring_check() -> None:
    off_centre = encode(print_photo(centre=(0.15, 0.2), object_fraction=0.25))
    frame_gate = QualityThresholds(check_centring=False)
    assert prepare_photo(off_centre, thresholds=frame_gate).quality.ok


def test_subject_centre_follows_the_object() -> None:
    metrics = prepare_photo(encode(print_photo(centre=(0.75, 0.4), object_fraction=0.2)))
    centre = metrics.quality.metrics.subject_centre
    assert centre is not None
    assert centre[0] == pytest.approx(0.75, abs=0.05)
    assert centre[1] == pytest.approx(0.4, abs=0.05)


def test_thresholds_are_configurable() -> None:
    strict = QualityThresholds(min_short_edge_px=2000)
    report = prepare_photo(encode(print_photo()), thresholds=strict).quality
    assert report.issues == (QualityIssue.TOO_SMALL,)
