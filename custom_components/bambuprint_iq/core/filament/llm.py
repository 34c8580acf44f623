"""Model-based extraction as the last resort, validated like any other source.

The caller supplies the model (the integration's analysis provider) through the
``SpecExtractor`` protocol. The model only ever sees text we fetched from the manufacturer,
and every number it returns must literally appear in that text; anything else is dropped as
a guess. Its output then goes through the same schema and sanity checks as parsed text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
import logging
import re
from typing import Any, Protocol

from .errors import InvalidSpecInput
from .provenance import DEFAULT_CONFIDENCE, Provenance, SourceKind
from .sanity import check_values
from .serialize import FLAT_FIELDS, values_from_json
from .spec import SourcedValues
from .values import Range, SpecValues

_LOGGER = logging.getLogger(__name__)
EXTRACTION_TIMEOUT_S = 60.0
MAX_TEXT_CHARS = 12_000

INSTRUCTIONS = (
    "From the manufacturer text below, extract the recommended 3D-printing settings for the "
    "named filament. Answer with one JSON object using only these keys: {keys}. Temperatures "
    "in °C, speeds in mm/s, fan in %, drying time in hours. Use *_min/*_max for ranges. Leave "
    "a key out when the text does not state it; never estimate. Ignore annealing, post-print "
    "treatment, test-specimen conditions and material properties such as Tg."
)

_SUPPORT_WORDS: dict[str, re.Pattern[str]] = {
    "enclosure": re.compile(r"enclos|chamber", re.I),
    "heated_bed_required": re.compile(r"heated|bed", re.I),
    "abrasive": re.compile(r"abrasi|carbon|glass|fib(?:er|re)|hardened", re.I),
    "hardened_nozzle": re.compile(r"hardened|steel|ruby|abrasi", re.I),
    "fan_enabled": re.compile(r"fan|cooling", re.I),
    "filtration_recommended": re.compile(r"filt|fume|ventilat", re.I),
    "drying_requirement": re.compile(r"dry", re.I),
}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True, slots=True)
class ExtractionRequest:
    """What the model is asked: one filament, one manufacturer text."""

    brand: str | None
    product: str | None
    material: str | None
    source_url: str | None
    text: str
    instructions: str


class ExtractionUnavailable(Exception):
    """The extractor has no model to ask right now (e.g. no AI provider is set up)."""


class SpecExtractor(Protocol):
    """Provided by the caller (e.g. the analysis provider); returns flat settings JSON."""

    async def extract_filament_spec(self, request: ExtractionRequest) -> Mapping[str, Any]:
        """Return settings in the flat vocabulary (``nozzle_temp_min`` …), or {}."""


def build_request(
    *, brand: str | None, product: str | None, material: str | None, url: str | None, text: str
) -> ExtractionRequest:
    """A bounded request with the fixed instructions."""
    return ExtractionRequest(
        brand=brand,
        product=product,
        material=material,
        source_url=url,
        text=text[:MAX_TEXT_CHARS],
        instructions=INSTRUCTIONS.format(keys=", ".join(sorted(FLAT_FIELDS))),
    )


def _numbers_of(value: object) -> list[float]:
    if isinstance(value, Range):
        return [bound for bound in (value.low, value.high) if bound is not None]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return [float(value)]
    return []


def grounded(values: SpecValues, text: str) -> SpecValues:
    """Drop every field whose numbers (or supporting words) do not occur in the source text."""
    stated = {float(number.replace(",", ".")) for number in _NUMBER.findall(text)}
    unsupported: list[str] = []
    for name in values.present_fields():
        value = getattr(values, name)
        numbers = _numbers_of(value)
        if numbers:
            if not all(number in stated for number in numbers):
                unsupported.append(name)
        elif name in _SUPPORT_WORDS:
            if not _SUPPORT_WORDS[name].search(text):
                unsupported.append(name)
        else:
            unsupported.append(name)
    return values.without(*unsupported)


async def extract_with_model(
    extractor: SpecExtractor, request: ExtractionRequest, *, now: datetime
) -> tuple[SourcedValues | None, str]:
    """Ask the model, validate its answer; returns (source or None, outcome for diagnostics)."""
    try:
        raw = await asyncio.wait_for(
            extractor.extract_filament_spec(request), timeout=EXTRACTION_TIMEOUT_S
        )
        values = values_from_json(raw)
    except TimeoutError:
        return None, "model extraction timed out"
    except ExtractionUnavailable as err:
        return None, f"model extraction skipped: {err}"
    except InvalidSpecInput as err:
        return None, f"model output rejected: {err}"
    except Exception as err:
        _LOGGER.debug("model extraction failed: %s", type(err).__name__)
        return None, f"model extraction failed: {type(err).__name__}"
    values = check_values(grounded(values, request.text), request.material).values
    if values.is_empty():
        return None, "model output had no value grounded in the source text"
    provenance = Provenance(
        SourceKind.LLM, now, DEFAULT_CONFIDENCE[SourceKind.LLM], request.source_url
    )
    return SourcedValues(
        values, provenance
    ), f"model extraction: {len(values.present_fields())} fields"
