"""Request payloads: exact shapes, validation, fresh objects, sequence ids."""

from __future__ import annotations

import json
import threading

import pytest

from custom_components.bambuprint_iq.core.printer import commands
from custom_components.bambuprint_iq.core.printer.commands import (
    MAX_SEQUENCE_ID,
    InvalidCommandError,
    SequenceIdGenerator,
)
from custom_components.bambuprint_iq.core.printer.enums import SpeedLevel
from custom_components.bambuprint_iq.core.printer.models import PrinterModel


def test_shapes() -> None:
    assert commands.pushall("12") == {
        "pushing": {"sequence_id": "12", "command": "pushall", "version": 1, "push_target": 1}
    }
    assert commands.start_push() == {"pushing": {"sequence_id": "0", "command": "start"}}
    assert commands.get_version("5") == {"info": {"sequence_id": "5", "command": "get_version"}}
    for name in ("pause", "resume", "stop"):
        command = getattr(commands, name)("3")
        assert command == {"print": {"sequence_id": "3", "command": name, "param": ""}}
    assert commands.print_speed(SpeedLevel.SPORT)["print"] == {
        "sequence_id": "0",
        "command": "print_speed",
        "param": "3",
    }
    assert commands.gcode_line("M104 S220")["print"]["param"] == "M104 S220\n"
    assert commands.gcode_line("G28\nM400\n")["print"]["param"] == "G28\nM400\n"


def test_led_control_carries_timing_fields() -> None:
    body = commands.led_control("chamber_light", "on", "9")["system"]
    assert body == {
        "sequence_id": "9",
        "command": "ledctrl",
        "led_node": "chamber_light",
        "led_mode": "on",
        "led_on_time": 500,
        "led_off_time": 500,
        "loop_times": 0,
        "interval_time": 0,
    }


def test_chamber_light_nodes_per_model() -> None:
    h2d = commands.chamber_light(True, PrinterModel.H2D, "4")
    assert [c["system"]["led_node"] for c in h2d] == ["chamber_light", "chamber_light2"]
    assert {c["system"]["sequence_id"] for c in h2d} == {"4"}
    (x1c,) = commands.chamber_light(False, PrinterModel.X1C)
    assert x1c["system"]["led_mode"] == "off"
    assert len(commands.chamber_light(True)) == 1


def test_results_are_fresh_objects() -> None:
    first = commands.pushall()
    first["pushing"]["command"] = "tampered"
    first["extra"] = True
    assert commands.pushall() == {
        "pushing": {"sequence_id": "0", "command": "pushall", "version": 1, "push_target": 1}
    }
    light = commands.led_control("chamber_light", "on")
    light["system"]["led_on_time"] = 1
    assert commands.led_control("chamber_light", "on")["system"]["led_on_time"] == 500
    pause = commands.pause()
    pause["print"]["param"] = "x"
    assert commands.pause()["print"]["param"] == ""


@pytest.mark.parametrize("level", [0, 5, True, "2", 2.0])
def test_speed_validation(level: object) -> None:
    with pytest.raises(InvalidCommandError):
        commands.print_speed(level)  # type: ignore[arg-type]


@pytest.mark.parametrize("gcode", ["", "   ", "G28\x00", "G1\n" * 10_000, 5])
def test_gcode_validation(gcode: object) -> None:
    with pytest.raises(InvalidCommandError):
        commands.gcode_line(gcode)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("node", "mode"), [("chamber_light", "dim"), ("", "on"), ("bad node!", "on"), (3, "on")]
)
def test_light_validation(node: object, mode: str) -> None:
    with pytest.raises(InvalidCommandError):
        commands.led_control(node, mode)  # type: ignore[arg-type]


@pytest.mark.parametrize("sequence_id", ["abc", "-1", "2147483648", "", 7])
def test_sequence_id_validation(sequence_id: object) -> None:
    with pytest.raises(InvalidCommandError):
        commands.pushall(sequence_id)  # type: ignore[arg-type]


def test_generator_counts_and_wraps() -> None:
    generator = SequenceIdGenerator(first=MAX_SEQUENCE_ID - 2)
    assert [generator.next() for _ in range(4)] == [
        str(MAX_SEQUENCE_ID - 2),
        str(MAX_SEQUENCE_ID - 1),
        str(MAX_SEQUENCE_ID),
        str(MAX_SEQUENCE_ID - 2),
    ]
    assert SequenceIdGenerator().next() == "20000"
    with pytest.raises(InvalidCommandError):
        SequenceIdGenerator(first=10, last=MAX_SEQUENCE_ID + 1)


def test_generator_is_thread_safe() -> None:
    generator = SequenceIdGenerator(first=1, last=1_000_000)
    seen: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        ids = [generator.next() for _ in range(2000)]
        with lock:
            seen.extend(ids)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 8000


def test_encode_round_trips() -> None:
    command = commands.print_speed(2, "77")
    assert json.loads(commands.encode(command)) == command
