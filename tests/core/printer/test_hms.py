"""HMS decoding and print-error formatting."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.printer.enums import HmsModule, HmsSeverity
from custom_components.bambuprint_iq.core.printer.hms import (
    decode_hms_entry,
    format_print_error,
    hms_code_string,
)
from custom_components.bambuprint_iq.core.printer.hms_texts import hms_message, print_error_message
from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from custom_components.bambuprint_iq.core.printer.parser import PrinterStateTracker

from .reports import base_report, delta, full


def test_code_string_layout() -> None:
    assert hms_code_string(50331904, 65543) == "HMS_0300_0100_0001_0007"
    assert hms_code_string(0x0C000300, 0x00030007) == "HMS_0C00_0300_0003_0007"


@pytest.mark.parametrize(
    ("attr", "code", "severity", "module"),
    [
        (0x03000100, 0x00010001, HmsSeverity.FATAL, HmsModule.MC),
        (0x05000100, 0x00020002, HmsSeverity.SERIOUS, HmsModule.MAINBOARD),
        (0x07002000, 0x00030001, HmsSeverity.COMMON, HmsModule.AMS),
        (0x08000100, 0x00040001, HmsSeverity.INFO, HmsModule.TOOLHEAD),
        (0x0C000300, 0x00030007, HmsSeverity.COMMON, HmsModule.XCAM),
        (0x18002000, 0x00020001, HmsSeverity.SERIOUS, HmsModule.AMS_HT),
        (0x7F000000, 0x00090000, HmsSeverity.UNKNOWN, HmsModule.UNKNOWN),
    ],
)
def test_severity_and_module(
    attr: int, code: int, severity: HmsSeverity, module: HmsModule
) -> None:
    error = decode_hms_entry({"attr": attr, "code": code}, None)
    assert error is not None
    assert (error.severity, error.module) == (severity, module)


@pytest.mark.parametrize(
    ("model", "series"),
    [
        (PrinterModel.X1C, "x1"),
        (PrinterModel.P1S, "p1"),
        (PrinterModel.A1_MINI, "a1-mini"),
        (PrinterModel.H2D, "h2d"),
        (None, "x1"),
    ],
)
def test_wiki_url_follows_model(model: PrinterModel | None, series: str) -> None:
    error = decode_hms_entry({"attr": 0x0C000300, "code": 0x00030007}, model)
    assert error is not None
    assert (
        error.wiki_url
        == f"https://wiki.bambulab.com/en/{series}/troubleshooting/hmscode/0C00_0300_0003_0007"
    )
    assert error.short_code == "0C00_0300_0003_0007"


def test_messages_static_slot_and_unknown() -> None:
    assert hms_message(0x0C000300, 0x00030007) == "Possible first-layer defects were detected."
    slot_text = hms_message(0x07012100, 0x00020001)
    assert slot_text is not None
    assert slot_text.startswith("AMS B slot 2 ran out")
    assert hms_message(0x12FF2000, 0x00020001) is not None  # unit index beyond letters
    assert hms_message(0x05123456, 0x00077777) is None


@pytest.mark.parametrize(
    "entry",
    [{"attr": "x", "code": 1}, {"attr": -1, "code": 1}, {"code": 1}, {"attr": 2**40, "code": 1}],
)
def test_bad_entries_are_rejected(entry: dict[str, object]) -> None:
    assert decode_hms_entry(entry, None) is None


def test_timestamps_from_both_shapes() -> None:
    newer = decode_hms_entry(
        {"attr": 1, "code": 1, "ts_boot": 1, "ts_unix": "20260426002648"}, None
    )
    older = decode_hms_entry({"attr": 1, "code": 1, "timestamp": 1740837535}, None)
    assert newer is not None
    assert newer.timestamp == 1777163208
    assert older is not None
    assert older.timestamp == 1740837535


def test_print_error_format_and_message() -> None:
    assert format_print_error(117473286) == "0700_8006"
    assert format_print_error(0) is None
    assert format_print_error(-1) == "FFFF_FFFF"
    assert print_error_message("0300_400C") == "The print was cancelled."
    assert print_error_message("1234_5678") is None


def test_tracker_sets_and_clears_hms() -> None:
    tracker = PrinterStateTracker(model=PrinterModel.P1S)
    tracker.feed(full(**base_report(print_error=0x0300400C)))
    state = tracker.feed(delta(hms=[{"attr": 0x0C000300, "code": 0x00030008}])).state
    assert [e.code_str for e in state.hms] == ["HMS_0C00_0300_0003_0008"]
    assert state.print_error_code == "0300_400C"
    assert state.job.print_error_message == "The print was cancelled."
    cleared = tracker.feed(delta(hms=[], print_error=0)).state
    assert cleared.hms == ()
    assert cleared.print_error_code is None
