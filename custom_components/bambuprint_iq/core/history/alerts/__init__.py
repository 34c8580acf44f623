"""Pure alert evaluators; the integration wraps them in binary sensors and events."""

from .filament import ams_humidity_alerts, filament_runout_alert, is_runout_error, is_runout_hms
from .hms import hms_severe_alert
from .model import Alert, AlertKind, AlertThresholds
from .monitor import PrinterAlertMonitor
from .stall import StallWatch
from .temperature import HeaterWatch

__all__ = [
    "Alert",
    "AlertKind",
    "AlertThresholds",
    "HeaterWatch",
    "PrinterAlertMonitor",
    "StallWatch",
    "ams_humidity_alerts",
    "filament_runout_alert",
    "hms_severe_alert",
    "is_runout_error",
    "is_runout_hms",
]
