"""Replay of a real A1 session: incremental merging must equal a from-scratch rebuild."""

from __future__ import annotations

from collections import Counter
import copy
from dataclasses import asdict
import json
import time
from typing import Any

import pytest

from custom_components.bambuprint_iq.core.printer.enums import GcodeState
from custom_components.bambuprint_iq.core.printer.parser import MessageKind, PrinterStateTracker
from custom_components.bambuprint_iq.core.printer.state import PrinterState

from .conftest import session_lines

SERIAL = "03919C461204912"  # the A1 that recorded the session


def _payloads() -> list[dict[str, Any]]:
    return [line["payload"] for line in session_lines()]


def _is_status(payload: dict[str, Any]) -> bool:
    body = payload.get("print")
    return isinstance(body, dict) and body.get("command") == "push_status"


def _is_full(payload: dict[str, Any]) -> bool:
    return _is_status(payload) and payload["print"].get("msg") == 0


def _reference_merge(target: dict[str, Any], delta: dict[str, Any]) -> None:
    """Deliberately simple: recurse into objects, replace everything else.

    The session's deltas never carry partial AMS unit or tray lists, so list replacement
    is exact here and keeps this reference independent of the tracker's id matching.
    """
    for key, value in delta.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _reference_merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def _reference_state(raw: dict[str, Any], version: dict[str, Any] | None) -> PrinterState:
    """Build a state from scratch: optional version reply, then one full report."""
    tracker = PrinterStateTracker(serial=SERIAL)
    if version is not None:
        tracker.feed(json.dumps(version).encode())
    body = {**raw, "command": "push_status", "msg": 0}
    return tracker.feed(json.dumps({"print": body}).encode()).state


def _encoded(payloads: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(payload).encode() for payload in payloads]


def test_session_message_counts() -> None:
    payloads = _payloads()
    tracker = PrinterStateTracker(serial=SERIAL)
    kinds = Counter(tracker.feed(payload).kind for payload in _encoded(payloads))
    assert len(payloads) == 2708
    assert kinds[MessageKind.STATUS_FULL] == sum(map(_is_full, payloads)) == 21
    assert kinds[MessageKind.STATUS_DELTA] == 2682
    assert kinds[MessageKind.VERSION] == 1
    assert kinds[MessageKind.COMMAND_ACK] == 2  # project_file, extrusion_cali_get
    assert kinds[MessageKind.IGNORED] == 2  # {"print": null}
    assert kinds[MessageKind.INVALID] == 0


def test_replay_equals_last_full_report_plus_later_deltas() -> None:
    payloads = _payloads()
    tracker = PrinterStateTracker(serial=SERIAL)
    for encoded in _encoded(payloads):
        tracker.feed(encoded)

    last_full = max(i for i, payload in enumerate(payloads) if _is_full(payload))
    raw = copy.deepcopy(payloads[last_full]["print"])
    for payload in payloads[last_full + 1 :]:
        if _is_status(payload):
            _reference_merge(raw, payload["print"])
    version = next(payload for payload in payloads if "info" in payload)
    expected = _reference_state(raw, version)

    assert asdict(tracker.state) == asdict(expected)
    assert tracker.state == expected
    # A few fields checked straight against the merged raw report, too.
    state = tracker.state
    assert state.nozzle_temp == raw["nozzle_temper"]
    assert state.bed_temp == raw["bed_temper"]
    assert state.wifi_signal_dbm == int(raw["wifi_signal"].removesuffix("dBm"))
    assert state.gcode_state is GcodeState(raw["gcode_state"].lower())
    level = raw["spd_lvl"]  # the session ends with 253, a value outside the 1-4 profiles
    assert state.speed_level == (level if 1 <= level <= 4 else None)
    assert state.firmware_version == version["info"]["module"][0]["sw_ver"]


def test_every_segment_between_full_reports_replays_exactly() -> None:
    """Before each unsolicited full report, the delta-built state equals a fresh rebuild."""
    payloads = _payloads()
    version = next(payload for payload in payloads if "info" in payload)
    tracker = PrinterStateTracker(serial=SERIAL)
    tracker.feed(json.dumps(version).encode())
    raw: dict[str, Any] | None = None
    compared = 0
    for payload in payloads:
        if _is_full(payload):
            if raw is not None:
                assert tracker.state == _reference_state(raw, version)
                compared += 1
            raw = copy.deepcopy(payload["print"])
        elif _is_status(payload) and raw is not None:
            _reference_merge(raw, payload["print"])
        tracker.feed(json.dumps(payload).encode())
    assert compared == 20


def test_replay_performance(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the mean parse+merge+snapshot cost; correctness is asserted, time is not.

    CPU time of this process is reported next to wall time because other work on a shared
    machine inflates the wall figure.
    """
    payloads = _encoded(_payloads())
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        tracker = PrinterStateTracker(serial=SERIAL)
        wall, cpu = time.perf_counter(), time.process_time()
        for payload in payloads:
            tracker.feed(payload)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    count = len(payloads)
    with capsys.disabled():
        print(
            f"\nA1 session replay: {best_cpu / count * 1e6:.1f} µs CPU, "
            f"{best_wall / count * 1e6:.1f} µs wall per message over {count} messages"
        )
    assert tracker.state.has_status
    assert tracker.state.gcode_state is not GcodeState.UNKNOWN
