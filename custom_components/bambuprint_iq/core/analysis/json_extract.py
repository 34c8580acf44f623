"""Find the JSON object in a model's text answer (fences, prose around it)."""

from __future__ import annotations

import json
import re
from typing import Final

from .errors import InvalidModelOutput

MAX_ANSWER_CHARS: Final = 200_000
_MAX_CANDIDATES: Final = 20
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def extract_json_object(text: str) -> dict[str, object]:
    """Return the first JSON object in ``text``, preferring one that has ``defects``.

    Models sometimes wrap JSON in a Markdown fence or add a sentence before it; both are
    accepted. Anything that does not contain a complete object raises InvalidModelOutput.
    """
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidModelOutput("the answer is implausibly long")
    candidates = [match.group(1) for match in _FENCE.finditer(text)] + [text]
    found: list[dict[str, object]] = []
    for candidate in candidates:
        found.extend(_objects_in(candidate.strip()))
        if any("defects" in obj for obj in found):
            break
    for obj in found:
        if "defects" in obj:
            return obj
    if found:
        return found[0]
    raise InvalidModelOutput("the answer holds no complete JSON object")


def _objects_in(text: str) -> list[dict[str, object]]:
    decoder = json.JSONDecoder()
    objects: list[dict[str, object]] = []
    position = text.find("{")
    tries = 0
    while position != -1 and tries < _MAX_CANDIDATES:
        tries += 1
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            position = text.find("{", position + 1)
            continue
        if isinstance(value, dict):
            objects.append(value)
        position = text.find("{", end)
    return objects
