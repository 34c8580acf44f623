"""All alerts of one printer from each observation, keeping the little memory they need."""

from __future__ import annotations

from ..observation import PrintObservation
from .filament import ams_humidity_alerts, filament_runout_alert
from .hms import hms_severe_alert
from .model import Alert, AlertThresholds
from .stall import StallWatch
from .temperature import HeaterWatch


class PrinterAlertMonitor:
    """Evaluates every alert kind per observation. Call from one task only."""

    def __init__(self, thresholds: AlertThresholds | None = None) -> None:
        self.thresholds = thresholds or AlertThresholds()
        self._nozzle = HeaterWatch("nozzle")
        self._bed = HeaterWatch("bed")
        self._stall = StallWatch()

    def evaluate(self, obs: PrintObservation) -> tuple[Alert, ...]:
        """Current state of every alert (active or not), for binary sensors and events."""
        t = self.thresholds
        self._nozzle, nozzle = self._nozzle.step(
            obs.nozzle_temp_c,
            obs.nozzle_target_c,
            deviation_c=t.nozzle_deviation_c,
            settle_band_c=t.settle_band_c,
        )
        self._bed, bed = self._bed.step(
            obs.bed_temp_c,
            obs.bed_target_c,
            deviation_c=t.bed_deviation_c,
            settle_band_c=t.settle_band_c,
        )
        self._stall, stall = self._stall.step(
            obs.gcode_state, obs.layer, obs.at, stall_after=t.stall_after
        )
        return (
            nozzle,
            bed,
            stall,
            *ams_humidity_alerts(obs.ams_units, t.humidity_alert_letters),
            filament_runout_alert(obs),
            hms_severe_alert(obs.hms),
        )
