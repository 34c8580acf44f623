"""Command line: run simulated printers until Ctrl-C / SIGTERM.

    python -m simulator --printers X1C,P1S:ams=1,A1MINI:ams=1 --base-port 18883 --demo

Each printer is `MODEL[:key=value...]` with keys `ams` (AMS units), `ht` (AMS HT units),
`serial`, `code` (access code) and `secured` (0/1). With `--base-port B`, printer i gets
MQTT on B+10*i and its camera (P1/A1 only) on B+10*i+1; without it, free ports are picked.
One JSON line per printer goes to stdout (model, serial, access_code, host, ports,
fingerprint) so scripts can read it; logs go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
import contextlib
import json
import logging
from pathlib import Path
import signal
import sys

from simulator.config import SimulatedPrinter
from simulator.fleet import SimulatorFleet, quiet_connection_errors
from simulator.identity import InvalidIdentityError
from simulator.models import UnknownModelError, get_model

_LOGGER = logging.getLogger("simulator")
PORT_STRIDE = 10


class PrinterSpecError(ValueError):
    """A --printers entry cannot be parsed."""


def _flag(value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise PrinterSpecError(f"not a boolean: {value!r}")


def parse_printers(
    text: str,
    *,
    host: str,
    base_port: int | None,
    seed: int,
    speed: float,
    secured: set[str],
    demo: bool,
) -> list[SimulatedPrinter]:
    """Turn "X1C,P1S:ams=2" into printer configurations."""
    printers: list[SimulatedPrinter] = []
    for index, entry in enumerate(part.strip() for part in text.split(",") if part.strip()):
        model, *options = entry.split(":")
        spec = get_model(model)
        values: dict[str, str] = {}
        for option in options:
            key, sep, value = option.partition("=")
            if not sep or key not in ("ams", "ht", "serial", "code", "secured"):
                raise PrinterSpecError(f"bad option {option!r} in {entry!r}")
            values[key] = value
        try:
            ams = int(values.get("ams", "1" if spec.max_ams_units else "0"))
            ht = int(values.get("ht", "0"))
        except ValueError as err:
            raise PrinterSpecError(f"ams/ht must be integers in {entry!r}") from err
        is_secured = (
            _flag(values["secured"])
            if "secured" in values
            else bool({"ALL", spec.key, values.get("serial", "")} & secured)
        )
        mqtt_port = base_port + PORT_STRIDE * index if base_port is not None else 0
        printers.append(
            SimulatedPrinter(
                model=spec.key,
                serial=values.get("serial"),
                access_code=values.get("code"),
                host=host,
                mqtt_port=mqtt_port,
                camera_port=mqtt_port + 1 if base_port is not None else 0,
                secured=is_secured,
                ams_units=ams,
                ams_ht_units=ht,
                seed=seed,
                speed=speed,
                demo=demo,
            )
        )
    if not printers:
        raise PrinterSpecError("no printers given")
    return printers


def build_parser() -> argparse.ArgumentParser:
    """Argument parser (exposed for tests and --help)."""
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--printers", default="X1C,P1S,A1MINI", help="MODEL[:key=value...],...")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--base-port", type=int, default=None, help="printer i: B+10i (MQTT), B+10i+1 (camera)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated seconds per real second"
    )
    parser.add_argument(
        "--secured", default="", help="comma list of models/serials (or ALL) in secured mode"
    )
    parser.add_argument(
        "--cert-dir", type=Path, default=None, help="keep certificates here across runs"
    )
    parser.add_argument("--demo", action="store_true", help="run print jobs in a loop")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


async def _serve(printers: Sequence[SimulatedPrinter], cert_dir: Path | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(quiet_connection_errors)
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with SimulatorFleet(printers, cert_dir=cert_dir) as fleet:
        for info in fleet.printers:
            sys.stdout.write(json.dumps(info.as_dict()) + "\n")
        sys.stdout.flush()
        _LOGGER.info("%d simulated printer(s) running; Ctrl-C to stop", len(fleet.printers))
        await stop.wait()
    _LOGGER.info("stopped")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("amqtt").setLevel(logging.INFO if args.verbose else logging.WARNING)
    logging.getLogger("transitions").setLevel(logging.WARNING)
    secured = {part.strip().upper() for part in args.secured.split(",") if part.strip()}
    secured = {get_model(s).key if s != "ALL" and len(s) != 15 else s for s in secured}
    try:
        printers = parse_printers(
            args.printers,
            host=args.host,
            base_port=args.base_port,
            seed=args.seed,
            speed=args.speed,
            secured=secured,
            demo=args.demo,
        )
    except (PrinterSpecError, UnknownModelError, InvalidIdentityError, ValueError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    try:
        asyncio.run(_serve(printers, args.cert_dir))
    except OSError as err:
        sys.stderr.write(f"error: {err}\n")
        return 1
    return 0
