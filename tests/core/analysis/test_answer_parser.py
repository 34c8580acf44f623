"""Model answers are validated and repaired, never trusted blindly."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.analysis import (
    DefectType,
    InvalidModelOutput,
    Severity,
    extract_json_object,
    parse_model_answer,
)
from tests.core.analysis.answers import answer, defect


def test_valid_answer_passes_unchanged() -> None:
    findings = parse_model_answer(
        answer(defect("stringing", severity="high", confidence=0.9), defect("warping"))
    )
    assert [f.type for f in findings.defects] == [DefectType.STRINGING, DefectType.WARPING]
    assert findings.defects[0].severity is Severity.HIGH
    assert findings.defects[0].confidence == 0.9
    assert findings.repairs == ()
    assert findings.image_quality_ok is True
    assert findings.view_notes == "front view"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            {"id": "Elephant's Foot", "present": "yes", "severity": "Minor", "confidence": "80%"},
            (DefectType.ELEPHANTS_FOOT, True, Severity.LOW, 0.8),
        ),
        (
            {"type": "z-banding", "present": True, "severity": "severe", "confidence": 72},
            (DefectType.Z_BANDING, True, Severity.HIGH, 0.72),
        ),
        (
            {"type": "stringing", "severity": "moderate", "confidence": 0.6},
            (DefectType.STRINGING, True, Severity.MEDIUM, 0.6),
        ),
        (
            {"type": "warping", "present": True, "severity": "none", "confidence": 0.7},
            (DefectType.WARPING, True, Severity.LOW, 0.7),
        ),
        (
            {"type": "spaghetti", "present": False, "severity": "high", "confidence": 0.9},
            (DefectType.SPAGHETTI, False, Severity.NONE, 0.9),
        ),
        (
            {"type": "under_extrusion", "present": True, "confidence": 0.55},
            (DefectType.UNDER_EXTRUSION, True, Severity.MEDIUM, 0.55),
        ),
    ],
    ids=[
        "aliases-and-percent",
        "hyphen-and-0-100",
        "presence-inferred",
        "present-none",
        "absent-cleared",
        "severity-missing",
    ],
)
def test_small_slips_are_repaired(
    entry: dict[str, object], expected: tuple[DefectType, bool, Severity, float]
) -> None:
    findings = parse_model_answer({"defects": [entry]})
    (finding,) = findings.defects
    assert (finding.type, finding.present, finding.severity, finding.confidence) == expected


@pytest.mark.parametrize(
    "entry",
    [
        "stringing",
        {"type": "rainbow_sparkles", "present": True, "severity": "low", "confidence": 0.9},
        {"type": "stringing", "present": True, "severity": "low"},
        {"type": "stringing", "present": True, "severity": "low", "confidence": 1.5e3},
        {"type": "stringing", "present": True, "severity": "low", "confidence": "sure"},
        {"type": "stringing", "present": True, "severity": "low", "confidence": True},
        {"type": "stringing", "present": "maybe", "confidence": 0.5},
    ],
    ids=["not-object", "unknown-type", "no-confidence", "huge", "text", "bool", "no-presence"],
)
def test_unusable_entries_are_dropped(entry: object) -> None:
    findings = parse_model_answer({"defects": [entry, defect("warping")]})
    assert [f.type for f in findings.defects] == [DefectType.WARPING]
    assert any("dropped" in repair for repair in findings.repairs)


def test_answer_with_only_unusable_entries_is_rejected() -> None:
    with pytest.raises(InvalidModelOutput, match="none of the reported defects"):
        parse_model_answer({"defects": [{"type": "nope"}, 42]})


@pytest.mark.parametrize(
    "raw",
    [{}, {"defects": "stringing"}, {"defects": None}, {"result": "fine"}],
    ids=["empty", "string", "null", "other-key"],
)
def test_answer_without_a_defect_list_is_rejected(raw: dict[str, object]) -> None:
    with pytest.raises(InvalidModelOutput, match="no list of defects"):
        parse_model_answer(raw)


def test_structural_repairs_are_logged() -> None:
    findings = parse_model_answer(
        {"defects": [{"type": "warping", "severity": "high", "confidence": 0.7}]}
    )
    assert findings.repairs == ("defect warping: presence inferred from severity",)


def test_empty_defect_list_means_a_clean_print() -> None:
    findings = parse_model_answer({"defects": [], "image_quality_ok": True})
    assert findings.defects == ()


def test_nested_answer_is_unwrapped() -> None:
    findings = parse_model_answer({"report": {"defects": [defect("stringing")]}})
    assert findings.defects[0].type is DefectType.STRINGING
    assert "nested" in findings.repairs[0]


def test_duplicates_keep_the_stronger_report() -> None:
    findings = parse_model_answer(
        answer(
            defect("stringing", severity="low", confidence=0.9),
            defect("stringing", severity="high", confidence=0.6),
            defect("stringing", present=False, severity="none", confidence=0.99),
        )
    )
    (finding,) = findings.defects
    assert finding.severity is Severity.HIGH
    assert finding.confidence == 0.6


def test_region_is_clamped_into_the_photo() -> None:
    entry = defect("warping") | {"region": {"x": 0.8, "y": -0.2, "width": 0.5, "height": 0.3}}
    (finding,) = parse_model_answer({"defects": [entry]}).defects
    assert finding.region is not None
    assert (finding.region.x, finding.region.y) == (0.8, 0.0)
    assert finding.region.width == pytest.approx(0.2)
    assert finding.region.image == 1


def test_bad_region_is_dropped_but_the_defect_kept() -> None:
    entry = defect("warping") | {"region": {"x": "left"}}
    findings = parse_model_answer({"defects": [entry]})
    assert findings.defects[0].region is None
    assert "region" in findings.repairs[0]


def test_evidence_is_cleaned_and_truncated() -> None:
    entry = defect("stringing", evidence="strings\x00 between\n\n towers " + "x" * 1000)
    (finding,) = parse_model_answer({"defects": [entry]}).defects
    assert finding.evidence.startswith("strings between towers x")
    assert len(finding.evidence) == 300


def test_extract_json_from_fenced_text_with_prose() -> None:
    text = 'Here is my report:\n```json\n{"defects": [], "image_quality_ok": true}\n```\nBye'
    assert extract_json_object(text) == {"defects": [], "image_quality_ok": True}


def test_extract_prefers_the_object_with_defects() -> None:
    text = 'Scale {"unit": "mm"} then {"defects": [{"type": "warping"}]} done'
    assert "defects" in extract_json_object(text)


@pytest.mark.parametrize(
    "text",
    ['{"defects": [{"type": "stringing", "conf', "no json at all", "[1, 2, 3]", "x" * 250_000],
    ids=["truncated", "prose", "array", "huge"],
)
def test_extract_rejects_text_without_a_complete_object(text: str) -> None:
    with pytest.raises(InvalidModelOutput):
        extract_json_object(text)
