"""Property test: arbitrary JSON under known report keys never makes feed raise."""

from __future__ import annotations

import json
import logging
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import PrinterStateTracker
from custom_components.bambuprint_iq.core.printer.state import PrinterState

from .reports import base_report, full

KEYS = sorted({*base_report(), "device", "vir_slot", "fun", "stat", "net", "ipcam", "3D", "msg"})

NESTED_KEYS = ["id", "tray", "ams", "info", "temp", "snow", "state", "extruder", "ctc"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(NESTED_KEYS), children, max_size=4),
    ),
    max_leaves=20,
)
reports = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8)


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=reports, second=reports)
def test_feed_never_raises(first: dict[str, Any], second: dict[str, Any]) -> None:
    """Bad values must be handled by the readers, not by the last-resort exception guard."""
    recorder = _Recorder()
    logger = logging.getLogger("custom_components.bambuprint_iq.core.printer")
    logger.addHandler(recorder)
    try:
        tracker = PrinterStateTracker(model=PrinterModel.H2D)
        tracker.feed(full(**base_report()))
        for report in (first, second):
            payload = json.dumps({"print": {**report, "command": "push_status"}}).encode()
            result = tracker.feed(payload)
            assert isinstance(result.state, PrinterState)
            assert result.state is tracker.state
    finally:
        logger.removeHandler(recorder)
    assert not [m for m in recorder.messages if "internal parser error" in m]
