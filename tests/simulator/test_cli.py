"""`python -m simulator` as a real process: JSON lines out, documented ports, clean SIGTERM."""

from __future__ import annotations

import json
import os
from pathlib import Path
import select
import signal
import subprocess
import sys
from typing import Any

import pytest

from simulator import PrinterInfo
from simulator.cli import PrinterSpecError, parse_printers
from simulator.config import free_port

from .helpers import raw_connack

REPO_ROOT = Path(__file__).resolve().parents[2]


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "simulator", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )


def _read_lines(process: subprocess.Popen[bytes], count: int) -> list[dict[str, Any]]:
    """Read `count` JSON lines straight from the pipe (no buffering that hides data from select)."""
    assert process.stdout is not None
    descriptor = process.stdout.fileno()
    data = b""
    while data.count(b"\n") < count:
        ready, _, _ = select.select([descriptor], [], [], 20)
        assert ready, "simulator printed nothing"
        chunk = os.read(descriptor, 65536)
        assert chunk, "simulator exited early"
        data += chunk
    return [json.loads(line) for line in data.splitlines()[:count]]


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.usefixtures("socket_enabled")
def test_cli_prints_printers_uses_base_ports_and_keeps_certs(tmp_path: Path) -> None:
    base = free_port("127.0.0.1")
    args = [
        "--printers",
        "P1S:ams=2,X1C",
        "--base-port",
        str(base),
        "--seed",
        "3",
        "--secured",
        "X1C",
        "--cert-dir",
        str(tmp_path),
    ]
    process = _start(args)
    try:
        p1s, x1c = _read_lines(process, 2)
        assert (p1s["model"], p1s["mqtt_port"], p1s["camera_port"]) == ("P1S", base, base + 1)
        assert (x1c["model"], x1c["mqtt_port"], x1c["camera_port"]) == ("X1C", base + 10, None)
        assert (p1s["secured"], x1c["secured"]) == (False, True)
        info = PrinterInfo(**{k: v for k, v in p1s.items()})
        assert raw_connack(info, "bblp", info.access_code)[3] == 0
    finally:
        assert _stop(process) == 0
    process = _start(args)
    try:
        again, _ = _read_lines(process, 2)
    finally:
        assert _stop(process) == 0
    assert again["fingerprint"] == p1s["fingerprint"]
    assert again["serial"] == p1s["serial"]
    assert again["access_code"] == p1s["access_code"]


def test_printer_spec_parsing() -> None:
    printers = parse_printers(
        "X1C,P1S:ams=2:secured=1,A1MINI:ams=0:code=abcd1234",
        host="127.0.0.1",
        base_port=20000,
        seed=1,
        speed=2.0,
        secured=set(),
        demo=True,
    )
    assert [p.model for p in printers] == ["X1C", "P1S", "A1MINI"]
    assert [p.mqtt_port for p in printers] == [20000, 20010, 20020]
    assert [p.camera_port for p in printers] == [20001, 20011, 20021]
    assert [p.secured for p in printers] == [False, True, False]
    assert printers[1].ams_units == 2
    assert printers[2].access_code == "abcd1234"
    assert all(p.demo and p.speed == 2.0 for p in printers)
    for bad in ("P1S:ams", "P1S:colour=red", "P1S:ams=x", ""):
        with pytest.raises(PrinterSpecError):
            parse_printers(
                bad, host="h", base_port=None, seed=0, speed=1, secured=set(), demo=False
            )
