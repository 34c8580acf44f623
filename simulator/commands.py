"""Request parsing and command dispatch for the `device/<serial>/request` topic.

Requests come from untrusted clients, so everything is validated: anything that is not a
JSON object with a known section, a string command and a string/int sequence_id is dropped
with a debug log (a real printer just ignores it too). On a secured printer (Developer Mode
off) `print.*` requests without a signed `header` are refused with the firmware's
"mqtt message verify failed" reply and change nothing; other sections keep working.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any

from simulator.job import SPEED_MAGNITUDES, JobSpec

if TYPE_CHECKING:
    from simulator.printer import PrinterSim

_LOGGER = logging.getLogger(__name__)

JsonDict = dict[str, Any]

SECTIONS = ("print", "system", "info", "pushing", "camera", "xcam", "upgrade", "security")
VERIFY_FAILED_CODE = 84033543
LED_MODES = ("on", "off", "flashing")
_GCODE_RE = re.compile(r"^\s*(M104|M140|M141|M106)\b(.*)$", re.IGNORECASE)
_PARAM_RE = re.compile(r"([A-Z])(-?\d+(?:\.\d+)?)", re.IGNORECASE)
_MAX_NOZZLE = 350.0
_MAX_BED = 120.0
_MAX_CHAMBER = 65.0


class MalformedRequestError(ValueError):
    """The request cannot be understood; it is ignored."""


def parse_request(raw: bytes | str) -> tuple[str, JsonDict, JsonDict]:
    """Return (section, section body, whole document) or raise MalformedRequestError."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise MalformedRequestError("not JSON") from err
    if not isinstance(document, dict):
        raise MalformedRequestError("not a JSON object")
    for section in SECTIONS:
        body = document.get(section)
        if body is None:
            continue
        if not isinstance(body, dict):
            raise MalformedRequestError(f"section {section!r} is not an object")
        if not isinstance(body.get("command"), str):
            raise MalformedRequestError(f"section {section!r} has no string command")
        sequence = body.get("sequence_id", "0")
        if isinstance(sequence, bool) or not isinstance(sequence, str | int):
            raise MalformedRequestError("sequence_id must be a string or an int")
        return section, body, document
    raise MalformedRequestError("no known section")


def _reply(section: str, body: JsonDict, result: str, reason: str = "", **extra: Any) -> JsonDict:
    echoed = {k: v for k, v in body.items() if k not in ("sequence_id", "command")}
    return {
        section: {
            **echoed,
            "command": body["command"],
            "sequence_id": str(body.get("sequence_id", "0")),
            "result": result,
            "reason": reason,
            **extra,
        }
    }


def dispatch(sim: PrinterSim, raw: bytes | str) -> list[JsonDict]:
    """Handle one request; returns replies followed by any report it triggers."""
    try:
        section, body, document = parse_request(raw)
    except MalformedRequestError as err:
        _LOGGER.debug("ignoring malformed request on %s: %s", sim.setup.serial, err)
        return []
    command = body["command"]
    if section == "print":
        if sim.state.secured and "header" not in document:
            return [
                {
                    "print": {
                        "command": command,
                        "sequence_id": str(body.get("sequence_id", "0")),
                        "result": "failed",
                        "reason": "mqtt message verify failed",
                        "err_code": VERIFY_FAILED_CODE,
                    }
                }
            ]
        return _print_command(sim, body)
    if section == "pushing":
        return _pushing_command(sim, command)
    if section == "info" and command == "get_version":
        return [_get_version(sim, body)]
    if section == "system":
        return _system_command(sim, body)
    _LOGGER.debug("ignoring unsupported command %s.%s", section, command)
    return []


def _with_change(sim: PrinterSim, replies: list[JsonDict]) -> list[JsonDict]:
    report = sim.change_report() if sim.push_enabled else None
    return [*replies, report] if report is not None else replies


def _pushing_command(sim: PrinterSim, command: str) -> list[JsonDict]:
    if command == "pushall":
        return [sim.full_report()]
    if command == "start":
        sim.push_enabled = True
        return [sim.full_report()]
    if command == "stop":
        sim.push_enabled = False
        return []
    _LOGGER.debug("ignoring unsupported command pushing.%s", command)
    return []


def _get_version(sim: PrinterSim, body: JsonDict) -> JsonDict:
    setup = sim.setup
    spec = setup.spec
    ota: JsonDict = {
        "name": "ota",
        "product_name": spec.product_name,
        "project_name": spec.model_id,
        "sw_ver": spec.firmware,
        "hw_ver": "OTA" if spec.sends_deltas else "N/A",
        "sn": setup.serial,
        "flag": 3,
        "visible": True,
    }
    modules = [ota]
    for unit in sim.state.units:
        hardware = unit.hardware
        number = unit.unit_id - hardware.first_id + 1
        modules.append(
            {
                "name": f"{hardware.kind.value}/{unit.unit_id}",
                "product_name": f"{hardware.product_name} ({number})",
                "project_name": "",
                "sw_ver": hardware.sw_ver,
                "hw_ver": hardware.hw_ver,
                "loader_ver": "00.00.00.00",
                "ota_ver": "00.00.00.00",
                "sn": f"{setup.serial[:3]}A{unit.unit_id:02d}{setup.serial[-9:]}",
                "flag": 0,
                "visible": True,
            }
        )
    for module in spec.modules:
        entry: JsonDict = {
            "name": module.name,
            "product_name": "",
            "sw_ver": module.sw_ver,
            "hw_ver": module.hw_ver,
            "sn": setup.serial
            if module.hw_ver.startswith("AP")
            else f"{module.name.upper()}-{setup.serial[-8:]}",
            "flag": 0,
            "visible": False,
        }
        if module.project_name is not None:
            entry["project_name"] = module.project_name
        if module.loader_ver is not None:
            entry["loader_ver"] = module.loader_ver
        modules.append(entry)
    return _reply("info", body, "success", module=modules)


def _system_command(sim: PrinterSim, body: JsonDict) -> list[JsonDict]:
    command = body["command"]
    if command == "ledctrl":
        node = body.get("led_node")
        mode = body.get("led_mode")
        lights = sim.state.lights
        if not isinstance(node, str) or node not in lights:
            return [_reply("system", body, "fail", "unsupported led_node")]
        if mode not in LED_MODES:
            return [_reply("system", body, "fail", "unsupported led_mode")]
        lights[node] = str(mode)
        return _with_change(sim, [_reply("system", body, "success")])
    if command == "get_access_code":
        return [_reply("system", body, "success", access_code=sim.setup.access_code)]
    _LOGGER.debug("ignoring unsupported command system.%s", command)
    return []


def _print_command(sim: PrinterSim, body: JsonDict) -> list[JsonDict]:
    command = body["command"]
    simple = {"pause": sim.pause, "resume": sim.resume, "stop": sim.stop}
    if command in simple:
        if simple[command]():
            return _with_change(sim, [_reply("print", body, "success")])
        return [_reply("print", body, "fail", f"cannot {command} in state {sim.state.gcode_state}")]
    if command == "print_speed":
        param = body.get("param")
        if not isinstance(param, str) or not param.isdigit() or int(param) not in SPEED_MAGNITUDES:
            return [_reply("print", body, "fail", 'param must be "1".."4"')]
        sim.set_speed_level(int(param))
        return _with_change(sim, [_reply("print", body, "success")])
    if command == "gcode_line":
        param = body.get("param")
        if not isinstance(param, str):
            return [_reply("print", body, "fail", "param must be a string")]
        _apply_gcode(sim, param)
        reply = _reply("print", body, "SUCCESS", "SUCCESS", err_code=0, is_from_mqtt=True)
        return _with_change(sim, [reply])
    if command == "project_file":
        return _project_file(sim, body)
    _LOGGER.debug("ignoring unsupported command print.%s", command)
    return []


def _project_file(sim: PrinterSim, body: JsonDict) -> list[JsonDict]:
    name = body.get("subtask_name")
    file_name = body.get("file") or body.get("url")
    if not isinstance(name, str) or not name:
        if not isinstance(file_name, str) or not file_name:
            return [_reply("print", body, "fail", "missing file")]
        name = file_name.rsplit("/", 1)[-1].removesuffix(".3mf").removesuffix(".gcode")
    rng = sim.state.rng
    spec = JobSpec(
        name=name,
        duration_minutes=rng.randint(20, 120),
        total_layers=rng.randint(50, 400),
        task_id=str(body.get("task_id", "0")),
        subtask_id=str(body.get("subtask_id", "0")),
    )
    if not sim.start_print(spec, seeded_failure=True):
        return [_reply("print", body, "fail", "printer is busy")]
    return _with_change(sim, [_reply("print", body, "success", "success")])


def _apply_gcode(sim: PrinterSim, text: str) -> None:
    """Honour the temperature and fan G-codes clients send; ignore everything else."""
    state = sim.state
    for line in text.splitlines():
        match = _GCODE_RE.match(line.split(";", 1)[0])
        if match is None:
            continue
        code = match.group(1).upper()
        params = {k.upper(): float(v) for k, v in _PARAM_RE.findall(match.group(2))}
        value = params.get("S")
        if value is None:
            continue
        if code == "M104":
            tool = int(params.get("T", 0))
            if 0 <= tool < len(state.nozzles):
                state.nozzles[tool].target = min(max(value, 0.0), _MAX_NOZZLE)
        elif code == "M140":
            state.bed.target = min(max(value, 0.0), _MAX_BED)
        elif code == "M141" and state.spec.has_chamber_sensor:
            state.chamber.target = min(max(value, 0.0), _MAX_CHAMBER)
        elif code == "M106":
            step = round(min(max(value, 0.0), 255.0) / 255.0 * 15)
            fan = int(params.get("P", 1))
            if fan == 1:
                state.fans.part = step
            elif fan == 2:
                state.fans.aux = step
            elif fan == 3:
                state.fans.chamber = step
