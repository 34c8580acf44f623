"""What the failure watch publishes: its state for the binary sensor and its event payload.

Kept apart from the runner so the entity and automations depend on plain immutable values,
not on the timer and camera machinery that produces them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from .const import DOMAIN
from .core.analysis import FrameCheck, WatchLevel
from .core.analysis.taxonomy import PRINT_FAILURES

EVENT_FAILURE_WATCH: Final = f"{DOMAIN}_failure_watch"
REASON_MAX_CHARS: Final = 200
"""Model evidence is free text; events and attributes carry a short excerpt only."""


class WatchStatus(StrEnum):
    """Why the watch is or is not taking frames right now."""

    DISABLED = "disabled"
    """The printer's options have the watch off."""
    IDLE = "idle"
    """No print."""
    WAITING = "waiting"
    """A print is active but not running (preparing, paused, printer offline)."""
    WATCHING = "watching"
    NO_CAMERA = "no_camera"
    """This printer has no camera the integration can read (e.g. a cloud connection)."""
    NO_ASSISTANT = "no_assistant"
    """No assistant entry is loaded, so there is no model to ask."""


class PauseAction(StrEnum):
    """What the watch did about a PAUSE level when auto-pause is on."""

    PAUSED = "paused"
    PAUSE_FAILED = "pause_failed"
    PAUSE_UNAVAILABLE = "pause_unavailable"
    """The connection cannot send control commands (telemetry-only or signed firmware)."""


@dataclass(frozen=True, slots=True)
class WatchReport:
    """The watch's state after the latest change; replaced, never modified."""

    status: WatchStatus
    level: WatchLevel = WatchLevel.OK
    smoothed: float | None = None
    frames: int = 0
    """Frames the model scored during this print."""
    skipped: int = 0
    """Frames taken but not scored (quality gate, frozen camera, camera or model errors)."""
    last_reason: str | None = None
    last_check: datetime | None = None
    action: PauseAction | None = None

    @property
    def failure_suspected(self) -> bool:
        """On at SUSPECTED and PAUSE."""
        return self.level is not WatchLevel.OK

    def attributes(self) -> dict[str, Any]:
        """State attributes of the "Failure suspected" binary sensor."""
        return {
            "status": self.status.value,
            "smoothed_score": _rounded(self.smoothed),
            "frames_scored": self.frames,
            "frames_skipped": self.skipped,
            "last_reason": self.last_reason,
            "last_check": self.last_check.isoformat() if self.last_check else None,
            "action": self.action.value if self.action else None,
        }

    def event_data(self, *, device_id: str | None, serial: str) -> dict[str, Any]:
        """Payload of ``bambuprint_iq_failure_watch``, fired when the level changes."""
        return {
            "device_id": device_id,
            "serial": serial,
            "level": self.level.value,
            "smoothed_score": _rounded(self.smoothed),
            "frames": self.frames,
            "frames_skipped": self.skipped,
            "reason": self.last_reason,
            "action": self.action.value if self.action else None,
        }


def frame_reason(check: FrameCheck) -> str:
    """One line on what a frame showed, or why it was not scored."""
    if check.score is None:
        return _short("; ".join(check.reasons) or "the frame could not be scored")
    failures = [f for f in check.findings if f.present and f.type in PRINT_FAILURES]
    if not failures:
        return "no spaghetti or detachment visible"
    worst = max(failures, key=lambda finding: finding.confidence)
    text = f"{worst.type.value} ({worst.confidence:.0%})"
    return _short(f"{text}: {worst.evidence}" if worst.evidence else text)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_MAX_CHARS else text[: REASON_MAX_CHARS - 1] + "…"


def _rounded(score: float | None) -> float | None:
    return None if score is None else round(score, 3)
