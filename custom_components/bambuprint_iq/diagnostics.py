"""Diagnostics download: enough to debug a printer, nothing that unlocks it or locates it."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .const import CONF_ACCESS_CODE, CONF_FINGERPRINT, CONF_SERIAL
from .coordinator import BambuConfigEntry

TO_REDACT = {
    CONF_ACCESS_CODE,
    CONF_HOST,
    CONF_SERIAL,
    CONF_FINGERPRINT,
    "serial",
    "ip_address",
    "tag_uid",
    "tray_uuid",
    "rtsp_url",
    "title",
    "unique_id",
    "access_token",
    "cloud_credentials",
    "cloud_account",
    "account",
    "email",
    "api_key",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: BambuConfigEntry
) -> dict[str, Any]:
    """Entry settings, parsed state, capabilities and the write counters."""
    coordinator = entry.runtime_data.coordinator
    capabilities = coordinator.capabilities
    state = None
    if coordinator.data is not None:
        # Round-trip through JSON: tuples become lists, which the redaction walks into.
        state = json.loads(json.dumps(dataclasses.asdict(coordinator.data), default=str))
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            "model": coordinator.model.value if coordinator.model else None,
            "method": coordinator.method.value,
            "connected": coordinator.last_update_success,
            "capabilities": {
                "available": sorted(str(c) for c in capabilities.available),
                "missing": {str(c): reason for c, reason in capabilities.missing.items()},
            },
            "statistics": coordinator.write_stats.as_dict(),
            "state": state,
        },
        TO_REDACT,
    )
