"""Fatal or serious HMS messages currently reported by the printer."""

from __future__ import annotations

from collections.abc import Iterable

from ..observation import HmsEntry, HmsSeverity
from .model import Alert, AlertKind, alert


def hms_severe_alert(entries: Iterable[HmsEntry]) -> Alert:
    """Active while any fatal or serious HMS entry is present."""
    severe = [e for e in entries if e.severity.is_severe]
    worst = min((e.severity for e in severe), default=None)
    if not severe or worst is None:
        return alert(AlertKind.HMS_SEVERE, "printer", False, "no fatal or serious HMS messages")
    label = "fatal" if worst is HmsSeverity.FATAL else "serious"
    codes = tuple(e.code for e in severe)
    return alert(
        AlertKind.HMS_SEVERE,
        "printer",
        True,
        f"{len(severe)} {label} HMS message(s): {', '.join(codes)}",
        severity=label,
        codes=codes,
    )
