"""Behaviour of the printer model without any network: payload shapes, deltas, lifecycle."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from simulator.hms import FAILURE_ERRORS, HmsCode
from simulator.job import GcodeState, JobSpec
from simulator.models import Family
from simulator.payload_ops import merge_status
from simulator.printer import PrinterSim
from simulator.status import DOOR_BIT, SECURED_BIT

from .helpers import make_sim

JsonDict = dict[str, Any]


def _request(section: str, command: str, sequence_id: str = "42", **fields: Any) -> bytes:
    return json.dumps(
        {section: {"sequence_id": sequence_id, "command": command, **fields}}
    ).encode()


def _run_until(sim: PrinterSim, state: GcodeState, max_ticks: int = 2000) -> list[JsonDict]:
    reports: list[JsonDict] = []
    for _ in range(max_ticks):
        reports.extend(sim.tick())
        if sim.state.gcode_state is state:
            return reports
    raise AssertionError(f"never reached {state}, stuck in {sim.state.gcode_state}")


def test_full_push_types_match_the_wire_dialect() -> None:
    sim = make_sim("P1S", ams_units=2, seed=3)
    [report] = sim.handle_request(_request("pushing", "pushall", "0"))
    body = report["print"]
    assert body["command"] == "push_status"
    assert body["msg"] == 0
    assert isinstance(body["sequence_id"], str)
    for key in ("nozzle_temper", "bed_temper", "nozzle_target_temper", "chamber_temper"):
        assert isinstance(body[key], float), key
    for key in ("cooling_fan_speed", "big_fan1_speed", "big_fan2_speed", "heatbreak_fan_speed"):
        assert body[key] in {str(step) for step in range(16)}, key
    assert re.fullmatch(r"-\d{2}dBm", body["wifi_signal"])
    assert isinstance(body["home_flag"], int)
    int(body["fun"], 16)
    ams = body["ams"]
    assert [unit["id"] for unit in ams["ams"]] == ["0", "1"]
    assert ams["ams_exist_bits"] == "3"
    for unit in ams["ams"]:
        assert unit["humidity"] in {"1", "2", "3", "4", "5"}
        assert unit["humidity_raw"].isdigit()
        assert isinstance(unit["temp"], str)
        for tray in unit["tray"]:
            assert isinstance(tray["id"], str)
            if "tray_type" in tray:
                assert tray["nozzle_temp_min"].isdigit()
                assert isinstance(tray["remain"], int)
                assert re.fullmatch(r"[0-9A-F]{8}", tray["tray_color"])
    assert ams["tray_now"] == "255"
    assert body["lights_report"] == [{"node": "chamber_light", "mode": "off"}]
    assert "rtsp_url" not in body["ipcam"]


def test_x1c_reports_newer_keys_rtsp_and_door() -> None:
    sim = make_sim("X1C", ams_units=1, ams_ht_units=1, host="127.0.0.1")
    body = sim.full_report()["print"]
    assert body["ipcam"]["rtsp_url"] == "rtsps://127.0.0.1/streaming/live/1"
    assert body["stg_cur"] == -1
    assert body["ams"]["ams_exist_bits"] == "11"  # AMS 0 (bit 0) and AMS HT 128 (bit 4)
    assert [unit["info"] for unit in body["ams"]["ams"]] == ["1001", "2004"]
    assert {"3D", "stat", "ver", "t_utc"} <= set(body)
    assert body["home_flag"] & DOOR_BIT == 0
    sim.state.door_open = True
    opened = sim.full_report()["print"]
    assert opened["home_flag"] & DOOR_BIT
    assert int(opened["stat"], 16) & DOOR_BIT


def test_p1s_deltas_carry_only_changed_keys_and_rebuild_the_state() -> None:
    sim = make_sim("P1S", ams_units=1, seed=5, speed=60)
    client_view = sim.full_report()["print"]
    sim.start_print(JobSpec(name="Delta_Check", duration_minutes=20))
    deltas = 0
    for _ in range(150):
        for report in sim.tick():
            body = dict(report["print"])
            if body.pop("msg") == 0:
                client_view = body
                continue
            deltas += 1
            for envelope_key in ("command", "sequence_id"):
                body.pop(envelope_key)
            assert body, "a delta is only sent when something changed"
            for key, value in body.items():
                changed = merge_status(client_view, {key: value})[key]
                assert changed != client_view.get(key), f"{key} sent but unchanged"
            client_view = merge_status(client_view, body)
        expected = {k: v for k, v in sim.snapshot().items()}
        assert {k: client_view[k] for k in expected} == expected
    assert deltas > 50


def test_ams_tray_deltas_name_the_tray_by_id_only_with_changed_fields() -> None:
    sim = make_sim("P1S", ams_units=1, seed=2)
    sim.full_report()
    trays = sim.state.units[0].trays
    loaded = [slot for slot, tray in enumerate(trays) if tray is not None]
    assert len(loaded) >= 2
    emptied, drained = loaded[0], loaded[1]
    trays[emptied] = None
    sim.state.units[0].humidity_raw = 70.0
    delta = sim.change_report()
    assert delta is not None
    body = delta["print"]
    assert body["msg"] == 1
    [unit] = body["ams"]["ams"]
    assert unit["id"] == "0"
    assert unit["humidity"] == "2"
    assert unit["humidity_raw"] == "70"
    assert "temp" not in unit
    assert unit["tray"] == [{"id": str(emptied)}]  # only the emptied slot, as a bare id
    tray = trays[drained]
    assert tray is not None
    tray.remain = 3.0
    delta = sim.change_report()
    assert delta is not None
    expected = [{"id": "0", "tray": [{"id": str(drained), "remain": 3}]}]
    assert delta["print"]["ams"]["ams"] == expected


def test_x1_family_sends_full_objects_on_change() -> None:
    sim = make_sim("X1C")
    sim.full_report()
    sim.state.lights["chamber_light"] = "off"
    report = sim.change_report()
    assert report is not None
    assert report["print"]["msg"] == 0
    assert "upgrade_state" in report["print"]


def test_same_seed_same_payloads_and_different_seed_differs() -> None:
    def run(seed: int) -> list[str]:
        sim = make_sim("A1", ams_units=1, seed=seed, speed=120, demo=True)
        out: list[str] = []
        for tick in range(120):
            if tick == 10:
                out += [json.dumps(r) for r in sim.handle_request(_request("pushing", "pushall"))]
            if tick == 40:
                out += [
                    json.dumps(r)
                    for r in sim.handle_request(_request("print", "print_speed", param="3"))
                ]
            out += [json.dumps(report, sort_keys=True) for report in sim.tick()]
        return out

    first, second, other = run(7), run(7), run(8)
    assert first == second
    assert first != other
    assert make_sim("A1", seed=7).setup.serial == make_sim("A1", seed=7).setup.serial
    assert make_sim("A1", seed=7).setup.serial != make_sim("A1", seed=8).setup.serial


def test_print_lifecycle_reaches_finish_through_prepare_and_running() -> None:
    sim = make_sim("P1S", speed=600, seed=1)
    assert sim.start_print(JobSpec(name="Cube", duration_minutes=45, total_layers=150))
    assert not sim.start_print(JobSpec(name="Second"))  # busy
    seen_states: list[str] = []
    client: JsonDict = sim.full_report()["print"]
    percents: list[int] = []
    for _ in range(200):
        for report in sim.tick():
            client = merge_status(client, report["print"])
        if not seen_states or seen_states[-1] != client["gcode_state"]:
            seen_states.append(client["gcode_state"])
        percents.append(client["mc_percent"])
        if client["gcode_state"] == "FINISH":
            break
    assert seen_states == ["PREPARE", "RUNNING", "FINISH"]
    assert percents == sorted(percents)
    assert client["mc_percent"] == 100
    assert client["mc_remaining_time"] == 0
    assert client["layer_num"] == client["total_layer_num"] == 150
    assert client["mc_print_stage"] == "1"
    assert client["subtask_name"] == "Cube"
    assert client["nozzle_target_temper"] == 0.0


def test_heating_is_gradual_during_prepare() -> None:
    sim = make_sim("A1MINI", speed=1, seed=4)
    sim.start_print(JobSpec(name="Warm"))
    temps = []
    for _ in range(20):
        sim.tick()
        temps.append(sim.state.bed.current)
    assert temps[0] < temps[-1] < 60
    assert all(later >= earlier - 1 for earlier, later in itertools.pairwise(temps))


def test_failure_at_seeded_point_sets_print_error() -> None:
    sim = make_sim("A1", speed=600)
    sim.start_print(JobSpec(name="Doomed", duration_minutes=60, fail_at=0.5))
    _run_until(sim, GcodeState.FAILED)
    status = sim.snapshot()
    assert status["print_error"] in FAILURE_ERRORS[Family.A1]
    assert 48 <= status["mc_percent"] <= 50


def test_seeded_failures_happen_sometimes_and_repeat_per_seed() -> None:
    def outcome(seed: int) -> GcodeState:
        sim = make_sim("P1P", speed=3000, seed=seed)
        sim.start_print(JobSpec(name="Maybe", duration_minutes=30), seeded_failure=True)
        for _ in range(500):
            sim.tick()
            if sim.is_idle:
                return sim.state.gcode_state
        raise AssertionError("job never ended")

    outcomes = [outcome(seed) for seed in range(30)]
    assert GcodeState.FAILED in outcomes
    assert GcodeState.FINISH in outcomes
    assert [outcome(seed) for seed in range(5)] == outcomes[:5]


def test_demo_mode_loops_jobs_and_hms_come_and_go() -> None:
    sim = make_sim("X1C", speed=3000, demo=True, seed=11)
    jobs_seen: set[str] = set()
    hms_seen: set[tuple[int, int]] = set()
    cleared_after_seen = False
    for _ in range(3000):
        sim.tick()
        status = sim.snapshot()
        if status["subtask_name"]:
            jobs_seen.add(status["task_id"])
        entries = {(e["attr"], e["code"]) for e in status["hms"]}
        if hms_seen and not entries:
            cleared_after_seen = True
        hms_seen |= entries
        if len(jobs_seen) >= 3 and cleared_after_seen:
            break
    assert len(jobs_seen) >= 3
    assert hms_seen
    assert cleared_after_seen
    for attr, code in hms_seen:
        assert HmsCode(attr, code).severity in (1, 2, 3, 4)


def test_pause_resume_stop_and_replies_echo_sequence_id() -> None:
    sim = make_sim("P1S", speed=600)
    [fail] = sim.handle_request(_request("print", "pause", "1"))
    assert fail["print"]["result"] == "fail"
    sim.start_print(JobSpec(name="Controlled"))
    _run_until(sim, GcodeState.RUNNING)
    replies = sim.handle_request(_request("print", "pause", "20001", param=""))
    assert replies[0]["print"]["result"] == "success"
    assert replies[0]["print"]["sequence_id"] == "20001"
    assert replies[1]["print"]["gcode_state"] == "PAUSE"
    job = sim.state.job
    assert job is not None
    progress = job.printed_seconds
    sim.tick()
    assert job.printed_seconds == progress
    resumed = sim.handle_request(_request("print", "resume", "20002"))
    assert resumed[0]["print"]["result"] == "success"
    assert sim.state.gcode_state is GcodeState.RUNNING
    stopped = sim.handle_request(_request("print", "stop", "20003"))
    assert stopped[0]["print"]["result"] == "success"
    assert sim.snapshot()["gcode_state"] == "FAILED"
    assert sim.snapshot()["print_error"] == 0x0300400C


def test_print_speed_ledctrl_gcode_and_get_version() -> None:
    sim = make_sim("X1C", ams_units=2)
    [ack, _report] = sim.handle_request(_request("print", "print_speed", param="4"))
    assert ack["print"]["result"] == "success"
    assert (sim.snapshot()["spd_lvl"], sim.snapshot()["spd_mag"]) == (4, 166)
    [bad] = sim.handle_request(_request("print", "print_speed", param="9"))
    assert bad["print"]["result"] == "fail"

    light = _request(
        "system",
        "ledctrl",
        led_node="chamber_light",
        led_mode="off",
        led_on_time=500,
        led_off_time=500,
        loop_times=0,
        interval_time=0,
    )
    reply = sim.handle_request(light)[0]["system"]
    assert (reply["result"], reply["led_node"], reply["sequence_id"]) == (
        "success",
        "chamber_light",
        "42",
    )
    assert {"node": "chamber_light", "mode": "off"} in sim.snapshot()["lights_report"]

    gcode = sim.handle_request(_request("print", "gcode_line", param="M140 S60\nM104 S215\n"))
    assert gcode[0]["print"]["result"].lower() == "success"
    assert sim.snapshot()["bed_target_temper"] == 60.0
    assert sim.snapshot()["nozzle_target_temper"] == 215.0

    [version] = sim.handle_request(_request("info", "get_version", "77"))
    info = version["info"]
    assert (info["sequence_id"], info["result"]) == ("77", "success")
    names = [module["name"] for module in info["module"]]
    assert names[0] == "ota"
    assert info["module"][0]["product_name"] == "Bambu Lab X1-Carbon"
    assert {"ams/0", "ams/1", "mc", "th", "ap"} <= set(names)


def test_secured_printer_refuses_unsigned_print_commands_only() -> None:
    sim = make_sim("P1S", secured=True, speed=600)
    assert int(sim.snapshot()["fun"], 16) & SECURED_BIT
    sim.start_print(JobSpec(name="Locked"))
    _run_until(sim, GcodeState.RUNNING)
    [refused] = sim.handle_request(_request("print", "pause", "5"))
    assert refused == {
        "print": {
            "command": "pause",
            "sequence_id": "5",
            "result": "failed",
            "reason": "mqtt message verify failed",
            "err_code": 84033543,
        }
    }
    assert sim.state.gcode_state is GcodeState.RUNNING
    signed = json.loads(_request("print", "pause", "6"))
    signed["header"] = {"sign_ver": "v1.0", "sign_alg": "RSA_SHA256", "sign_string": "x"}
    assert sim.handle_request(json.dumps(signed))[0]["print"]["result"] == "success"
    light = _request("system", "ledctrl", led_node="chamber_light", led_mode="on")
    assert sim.handle_request(light)[0]["system"]["result"] == "success"
    assert sim.handle_request(_request("pushing", "pushall"))[0]["print"]["msg"] == 0
    assert int(make_sim("P1S").snapshot()["fun"], 16) & SECURED_BIT == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'{"print": "pause"}',
        b'{"print": {"command": 5}}',
        b'{"print": {"command": "pause", "sequence_id": [1]}}',
        b'{"system": {"command": "ledctrl", "led_node": 3, "led_mode": "on"}}',
        b'{"unknown": {"command": "x"}}',
        b'{"print": {"command": "print_speed", "param": 2}}',
    ],
)
def test_malformed_requests_never_crash_or_change_state(raw: bytes) -> None:
    sim = make_sim("P1S")
    before = sim.snapshot()
    replies = sim.handle_request(raw)
    assert all(next(iter(r.values())).get("result") in (None, "fail") for r in replies)
    assert sim.snapshot() == before


def test_injected_hms_and_overrides_show_in_reports() -> None:
    sim = make_sim("A1")
    sim.inject_hms(0x12002200, 0x00030002)
    entry = sim.snapshot()["hms"][0]
    assert (entry["attr"], entry["code"]) == (301998592, 196610)
    assert HmsCode(entry["attr"], entry["code"]).text_key == "1200220000030002"
    sim.state.overrides.update({"ams": {"ams": [{"id": "0", "humidity": "1"}]}, "print_error": 7})
    status = sim.snapshot()
    assert status["ams"]["ams"][0]["humidity"] == "1"
    assert status["print_error"] == 7
    sim.clear_hms()
    assert sim.snapshot()["hms"] == []


def test_humidity_drifts_slowly() -> None:
    sim = make_sim("P1S", ams_units=4, speed=600, seed=9)
    start = [unit["humidity_raw"] for unit in sim.snapshot()["ams"]["ams"]]
    for _ in range(100):
        sim.tick()
    end = [unit["humidity_raw"] for unit in sim.snapshot()["ams"]["ams"]]
    assert start != end
    assert all(abs(int(a) - int(b)) <= 40 for a, b in zip(start, end, strict=True))


_JSON: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
_SECTION_BODY: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "command": st.sampled_from(
            [
                "pause",
                "resume",
                "stop",
                "print_speed",
                "gcode_line",
                "ledctrl",
                "get_version",
                "pushall",
                "project_file",
                "start",
                "stop",
            ]
        )
    },
    optional={
        "sequence_id": _JSON,
        "param": _JSON,
        "led_node": _JSON,
        "led_mode": _JSON,
        "subtask_name": _JSON,
        "file": _JSON,
    },
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    section=st.sampled_from(["print", "system", "info", "pushing", "camera"]),
    body=_SECTION_BODY,
    extra=_JSON,
)
def test_any_request_shape_is_handled_without_raising(
    section: str, body: JsonDict, extra: Any
) -> None:
    sim = make_sim("X1C")
    for document in ({section: body}, {section: body, "header": extra}, extra):
        replies = sim.handle_request(json.dumps(document))
        json.dumps(replies)  # every reply is serialisable
    sim.tick()
