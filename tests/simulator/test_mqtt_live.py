"""The simulator over real TLS MQTT, driven by paho like the integration drives a printer."""

from __future__ import annotations

from collections.abc import Iterator
import time

import pytest

from simulator import GcodeState, JobSpec, SimulatedPrinter, SimulatorThread

from .helpers import (
    Endpoint,
    PrinterClient,
    describe_certificate,
    push_status,
    raw_connack,
    reply_to,
)

pytestmark = pytest.mark.usefixtures("socket_enabled")


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    printers = [
        SimulatedPrinter("P1S", seed=1, speed=30, ams_units=1),
        SimulatedPrinter("X1C", seed=1, speed=30, secured=True),
    ]
    with SimulatorThread(printers) as running:
        yield running


@pytest.fixture
def clients() -> Iterator[list[PrinterClient]]:
    made: list[PrinterClient] = []
    yield made
    for client in made:
        client.close()


def _client(
    clients: list[PrinterClient], sim: SimulatorThread, index: int, **kw: str
) -> PrinterClient:
    client = PrinterClient(sim.printers[index], **kw)
    clients.append(client)
    return client


def test_wrong_access_code_gets_connack_5(
    sim: SimulatorThread, clients: list[PrinterClient]
) -> None:
    info = sim.printers[0]
    assert raw_connack(info, "bblp", "00000000") == bytes([0x20, 0x02, 0x00, 0x05])
    assert raw_connack(info, "admin", info.access_code) == bytes([0x20, 0x02, 0x00, 0x05])
    assert raw_connack(info, "bblp", info.access_code) == bytes([0x20, 0x02, 0x00, 0x00])
    # paho reports the MQTT 3.1.1 code 5 as reason code 135 "Not authorized".
    assert _client(clients, sim, 0, password="wrong!!!").connect() == 135


def test_certificate_has_serial_cn_no_san_and_pinned_fingerprint(
    sim: SimulatorThread, clients: list[PrinterClient]
) -> None:
    for index, info in enumerate(sim.printers):
        client = _client(clients, sim, index)
        assert client.connect() == 0
        common_name, fingerprint, has_san = describe_certificate(client.peer_certificate())
        assert common_name == info.serial
        assert fingerprint == info.fingerprint
        assert not has_san


def test_pushall_get_version_and_p1s_deltas(
    sim: SimulatorThread, clients: list[PrinterClient]
) -> None:
    info = sim.printers[0]
    client = _client(clients, sim, 0)
    assert client.connect() == 0
    client.request(
        {"pushing": {"sequence_id": "0", "command": "pushall", "version": 1, "push_target": 1}}
    )
    full = client.wait_for(push_status(0))["print"]
    assert full["gcode_state"] == "IDLE"
    assert {"ams", "lights_report", "hms", "wifi_signal", "nozzle_temper"} <= set(full)

    client.request({"info": {"sequence_id": "20001", "command": "get_version"}})
    version = client.wait_for(reply_to("info", "get_version"))["info"]
    assert version["sequence_id"] == "20001"
    assert version["result"] == "success"
    assert version["module"][0]["product_name"] == "Bambu Lab P1S"
    assert version["module"][0]["sn"] == info.serial
    assert "ams/0" in {module["name"] for module in version["module"]}

    sim.start_print(info.serial, JobSpec(name="Live_Delta", duration_minutes=30))
    delta = client.wait_for(push_status(1))["print"]
    assert "upgrade_state" not in delta
    assert len(delta) < 20
    request = sim.wait_for_request(info.serial, command="get_version")
    assert request.payload == {"info": {"sequence_id": "20001", "command": "get_version"}}


def test_pause_resume_stop_over_mqtt(sim: SimulatorThread, clients: list[PrinterClient]) -> None:
    info = sim.printers[0]
    client = _client(clients, sim, 0)
    assert client.connect() == 0
    assert sim.start_print(info.serial, JobSpec(name="Remote", duration_minutes=60))
    for command, state in (("pause", "PAUSE"), ("resume", "PREPARE"), ("stop", "FAILED")):
        client.request({"print": {"sequence_id": f"2{command}", "command": command, "param": ""}})
        ack = client.wait_for(reply_to("print", command))["print"]
        assert (ack["result"], ack["sequence_id"]) == ("success", f"2{command}")
        report = client.wait_for(push_status())["print"]
        assert report["gcode_state"] == state
    client.request({"print": {"sequence_id": "9", "command": "print_speed", "param": "3"}})
    assert client.wait_for(reply_to("print", "print_speed"))["print"]["result"] == "success"
    assert sim.snapshot(info.serial)["spd_lvl"] == 3


def test_secured_printer_refuses_print_but_accepts_light(
    sim: SimulatorThread, clients: list[PrinterClient]
) -> None:
    info = sim.printers[1]
    client = _client(clients, sim, 1)
    assert client.connect() == 0
    client.request({"pushing": {"sequence_id": "0", "command": "pushall"}})
    full = client.wait_for(push_status(0))["print"]
    assert int(full["fun"], 16) & 0x20000000
    client.request({"print": {"sequence_id": "31", "command": "print_speed", "param": "4"}})
    refused = client.wait_for(reply_to("print", "print_speed"))["print"]
    assert refused["result"] == "failed"
    assert refused["reason"] == "mqtt message verify failed"
    assert refused["err_code"] == 84033543
    assert sim.snapshot(info.serial)["spd_lvl"] == 2
    client.request(
        {
            "system": {
                "sequence_id": "32",
                "command": "ledctrl",
                "led_node": "chamber_light",
                "led_mode": "off",
                "led_on_time": 500,
                "led_off_time": 500,
                "loop_times": 0,
                "interval_time": 0,
            }
        }
    )
    assert client.wait_for(reply_to("system", "ledctrl"))["system"]["result"] == "success"
    report = client.wait_for(push_status())["print"]
    assert {"node": "chamber_light", "mode": "off"} in report["lights_report"]


def test_broker_stop_and_restart_on_same_port(
    sim: SimulatorThread, clients: list[PrinterClient]
) -> None:
    info = sim.printers[0]
    client = _client(clients, sim, 0)
    assert client.connect() == 0
    sim.stop_broker(info.serial)
    assert client.disconnected.wait(5)
    with pytest.raises(ConnectionRefusedError):
        raw_connack(info, "bblp", info.access_code)
    sim.start_broker(info.serial)
    assert sim.info(info.serial).mqtt_port == info.mqtt_port
    assert client.connect_results.get(timeout=10) == 0  # paho reconnects by itself
    client.drain()
    client.request({"pushing": {"sequence_id": "0", "command": "pushall"}})
    assert client.wait_for(push_status(0))["print"]["command"] == "push_status"


def test_cloud_style_credentials_can_be_added(
    sim: SimulatorThread, clients: list[PrinterClient]
) -> None:
    info = sim.printers[0]
    assert _client(clients, sim, 0, username="u_1234", password="token-abc").connect() == 135
    sim.add_credentials(info.serial, "u_1234", "token-abc")
    assert _client(clients, sim, 0, username="u_1234", password="token-abc").connect() == 0


def test_fast_print_reaches_finish_over_mqtt() -> None:
    with SimulatorThread([SimulatedPrinter("A1MINI", seed=3, speed=3000)]) as fast:
        info = fast.printers[0]
        client = PrinterClient(info)
        try:
            assert client.connect() == 0
            job = JobSpec(name="Quick", duration_minutes=60, total_layers=80)
            fast.start_print(info.serial, job)
            deadline = time.monotonic() + 10
            states: list[str] = []
            while time.monotonic() < deadline and GcodeState.FINISH not in states:
                body = client.wait_for(push_status())["print"]
                if "gcode_state" in body and (not states or states[-1] != body["gcode_state"]):
                    states.append(body["gcode_state"])
        finally:
            client.close()
        assert states[-1] == "FINISH"
        assert "RUNNING" in states
        assert fast.snapshot(info.serial)["mc_percent"] == 100


def test_three_printers_start_fast_and_stop_cleanly() -> None:
    printers = [SimulatedPrinter(model, seed=5) for model in ("X1C", "P1S", "A1MINI")]
    began = time.monotonic()
    with SimulatorThread(printers) as trio:
        started = time.monotonic() - began
        assert len({info.mqtt_port for info in trio.printers}) == 3
        ports = [(info.mqtt_port, info.camera_port) for info in trio.printers]
    assert started < 2.0  # typically a few tens of milliseconds; generous for loaded CI
    for mqtt_port, _camera in ports:
        with pytest.raises(ConnectionRefusedError):
            raw_connack(Endpoint("127.0.0.1", mqtt_port, "00M00A000000000"), "bblp", "x")
