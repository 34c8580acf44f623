"""JSON schema of the model's answer; the same schema goes to every vision provider."""

from __future__ import annotations

from typing import Any, Final

from .taxonomy import DefectType, Severity

ANSWER_TOOL_NAME: Final = "report_print_defects"
ANSWER_TOOL_DESCRIPTION: Final = (
    "Report the print defects visible in the photos, one entry per defect type, "
    "with severity, confidence and the visual evidence."
)


def answer_schema() -> dict[str, Any]:
    """A fresh copy of the answer schema (callers may mutate it safely)."""
    region = {
        "type": "object",
        "description": "Box around the defect, coordinates 0-1 relative to the photo.",
        "properties": {
            "image": {"type": "integer", "minimum": 1, "description": "1-based photo index"},
            "x": {"type": "number", "minimum": 0, "maximum": 1},
            "y": {"type": "number", "minimum": 0, "maximum": 1},
            "width": {"type": "number", "minimum": 0, "maximum": 1},
            "height": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["x", "y", "width", "height"],
        "additionalProperties": False,
    }
    defect = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": [d.value for d in DefectType]},
            "present": {"type": "boolean"},
            "severity": {"type": "string", "enum": [s.value for s in Severity]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {
                "type": "string",
                "description": "What in the photo shows it, in one short sentence.",
            },
            "region": region,
        },
        "required": ["type", "present", "severity", "confidence", "evidence"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "image_quality_ok": {
                "type": "boolean",
                "description": "False when the photos are too poor to judge the print.",
            },
            "view_notes": {"type": "string", "description": "Which sides of the print are seen."},
            "defects": {"type": "array", "items": defect},
        },
        "required": ["image_quality_ok", "defects"],
        "additionalProperties": False,
    }
