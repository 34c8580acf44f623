"""Requirement words after a label: "Required", "No Needed", "niewymagane", "N/A", "Optional"."""

from __future__ import annotations

import re

from ..values import Requirement

_STATUS_WORDS: tuple[tuple[str, Requirement], ...] = (
    (
        r"not\s+required|not\s+needed|no\s+needed|not\s+necessary|unnecessary|niewymagane"
        r"|nevy[žz]aduje|nicht\s+(?:erforderlich|n[öo]tig)|no\s+requerido|non\s+richiest[oa]"
        r"|none|no",
        Requirement.NOT_REQUIRED,
    ),
    (r"n/?a|not\s+applicable|-$", Requirement.NOT_STATED),
    (r"optional|opcjonalnie|volitelné|facoltativ[oa]", Requirement.OPTIONAL),
    (
        r"recommended|zalecane|doporu[čc]en[oáé]|empfohlen|suggested|consigliat[oa]",
        Requirement.RECOMMENDED,
    ),
    (
        r"required|needed|necessary|must|mandatory|wymagane|vy[žz]adov[áa]no|erforderlich|yes",
        Requirement.REQUIRED,
    ),
)
_STATUS = re.compile(
    "|".join(
        rf"(?P<s{index}>(?<![A-Za-z]){words}(?![A-Za-z]))"
        for index, (words, _) in enumerate(_STATUS_WORDS)
    ),
    re.I,
)
_NEGATION_BEFORE = re.compile(r"(?:\bno|\bnot|\bwithout|n't\s+need)\s+(?:\w+\s+)?$", re.I)
_ON_OFF = re.compile(r"^\W{0,3}(?P<word>on|off|yes|no)\b", re.I)


def first_status(window: str) -> Requirement | None:
    """The first requirement word in ``window``; a question ("Is drying needed?") is skipped."""
    question = window.find("?")
    if question != -1:
        window = window[question + 1 :]
    match = _STATUS.search(window)
    if match is None or match.lastgroup is None:
        return None
    return _STATUS_WORDS[int(match.lastgroup[1:])][1]


def negated_before(before: str) -> bool:
    """True when the words right before a label negate it ("no hardened nozzle needed")."""
    return _NEGATION_BEFORE.search(before) is not None


def on_off(window: str) -> bool | None:
    """ "Part Fan on" → True, "off" → False; None when the window does not start with one."""
    match = _ON_OFF.match(window)
    if match is None:
        return None
    return match["word"].lower() in {"on", "yes"}
