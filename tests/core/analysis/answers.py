"""Model answers used across tests, as the schema describes them."""

from __future__ import annotations


def defect(
    kind: str,
    *,
    severity: str = "medium",
    confidence: float = 0.85,
    present: bool = True,
    evidence: str = "visible in the photo",
) -> dict[str, object]:
    """One defect entry."""
    return {
        "type": kind,
        "present": present,
        "severity": severity,
        "confidence": confidence,
        "evidence": evidence,
    }


def answer(*defects: dict[str, object], quality_ok: bool = True) -> dict[str, object]:
    """A complete answer object."""
    return {"image_quality_ok": quality_ok, "view_notes": "front view", "defects": list(defects)}
