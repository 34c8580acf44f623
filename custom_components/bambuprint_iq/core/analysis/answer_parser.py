"""Validate and repair a model's answer before anything downstream relies on it.

Models drift from the schema: synonyms for severities, percentages for confidence, the
defect id under another key, duplicates. Small, unambiguous slips are repaired and logged;
entries that cannot be understood are dropped; an answer with nothing usable is rejected.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
from types import MappingProxyType
from typing import Final

from .errors import InvalidModelOutput
from .findings import DefectFinding, ModelFindings, Region
from .taxonomy import SEVERITY_RANK, DefectType, Severity

MAX_DEFECT_ENTRIES: Final = 30
MAX_EVIDENCE_CHARS: Final = 300

_TYPE_ALIASES: Final[Mapping[str, DefectType]] = MappingProxyType(
    {
        "elephant_foot": DefectType.ELEPHANTS_FOOT,
        "elephant's_foot": DefectType.ELEPHANTS_FOOT,
        "layer_separation": DefectType.LAYER_ADHESION,
        "delamination": DefectType.LAYER_ADHESION,
        "oozing": DefectType.STRINGING,
        "overhang_curl": DefectType.OVERHANG_DROOP,
        "overhangs": DefectType.OVERHANG_DROOP,
        "banding": DefectType.Z_BANDING,
        "zbanding": DefectType.Z_BANDING,
        "underextrusion": DefectType.UNDER_EXTRUSION,
        "air_printing": DefectType.SPAGHETTI,
        "bed_detachment": DefectType.DETACHMENT,
    }
)
_SEVERITY_ALIASES: Final[Mapping[str, Severity]] = MappingProxyType(
    {
        "no": Severity.NONE,
        "absent": Severity.NONE,
        "minor": Severity.LOW,
        "slight": Severity.LOW,
        "mild": Severity.LOW,
        "moderate": Severity.MEDIUM,
        "medium-high": Severity.HIGH,
        "major": Severity.HIGH,
        "severe": Severity.HIGH,
        "critical": Severity.HIGH,
    }
)
_TRUE_WORDS: Final = frozenset({"true", "yes", "present", "1"})
_FALSE_WORDS: Final = frozenset({"false", "no", "absent", "0"})


def parse_model_answer(raw: Mapping[str, object]) -> ModelFindings:
    """Validated findings from a raw answer dict, or InvalidModelOutput."""
    repairs: list[str] = []
    entries = _defect_entries(raw, repairs)
    kept: dict[DefectType, DefectFinding] = {}
    for index, entry in enumerate(entries[:MAX_DEFECT_ENTRIES]):
        finding = _parse_entry(entry, index, repairs)
        if finding is None:
            continue
        previous = kept.get(finding.type)
        if previous is not None:
            repairs.append(f"defect {finding.type.value} was reported twice; kept the stronger")
            if _strength(previous) >= _strength(finding):
                continue
        kept[finding.type] = finding
    if len(entries) > MAX_DEFECT_ENTRIES:
        repairs.append(f"ignored {len(entries) - MAX_DEFECT_ENTRIES} surplus defect entries")
    if entries and not kept:
        raise InvalidModelOutput("none of the reported defects could be understood")
    quality_ok = raw.get("image_quality_ok")
    notes = raw.get("view_notes")
    return ModelFindings(
        defects=tuple(kept.values()),
        image_quality_ok=quality_ok if isinstance(quality_ok, bool) else None,
        view_notes=_clean_text(notes) if isinstance(notes, str) else "",
        repairs=tuple(repairs),
    )


def _defect_entries(raw: Mapping[str, object], repairs: list[str]) -> list[object]:
    defects = raw.get("defects")
    if defects is None:
        nested = [v for v in raw.values() if isinstance(v, Mapping) and "defects" in v]
        if len(nested) == 1:
            repairs.append("the defect list was nested one level too deep")
            defects = nested[0]["defects"]
    if isinstance(defects, Mapping):
        repairs.append("the defect list was an object; used its values")
        defects = list(defects.values())
    if not isinstance(defects, list):
        raise InvalidModelOutput("the answer has no list of defects")
    return defects


def _parse_entry(entry: object, index: int, repairs: list[str]) -> DefectFinding | None:
    label = f"defect entry {index + 1}"
    if not isinstance(entry, Mapping):
        repairs.append(f"{label} was not an object; dropped")
        return None
    defect = _defect_type(entry.get("type", entry.get("id")))
    if defect is None:
        repairs.append(f"{label} has an unknown defect type; dropped")
        return None
    label = f"defect {defect.value}"
    confidence = _confidence(entry.get("confidence"))
    if confidence is None:
        repairs.append(f"{label} has no usable confidence; dropped")
        return None
    severity = _severity(entry.get("severity"))
    present = _boolean(entry.get("present"))
    if present is None:
        if severity is None:
            repairs.append(f"{label} says neither whether it is present nor how bad; dropped")
            return None
        present = severity is not Severity.NONE
        repairs.append(f"{label}: presence inferred from severity")
    if severity is None:
        severity = Severity.MEDIUM if present else Severity.NONE
        repairs.append(f"{label}: severity missing, assumed {severity.value}")
    elif present and severity is Severity.NONE:
        severity = Severity.LOW
        repairs.append(f"{label}: present with severity none, treated as low")
    elif not present and severity is not Severity.NONE:
        severity = Severity.NONE
        repairs.append(f"{label}: marked absent, severity cleared")
    evidence = entry.get("evidence")
    return DefectFinding(
        type=defect,
        present=present,
        severity=severity,
        confidence=confidence,
        evidence=_clean_text(evidence) if isinstance(evidence, str) else "",
        region=_region(entry.get("region"), label, repairs),
    )


def _defect_type(value: object) -> DefectType | None:
    if not isinstance(value, str):
        return None
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return DefectType(key)
    except ValueError:
        return _TYPE_ALIASES.get(key)


def _severity(value: object) -> Severity | None:
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    try:
        return Severity(key)
    except ValueError:
        return _SEVERITY_ALIASES.get(key)


def _boolean(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


def _confidence(value: object) -> float | None:
    """0-1; accepts 0-100 percentages and numeric strings such as ``"80%"``."""
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip().rstrip("%"))
        except ValueError:
            return None
        if value.strip().endswith("%"):
            number /= 100.0
    if number is None or not math.isfinite(number) or number < 0 or number > 100:
        return None
    return number / 100.0 if number > 1 else number


def _region(value: object, label: str, repairs: list[str]) -> Region | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        repairs.append(f"{label}: region was not an object; dropped")
        return None
    coords = [value.get(name) for name in ("x", "y", "width", "height")]
    if not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords):
        repairs.append(f"{label}: region lacks numeric coordinates; dropped")
        return None
    x, y, width, height = (min(1.0, max(0.0, float(c))) for c in coords)  # type: ignore[arg-type]
    if width <= 0 or height <= 0:
        repairs.append(f"{label}: region is empty; dropped")
        return None
    image = value.get("image", 1)
    return Region(
        x=x,
        y=y,
        width=min(width, 1.0 - x),
        height=min(height, 1.0 - y),
        image=image if isinstance(image, int) and not isinstance(image, bool) and image > 0 else 1,
    )


def _strength(finding: DefectFinding) -> tuple[bool, int, float]:
    return (finding.present, SEVERITY_RANK[finding.severity], finding.confidence)


def _clean_text(text: str) -> str:
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:MAX_EVIDENCE_CHARS]
