"""Bad input never raises out of feed, leaves the state usable, and is logged once."""

from __future__ import annotations

import logging

import pytest

from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import (
    MAX_PAYLOAD_BYTES,
    MessageKind,
    PrinterStateTracker,
)

from .reports import ams_block, ams_unit, base_report, delta, encode, full, tray


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


@pytest.mark.parametrize(
    "payload",
    [
        b"\x00\xff garbage",
        b"",
        b"[]",
        b'"just a string"',
        b'{"print": "x"}',
        b'{"print": [1, 2]}',
        b'{"info": 5}',
        b"{not json",
        "ü".encode("latin-1"),
        b'{"print": {"command": "push_status", "msg": 1, "nozzle_temper": {"a": 1}}}',
    ],
)
def test_bad_payloads_do_not_raise(payload: bytes) -> None:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    before = tracker.feed(full(**base_report())).state
    result = tracker.feed(payload)
    assert result.state.nozzle_temp in (before.nozzle_temp, None)
    assert tracker.feed(delta(bed_temper=61.0)).state.bed_temp == 61.0


def test_each_kind_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    tracker = PrinterStateTracker(serial="01P00A000000123")
    for _ in range(3):
        assert tracker.feed(b"garbage").kind is MessageKind.INVALID
        assert tracker.feed(b"[]").kind is MessageKind.INVALID
        assert tracker.feed(b'{"print": "x"}').kind is MessageKind.INVALID
    messages = _warnings(caplog)
    assert len(messages) == 3
    assert all("…0123" in message for message in messages)
    assert not any("01P00A000000123" in message for message in messages)


def test_wrong_field_types_are_ignored_and_logged_without_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    tracker.feed(full(**base_report()))
    bad_unit = ams_unit(
        0, [tray(0, remain="lots", tray_color="nothex")], humidity="abc", temp="warm"
    )
    for _ in range(2):
        result = tracker.feed(
            delta(
                nozzle_temper="hot",
                wifi_signal="strong",
                ams=ams_block(bad_unit),
                access_code="12345678",
            )
        )
    state = result.state
    assert state.nozzle_temp is None
    assert state.wifi_signal_dbm is None
    (unit,) = state.ams
    assert unit.humidity_level is None
    assert unit.temperature is None
    assert unit.trays[0].remaining is None
    assert unit.trays[0].color is None
    assert unit.trays[0].tray_type == "PLA"
    messages = _warnings(caplog)
    assert len(messages) == len(set(messages))  # once per kind, even after two feeds
    assert any("nozzle_temper" in message for message in messages)
    assert any("ams humidity" in message for message in messages)
    assert not any(
        secret in message for message in messages for secret in ("hot", "abc", "12345678")
    )


def test_container_type_change_keeps_old_section(caplog: pytest.LogCaptureFixture) -> None:
    tracker = PrinterStateTracker(model=PrinterModel.X1C)
    before = tracker.feed(full(**base_report())).state
    after = tracker.feed(delta(ams="broken", hms={"x": 1})).state
    assert after.ams is before.ams
    assert after.hms is before.hms
    assert len(_warnings(caplog)) == 2


def test_malformed_full_report_sections() -> None:
    state = (
        PrinterStateTracker(model=PrinterModel.X1C)
        .feed(full(ams=5, hms="none", lights_report={"node": 1}, vt_tray=[1], ipcam=3))
        .state
    )
    assert (state.ams, state.hms, state.lights, state.external_spools) == ((), (), (), ())
    assert state.has_status


def test_oversized_payload_is_rejected() -> None:
    tracker = PrinterStateTracker()
    payload = encode({"print": {"pad": "x" * MAX_PAYLOAD_BYTES}})
    assert tracker.feed(payload).kind is MessageKind.INVALID
    assert not tracker.state.has_status


def test_print_null_is_ignored_silently(caplog: pytest.LogCaptureFixture) -> None:
    result = PrinterStateTracker().feed(b'{"print": null}')
    assert result.kind is MessageKind.IGNORED
    assert _warnings(caplog) == []


def test_unknown_sections_are_ignored() -> None:
    tracker = PrinterStateTracker()
    assert tracker.feed(b'{"something_new": {"a": 1}}').kind is MessageKind.IGNORED
    assert tracker.feed(b"{}").kind is MessageKind.IGNORED
