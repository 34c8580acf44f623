"""Text normalisation before any number is read.

Manufacturers write the degree sign five ways, put Fahrenheit next to Celsius, glue table
cells together and write labels in camelCase. All of that is folded here so the grammar
only sees one spelling: ``°C``, ``-`` for ranges, ASCII digits, no Fahrenheit at all.
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_TEXT_CHARS = 400_000
MAX_LINE_CHARS = 2_000

_BEFORE_NFKC = str.maketrans(
    {
        "\u02da": "°",  # ring above (Polymaker)
        "\u00ba": "°",  # masculine ordinal (Spanish/Portuguese sites)
        "\u2103": "°C",  # degree Celsius sign
        "\u2109": "°F",  # degree Fahrenheit sign
        "\u2122": "",  # trademark
        "\u00ae": "",  # registered
        "\u2026": "...",
    }
)
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d]")
_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,500}>")
_TILDE_RANGE = re.compile(r"(\d)\s*~\s*(?=\d)")
_CELSIUS_WORDS = re.compile(
    r"\s*(?:°\s*|\bdeg(?:rees?)?\.?\s*)(?:C\b|Celsius\b)|\s*°\s*Celsius\b|(?<=\d)\s*Celsius\b", re.I
)
_FAHRENHEIT_WORDS = re.compile(r"\s*(?:°\s*|\bdeg(?:rees?)?\.?\s*)(?:F\b|Fahrenheit\b)", re.I)
_FAHRENHEIT_GROUP = re.compile(
    r"\s*/?\s*\(?\s*\d{2,3}(?:\.\d)?(?:\s*°F)?(?:\s*-\s*\d{2,3}(?:\.\d)?)?\s*(?:°F|F\b)\s*\)?"
)
_OFF_TO_PERCENT = re.compile(r"\boff\s*-\s*(?=\d{1,3}\s*%)", re.I)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_GLUED_UNIT = re.compile(r"°C(?=[A-Za-z])")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def normalise_text(raw: str) -> str:
    """Fold spellings so the grammar sees one form; keeps line breaks (they separate rows).

    Pure and linear in the input size; callers cap the input at ``MAX_TEXT_CHARS``.
    """
    text = raw[:MAX_TEXT_CHARS]
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = text.translate(_BEFORE_NFKC)
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    text = _TILDE_RANGE.sub(r"\1-", text)
    text = _FAHRENHEIT_WORDS.sub("°F", text)
    text = _FAHRENHEIT_GROUP.sub(" ", text)
    text = _CELSIUS_WORDS.sub("°C", text)
    text = _OFF_TO_PERCENT.sub("0-", text)
    text = _GLUED_UNIT.sub("°C ", text)
    text = _CAMEL.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(_wrap(line) for line in lines)


def _wrap(line: str) -> str:
    """Break over-long lines so no regex ever runs over an unbounded line."""
    if len(line) <= MAX_LINE_CHARS:
        return line
    return "\n".join(line[i : i + MAX_LINE_CHARS] for i in range(0, len(line), MAX_LINE_CHARS))
