"""Simulated Bambu Lab printers on loopback, for tests and live demos (never shipped).

Each printer runs a real MQTT broker on TLS (CN = serial, no SAN) that speaks the printer
protocol, plus the port-6000 JPEG camera on P1/A1 models. Runs are deterministic per seed.

    with SimulatorThread([SimulatedPrinter("P1S", seed=1)]) as sim:
        printer = sim.printers[0]   # serial, access_code, host, mqtt_port, fingerprint, ...
"""

from simulator.camera import CameraFault, CameraStats
from simulator.config import PrinterInfo, SimulatedPrinter
from simulator.fleet import SimulatorFleet
from simulator.job import GcodeState, JobSpec
from simulator.models import MODELS, get_model
from simulator.runtime import ReceivedRequest
from simulator.sim_thread import SimulatorThread

__all__ = [
    "MODELS",
    "CameraFault",
    "CameraStats",
    "GcodeState",
    "JobSpec",
    "PrinterInfo",
    "ReceivedRequest",
    "SimulatedPrinter",
    "SimulatorFleet",
    "SimulatorThread",
    "get_model",
]
