"""Run the demo: simulated printers plus a real Home Assistant configured through the UI flow.

Everything lives under ``.demo/`` in the checkout: the simulator's certificates (so the pinned
fingerprints stay valid across restarts) and Home Assistant's configuration directory. The
printers are added exactly as a user would add them, through the integration's config flow,
driven over Home Assistant's REST API.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
from pathlib import Path
import shutil
import signal
import subprocess
import sys
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = ROOT / ".demo"
CONFIG_DIR = DEMO_DIR / "config"
CERT_DIR = DEMO_DIR / "certs"
USERNAME = "demo"
PASSWORD = "bambuprint"
# Each printer and the way it is added: Developer Mode for control, LAN telemetry for the A1 mini.
PRINTERS = "X1C,P1S:ams=1,A1MINI:ams=1"
METHODS = {"X1C": "developer", "P1S": "developer", "A1MINI": "local", "A1_MINI": "local"}
CONFIGURATION_YAML = """\
homeassistant:
  name: BambuPrint IQ demo
  unit_system: metric
  time_zone: UTC
  currency: EUR
  country: DE
  language: en
http:
  server_port: {port}
frontend:
config:
history:
logbook:
logger:
  default: warning
  logs:
    custom_components.bambuprint_iq: info
"""


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("DEMO_PORT", "8123")))
    parser.add_argument("--speed", type=float, default=5.0, help="simulated time speed-up")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--fresh", action="store_true", help="start from an empty HA config")
    return parser.parse_args()


def _prepare_config(port: int, fresh: bool) -> None:
    if fresh and CONFIG_DIR.exists():
        shutil.rmtree(CONFIG_DIR)
    CONFIG_DIR.mkdir(parents=True, exist_ok=True)
    (CONFIG_DIR / "configuration.yaml").write_text(CONFIGURATION_YAML.format(port=port))
    links = CONFIG_DIR / "custom_components"
    links.mkdir(exist_ok=True)
    target = links / "bambuprint_iq"
    if not target.exists():
        target.symlink_to(ROOT / "custom_components" / "bambuprint_iq")


async def _start_simulator(
    speed: float, seed: int
) -> tuple[subprocess.Popen[str], list[dict[str, Any]]]:
    CERT_DIR.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "simulator", "--printers", PRINTERS, "--host", "127.0.0.1",
        "--base-port", "18883", "--seed", str(seed), "--speed", str(speed), "--demo",
        "--cert-dir", str(CERT_DIR),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    printers: list[dict[str, Any]] = []
    while len(printers) < len(PRINTERS.split(",")):
        line = await asyncio.to_thread(process.stdout.readline)
        if not line:
            raise SystemExit("The simulator stopped before announcing its printers.")
        with contextlib.suppress(json.JSONDecodeError):
            printers.append(json.loads(line))
    return process, printers


async def _wait_for_http(
    session: aiohttp.ClientSession, base: str, hass: subprocess.Popen[bytes]
) -> None:
    for _ in range(600):
        if hass.poll() is not None:
            raise SystemExit(
                f"Home Assistant exited (code {hass.returncode}); see {DEMO_DIR}/hass.log"
            )
        with contextlib.suppress(aiohttp.ClientError):
            async with session.get(f"{base}/api/onboarding") as response:
                if response.status in (200, 401, 404):
                    return
        await asyncio.sleep(0.5)
    raise SystemExit("Home Assistant did not start within 5 minutes.")


async def _token_from_code(session: aiohttp.ClientSession, base: str, code: str) -> str:
    form = {"grant_type": "authorization_code", "code": code, "client_id": f"{base}/"}
    async with session.post(f"{base}/auth/token", data=form) as response:
        response.raise_for_status()
        return str((await response.json())["access_token"])


async def _login(session: aiohttp.ClientSession, base: str) -> str:
    """Onboard a fresh instance, or log in to an existing one; returns an access token."""
    client_id = f"{base}/"
    async with session.get(f"{base}/api/onboarding") as response:
        steps = await response.json() if response.status == 200 else []
    if any(step["step"] == "user" and not step["done"] for step in steps):
        body = {"client_id": client_id, "name": "Demo", "username": USERNAME,
                "password": PASSWORD, "language": "en"}  # fmt: skip
        async with session.post(f"{base}/api/onboarding/users", json=body) as response:
            response.raise_for_status()
            token = await _token_from_code(session, base, (await response.json())["auth_code"])
        headers = {"Authorization": f"Bearer {token}"}
        for step, payload in (
            ("core_config", {}),
            ("analytics", {}),
            ("integration", {"client_id": client_id, "redirect_uri": f"{base}/?auth_callback=1"}),
        ):
            async with session.post(f"{base}/api/onboarding/{step}", json=payload, headers=headers):
                pass
        return token
    flow_body = {"client_id": client_id, "handler": ["homeassistant", None],
                 "redirect_uri": f"{base}/?auth_callback=1"}  # fmt: skip
    async with session.post(f"{base}/auth/login_flow", json=flow_body) as response:
        flow_id = (await response.json())["flow_id"]
    creds = {"username": USERNAME, "password": PASSWORD, "client_id": client_id}
    async with session.post(f"{base}/auth/login_flow/{flow_id}", json=creds) as response:
        result = await response.json()
    return await _token_from_code(session, base, result["result"])


async def _add_printer(
    session: aiohttp.ClientSession, base: str, headers: dict[str, str], printer: dict[str, Any]
) -> str:
    """Walk the integration's own config flow, step by step, like the UI does."""
    flows = f"{base}/api/config/config_entries/flow"
    async with session.post(flows, json={"handler": "bambuprint_iq"}, headers=headers) as r:
        flow = await r.json()
    method = METHODS.get(str(printer["model"]).upper().replace(" ", ""), "developer")
    steps: list[dict[str, Any]] = [
        {"next_step_id": method},
        {
            "host": printer["host"],
            "serial": printer["serial"],
            "access_code": printer["access_code"],
            "advanced": {
                "mqtt_port": printer["mqtt_port"],
                "camera_port": printer.get("camera_port") or 6000,
                "skip_tls_verify": False,
            },
        },
    ]
    for body in steps:
        async with session.post(f"{flows}/{flow['flow_id']}", json=body, headers=headers) as r:
            flow = await r.json()
    while flow.get("type") == "form" and flow.get("step_id") in ("certificate", "signed_commands"):
        async with session.post(f"{flows}/{flow['flow_id']}", json={}, headers=headers) as r:
            flow = await r.json()
    if flow.get("type") != "create_entry":
        return f"{printer['serial']}: not added ({flow.get('reason') or flow.get('errors')})"
    return f"{flow['title']} ({method})"


async def _configure(
    base: str, printers: list[dict[str, Any]], hass: subprocess.Popen[bytes]
) -> list[str]:
    async with aiohttp.ClientSession() as session:
        await _wait_for_http(session, base, hass)
        token = await _login(session, base)
        headers = {"Authorization": f"Bearer {token}"}
        entries_url = f"{base}/api/config/config_entries/entry?domain=bambuprint_iq"
        async with session.get(entries_url, headers=headers) as response:
            known = {entry["unique_id"] for entry in await response.json()}
        added = []
        for printer in printers:
            if printer["serial"] in known:
                added.append(f"{printer['serial']} (already configured)")
            else:
                added.append(await _add_printer(session, base, headers, printer))
        return added


async def _main() -> None:
    args = _parse_args()
    _prepare_config(args.port, args.fresh)
    simulator, printers = await _start_simulator(args.speed, args.seed)
    log = (DEMO_DIR / "hass.log").open("wb")
    hass = subprocess.Popen(
        [sys.executable, "-m", "homeassistant", "-c", str(CONFIG_DIR)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        base = f"http://127.0.0.1:{args.port}"
        added = await _configure(base, printers, hass)
        print("\nBambuPrint IQ demo is running.")
        print(f"  Open:     http://localhost:{args.port}")
        print(f"  Login:    {USERNAME} / {PASSWORD}")
        for line in added:
            print(f"  Printer:  {line}")
        print(f"  Logs:     {DEMO_DIR / 'hass.log'}\nPress Ctrl-C to stop.", flush=True)
        while not stop.is_set() and hass.poll() is None and simulator.poll() is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=1)
    finally:
        for process in (hass, simulator):
            if process.poll() is None:
                process.terminate()
        for process in (hass, simulator):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
            if process.poll() is None:
                process.kill()
        log.close()


if __name__ == "__main__":
    asyncio.run(_main())
