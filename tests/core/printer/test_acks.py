"""Command acknowledgements and the other non-status report types."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.printer.parser import MessageKind, PrinterStateTracker

from .conftest import load_payload
from .reports import encode


def test_refused_unsigned_command() -> None:
    tracker = PrinterStateTracker()
    before = tracker.state
    result = tracker.feed(
        encode(
            {
                "print": {
                    "command": "pause",
                    "sequence_id": "20001",
                    "result": "failed",
                    "reason": "mqtt message verify failed",
                    "err_code": 84033543,
                }
            }
        )
    )
    assert result.kind is MessageKind.COMMAND_ACK
    assert result.state is before
    ack = result.ack
    assert ack is not None
    assert (ack.section, ack.command, ack.sequence_id) == ("print", "pause", "20001")
    assert ack.success is False
    assert ack.err_code == 84033543
    assert ack.reason == "mqtt message verify failed"


@pytest.mark.parametrize(
    ("body", "success"),
    [
        ({"command": "ledctrl", "sequence_id": "5", "result": "success"}, True),
        ({"command": "ledctrl", "sequence_id": "5", "result": "SUCCESS", "err_code": 0}, True),
        ({"command": "ledctrl", "sequence_id": "5", "result": "fail"}, False),
        ({"command": "ledctrl", "sequence_id": "5", "result": "success", "err_code": 7}, False),
        ({"command": "ledctrl", "sequence_id": "5"}, None),
    ],
)
def test_system_ack_verdicts(body: dict[str, object], success: bool | None) -> None:
    result = PrinterStateTracker().feed(encode({"system": body}))
    assert result.ack is not None
    assert result.ack.success is success


def test_camera_ack_with_integer_result() -> None:
    ack = (
        PrinterStateTracker()
        .feed(encode({"camera": {"command": "ipcam_record_set", "sequence_id": "3", "result": 0}}))
        .ack
    )
    assert ack is not None
    assert ack.result == "0"
    assert ack.success is True


def test_captured_gcode_ack() -> None:
    ack = PrinterStateTracker().feed(load_payload("P2S_gcode_line_ack_1.json")).ack
    assert ack is not None
    assert (ack.command, ack.sequence_id, ack.success) == ("gcode_line", "20014", True)


def test_version_reply_is_also_an_ack() -> None:
    result = PrinterStateTracker().feed(load_payload("A1_get_version_2.json"))
    assert result.kind is MessageKind.VERSION
    assert result.ack is not None
    assert result.ack.sequence_id == "20050"
    assert {"version", "model", "serial"} <= result.changed_fields


def test_log_lines_change_nothing() -> None:
    tracker = PrinterStateTracker()
    result = tracker.feed(load_payload("AMS_mc_print_push_info_humidity_1.json"))
    assert result.kind is MessageKind.LOG
    assert result.state is tracker.state
    assert not result.changed


def test_message_with_two_sections() -> None:
    tracker = PrinterStateTracker()
    result = tracker.feed(
        encode(
            {
                "print": {"command": "push_status", "msg": 1, "nozzle_temper": 30.0},
                "system": {"command": "ledctrl", "sequence_id": "9", "result": "success"},
            }
        )
    )
    assert result.kind is MessageKind.STATUS_DELTA
    assert result.state.nozzle_temp == 30.0
    assert result.ack is not None
    assert result.ack.command == "ledctrl"
