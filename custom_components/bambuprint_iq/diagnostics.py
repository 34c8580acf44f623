"""Diagnostics download: enough to debug a printer, nothing that unlocks it or locates it."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, cast

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .assistant import AssistantConfigEntry, is_assistant, provider_kind
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
    hass: HomeAssistant, entry: ConfigEntry[Any]
) -> dict[str, Any]:
    """Entry settings, parsed state, capabilities and the write counters."""
    if is_assistant(entry):
        return await _async_assistant_diagnostics(cast(AssistantConfigEntry, entry))
    return _printer_diagnostics(cast(BambuConfigEntry, entry))


def _printer_diagnostics(entry: BambuConfigEntry) -> dict[str, Any]:
    """A printer entry: settings, parsed state, capabilities and the write counters."""
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
            "failure_watch": _failure_watch(entry),
            "state": state,
        },
        TO_REDACT,
    )


async def _async_assistant_diagnostics(entry: AssistantConfigEntry) -> dict[str, Any]:
    """Which provider and model answer, and how many analyses are stored; never the key."""
    runtime = getattr(entry, "runtime_data", None)
    stored = None
    if runtime is not None:
        stored = len(await runtime.store.async_list(limit=10_000))
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "provider": provider_kind(dict(entry.data)).value,
            "model": runtime.provider.model if runtime is not None else None,
            "stored_analyses": stored,
        },
        TO_REDACT,
    )


def _failure_watch(entry: BambuConfigEntry) -> dict[str, Any] | None:
    """The watch's latest report (status, level, scores, last reason), if it exists."""
    runner = entry.runtime_data.failure_watch
    if runner is None:
        return None
    report = json.dumps(dataclasses.asdict(runner.report), default=str)
    return cast(dict[str, Any], json.loads(report))
