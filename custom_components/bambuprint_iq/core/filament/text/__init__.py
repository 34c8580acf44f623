"""Reading filament settings out of free text (web pages, datasheets, model output)."""

from .labels import FieldKind, classify_label
from .parse import find_temperature_ranges, parse_spec_text
from .result import ParsedText, SideFacts

__all__ = [
    "FieldKind",
    "ParsedText",
    "SideFacts",
    "classify_label",
    "find_temperature_ranges",
    "parse_spec_text",
]
