"""Decide how a print ended from the printer's final state, error code and HMS messages.

Rules (the user can override any verdict later):
* FINISH with every object printed and progress >= 99 % -> success.
* FINISH after objects were skipped, or below 99 % -> partial.
* FAILED with a "task was canceled" error (0300_400C, 0500_400E) -> cancelled.
* FAILED with any other error code, or after a fatal/serious HMS message -> failed.
* FAILED with neither (the printer gives no reason) -> cancelled: printer faults come with a
  code, a plain stop from the screen or app does not.
* The job vanished (printer IDLE or a different job) without a final state -> failed when a
  fatal/serious HMS was seen, otherwise unknown.
"""

from __future__ import annotations

from collections.abc import Iterable

from .observation import GcodeState, HmsEntry
from .record_parts import Outcome

CANCEL_ERROR_CODES = frozenset({0x0300400C, 0x0500400E})
COMPLETE_PERCENT = 99.0


def classify_outcome(
    final_state: GcodeState | None,
    *,
    print_error: int | None,
    hms: Iterable[HmsEntry],
    progress_percent: float | None,
    skipped_objects: int,
) -> Outcome:
    """The detected outcome for a print that has just ended (see module rules)."""
    severe = any(entry.severity.is_severe for entry in hms)
    if final_state is GcodeState.FINISH:
        incomplete = progress_percent is not None and progress_percent < COMPLETE_PERCENT
        return Outcome.PARTIAL if skipped_objects > 0 or incomplete else Outcome.SUCCESS
    if final_state is GcodeState.FAILED:
        if print_error in CANCEL_ERROR_CODES:
            return Outcome.CANCELLED
        if print_error or severe:
            return Outcome.FAILED
        return Outcome.CANCELLED
    return Outcome.FAILED if severe else Outcome.UNKNOWN
