"""Request payloads for the printer's ``device/<serial>/request`` topic.

Every function builds a fresh dict, so callers may mutate or serialise the result freely.
Arguments are validated; invalid ones raise :class:`InvalidCommandError` before anything is
sent. Whether a printer accepts a command is a separate question, see :mod:`.capabilities`.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from .enums import SpeedLevel
from .models import MODEL_SPECS, PrinterModel
from .wire import encode_json

MAX_SEQUENCE_ID = 2_147_483_647
"""AMS firmware misbehaves on larger ids, so generated ids stay within a signed 32-bit int."""
MAX_GCODE_LENGTH = 16_384

LIGHT_MODES = frozenset({"on", "off", "flashing"})

Command = dict[str, Any]


class InvalidCommandError(ValueError):
    """A command argument is out of range or of the wrong type."""


class SequenceIdGenerator:
    """Decimal ``sequence_id`` strings that increase and wrap within ``[first, last]``.

    Bambu Studio counts from 20000; starting there keeps our ids recognisable in logs.
    Safe to share between threads.
    """

    def __init__(self, first: int = 20_000, last: int = MAX_SEQUENCE_ID) -> None:
        """Validate the range; ids are never above :data:`MAX_SEQUENCE_ID`."""
        if not 0 <= first < last <= MAX_SEQUENCE_ID:
            raise InvalidCommandError("sequence id range must satisfy 0 <= first < last <= 2^31-1")
        self._first = first
        self._span = last - first + 1
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def next(self) -> str:
        """The next id as a decimal string."""
        with self._lock:
            step = next(self._counter)
        return str(self._first + step % self._span)


def _check_sequence_id(sequence_id: str) -> str:
    if not isinstance(sequence_id, str) or not sequence_id.isdigit():
        raise InvalidCommandError("sequence_id must be a decimal string")
    if int(sequence_id) > MAX_SEQUENCE_ID:
        raise InvalidCommandError("sequence_id must not exceed 2147483647")
    return sequence_id


def pushall(sequence_id: str = "0") -> Command:
    """Ask for a full status report (``msg`` 0)."""
    return {
        "pushing": {
            "sequence_id": _check_sequence_id(sequence_id),
            "command": "pushall",
            "version": 1,
            "push_target": 1,
        }
    }


def start_push(sequence_id: str = "0") -> Command:
    """(Re)enable continuous status pushes."""
    return {"pushing": {"sequence_id": _check_sequence_id(sequence_id), "command": "start"}}


def get_version(sequence_id: str = "0") -> Command:
    """Ask for firmware and module versions."""
    return {"info": {"sequence_id": _check_sequence_id(sequence_id), "command": "get_version"}}


def _print_command(command: str, sequence_id: str, **extra: Any) -> Command:
    return {"print": {"sequence_id": _check_sequence_id(sequence_id), "command": command, **extra}}


def pause(sequence_id: str = "0") -> Command:
    """Pause the running job."""
    return _print_command("pause", sequence_id, param="")


def resume(sequence_id: str = "0") -> Command:
    """Resume a paused job."""
    return _print_command("resume", sequence_id, param="")


def stop(sequence_id: str = "0") -> Command:
    """Stop (cancel) the job."""
    return _print_command("stop", sequence_id, param="")


def print_speed(level: SpeedLevel | int, sequence_id: str = "0") -> Command:
    """Switch the speed profile; the printer wants the level as a string."""
    if isinstance(level, bool) or not isinstance(level, int) or level not in _SPEED_VALUES:
        raise InvalidCommandError("speed level must be 1 (silent) to 4 (ludicrous)")
    return _print_command("print_speed", sequence_id, param=str(int(level)))


_SPEED_VALUES = frozenset(int(level) for level in SpeedLevel)


def gcode_line(gcode: str, sequence_id: str = "0") -> Command:
    """Run G-code; several lines are separated by ``\\n``."""
    if not isinstance(gcode, str) or not gcode.strip():
        raise InvalidCommandError("G-code must be a non-empty string")
    if len(gcode) > MAX_GCODE_LENGTH or "\x00" in gcode:
        raise InvalidCommandError("G-code is too long or contains NUL")
    return _print_command(
        "gcode_line", sequence_id, param=gcode if gcode.endswith("\n") else gcode + "\n"
    )


def led_control(node: str, mode: str, sequence_id: str = "0") -> Command:
    """Set one light; the timing fields are required by the firmware even for on/off."""
    if not isinstance(node, str) or not node or not node.replace("_", "").isalnum():
        raise InvalidCommandError("light node must be a simple name such as 'chamber_light'")
    if mode not in LIGHT_MODES:
        raise InvalidCommandError("light mode must be 'on', 'off' or 'flashing'")
    return {
        "system": {
            "sequence_id": _check_sequence_id(sequence_id),
            "command": "ledctrl",
            "led_node": node,
            "led_mode": mode,
            "led_on_time": 500,
            "led_off_time": 500,
            "loop_times": 0,
            "interval_time": 0,
        }
    }


def chamber_light(
    on: bool, model: PrinterModel | None = None, sequence_id: str = "0"
) -> tuple[Command, ...]:
    """Commands switching every chamber light of ``model`` (H2 models have two nodes).

    All commands share ``sequence_id``, so one acknowledgement confirms the request.
    """
    nodes = MODEL_SPECS[model].chamber_light_nodes if model is not None else ("chamber_light",)
    mode = "on" if on else "off"
    return tuple(led_control(node, mode, sequence_id) for node in nodes)


def encode(command: Command) -> bytes:
    """Serialise a command for publishing."""
    return encode_json(command)
