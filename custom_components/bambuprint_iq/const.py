"""Constants shared by the Home Assistant side of BambuPrint IQ."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DOMAIN: Final = "bambuprint_iq"

# Config entry data keys
CONF_METHOD: Final = "method"
CONF_SERIAL: Final = "serial"
CONF_ACCESS_CODE: Final = "access_code"
CONF_MQTT_PORT: Final = "mqtt_port"
CONF_CAMERA_PORT: Final = "camera_port"
CONF_FINGERPRINT: Final = "certificate_fingerprint"
CONF_SKIP_TLS_VERIFY: Final = "skip_tls_verify"
CONF_MODEL: Final = "model"

# Options keys
CONF_FULL_REFRESH_MINUTES: Final = "full_refresh_minutes"
CONF_ROOM_SENSORS: Final = "room_sensors"
CONF_NOZZLE_DEVIATION: Final = "nozzle_deviation"
CONF_BED_DEVIATION: Final = "bed_deviation"
CONF_STALL_MINUTES: Final = "stall_minutes"
CONF_RETENTION_DAYS: Final = "history_retention_days"
CONF_TIMELAPSE: Final = "timelapse"
CONF_CAMERA_FPS: Final = "camera_max_fps"
DEFAULT_CAMERA_FPS: Final = 2
CONF_WATCH_ENABLED: Final = "failure_watch_enabled"
CONF_WATCH_INTERVAL_MINUTES: Final = "failure_watch_interval_minutes"
CONF_WATCH_MAX_FRAMES_PER_HOUR: Final = "failure_watch_max_frames_per_hour"
CONF_WATCH_SUSPECT_PERCENT: Final = "failure_watch_suspect_percent"
CONF_WATCH_PAUSE_PERCENT: Final = "failure_watch_pause_percent"
CONF_WATCH_AUTO_PAUSE: Final = "failure_watch_auto_pause"

SIGNAL_PROFILES_CHANGED: Final = f"{DOMAIN}_profiles_changed"

DEFAULT_MQTT_PORT: Final = 8883
DEFAULT_CAMERA_PORT: Final = 6000
DEFAULT_FULL_REFRESH_MINUTES: Final = 60
MIN_FULL_REFRESH_MINUTES: Final = 5  # printers (P1P notably) choke on more frequent full pushes


class ConnectionMethod(StrEnum):
    """How the user connects a printer; decides which features may exist."""

    LOCAL = "local"  # Bambu Connect era LAN: telemetry and camera, no control
    DEVELOPER = "developer"  # Developer Mode LAN: full control where the firmware allows it
    CLOUD = "cloud"  # Bambu Cloud broker with the account token: works away from the LAN
