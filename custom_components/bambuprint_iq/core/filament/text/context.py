"""Negative contexts: numbers near these words are real, but they are not print settings.

Annealing a printed part, drying a finished model, test-specimen preparation, material
properties (Tg, melt point) and dryer capabilities all use °C values that must never end
up as a nozzle, bed or filament-drying temperature.
"""

from __future__ import annotations

from enum import StrEnum
import re


class Context(StrEnum):
    """Why a number is not a print setting."""

    ANNEALING = "annealing"
    POST_PRINT = "post_print"
    SPECIMEN = "specimen"
    PROPERTY = "material_property"
    DEVICE = "device_capability"


_BEFORE_CHARS = 80
_AFTER_CHARS = 25

_NEAR: tuple[tuple[re.Pattern[str], Context], ...] = (
    (re.compile(r"anneal|heat[\s-]?treat|preheat\s+(?:your|the)\s+oven", re.I), Context.ANNEALING),
    (
        re.compile(
            r"specimens?|test[\s-]?bars?|baked\s+in|injection[\s-]mou?ld|test(?:ing)?\s+conditions?",
            re.I,
        ),
        Context.SPECIMEN,
    ),
    (
        re.compile(
            r"\b(?:tg|tm|hdt)\b|glass\s+transition|\bmelt|heat\s+deflection|vicat|softening"
            r"|vitrification",
            re.I,
        ),
        Context.PROPERTY,
    ),
)
_DEVICE = re.compile(r"\bAMS\b|\bdryers?\b|dry\s?box|may\s+not\s+fully\s+dry", re.I)
_FINISHED_PART = re.compile(
    r"\bthe\s+(?:model|part)s?\b|printed\s+parts?|after\s+(?:the\s+)?print(?:ing)?", re.I
)
_DRY_WORD = re.compile(r"\bdry", re.I)
_OVEN = re.compile(r"\boven\b", re.I)
_FILAMENT_DRYING_WORDS = re.compile(r"\bdry|filament|spool|moisture", re.I)


def context_of(line: str, start: int, end: int) -> Context | None:
    """Context of the quantity at ``line[start:end]``, judged from the words around it."""
    before = line[max(0, start - _BEFORE_CHARS) : start]
    after = line[end : end + _AFTER_CHARS]
    near = before + " " + after
    for pattern, context in _NEAR:
        if pattern.search(near):
            return context
    if _FINISHED_PART.search(near) and _DRY_WORD.search(near):
        return Context.POST_PRINT
    if _OVEN.search(near) and not _FILAMENT_DRYING_WORDS.search(line):
        return Context.ANNEALING
    return None


def is_device_statement(line: str) -> bool:
    """True when the line talks about what a dryer or AMS can do, not what a filament needs."""
    return _DEVICE.search(line) is not None
