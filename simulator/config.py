"""Configuration of simulated printers and the facts clients need to reach them.

`SimulatedPrinter` is what a test or the CLI asks for (model, optional serial/code/ports,
seed, speed); `resolve_setups` turns a list of them into fully determined `PrinterSetup`s
with deterministic serials and access codes; `PrinterInfo` is what comes back once the
printer is listening.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
import socket
from typing import Any

from simulator.identity import (
    derive_access_code,
    derive_serial,
    validate_access_code,
    validate_serial,
)
from simulator.models import get_model
from simulator.state import PrinterSetup

JsonDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SimulatedPrinter:
    """Configuration of one simulated printer; 0 ports mean "pick a free port"."""

    model: str
    serial: str | None = None
    access_code: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    mqtt_port: int = 0
    camera_port: int = 0
    secured: bool = False
    ams_units: int = 1
    ams_ht_units: int = 0
    seed: int = 0
    speed: float = 1.0
    demo: bool = False
    rtsp_port: int = 0  # X1/H2/P2S RTSPS camera (port 322 on a real printer)

    def __post_init__(self) -> None:
        get_model(self.model)  # fail early on unknown models
        if self.serial is not None:
            validate_serial(self.serial)
        if self.access_code is not None:
            validate_access_code(self.access_code)
        for port in (self.mqtt_port, self.camera_port, self.rtsp_port):
            if not 0 <= port <= 65535:
                raise ValueError("ports must be in 0..65535")


@dataclass(frozen=True, slots=True)
class PrinterInfo:
    """How to reach a running simulated printer."""

    model: str
    product_name: str
    serial: str
    access_code: str = field(repr=False)
    host: str
    mqtt_port: int
    camera_port: int | None  # None for models without the port-6000 JPEG camera
    fingerprint: str  # SHA-256 of the leaf certificate (DER), lower-case hex
    secured: bool
    rtsp_port: int | None = None  # None for models without the RTSPS camera

    def as_dict(self) -> JsonDict:
        """Everything, access code included (the CLI prints this for the demo)."""
        return {
            "model": self.model,
            "product_name": self.product_name,
            "serial": self.serial,
            "access_code": self.access_code,
            "host": self.host,
            "mqtt_port": self.mqtt_port,
            "camera_port": self.camera_port,
            "fingerprint": self.fingerprint,
            "secured": self.secured,
            "rtsp_port": self.rtsp_port,
        }


def free_port(host: str) -> int:
    """Ask the OS for an unused TCP port on `host`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def resolve_setups(printers: Sequence[SimulatedPrinter]) -> list[PrinterSetup]:
    """Fill in serials and access codes; serials are per model and per seed deterministic."""
    seen: dict[tuple[str, int], int] = {}
    setups: list[PrinterSetup] = []
    for config in printers:
        spec = get_model(config.model)
        ordinal = seen.get((spec.key, config.seed), 0)
        seen[(spec.key, config.seed)] = ordinal + 1
        serial = config.serial or derive_serial(spec, config.seed, ordinal)
        setups.append(
            PrinterSetup(
                spec=spec,
                serial=serial,
                access_code=config.access_code or derive_access_code(serial, config.seed),
                host=config.host,
                seed=config.seed,
                speed=config.speed,
                secured=config.secured,
                ams_units=config.ams_units,
                ams_ht_units=config.ams_ht_units,
                demo=config.demo,
            )
        )
    if len({setup.serial for setup in setups}) != len(setups):
        raise ValueError("two printers share a serial")
    return setups
