"""Repair flows: decisions only the user can make, offered where Home Assistant shows problems."""

from __future__ import annotations

from typing import Any

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.core import HomeAssistant

from .const import CONF_FINGERPRINT
from .core.printer.tls import format_fingerprint


class TrustNewCertificateFlow(RepairsFlow):
    """The printer now presents another certificate (new mainboard, reset, or an impostor)."""

    def __init__(self, entry_id: str, fingerprint: str) -> None:
        """Remember which entry and which new certificate this is about."""
        self._entry_id = entry_id
        self._fingerprint = fingerprint

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Show the new fingerprint; trusting it pins it and reconnects."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Pin the new certificate only on explicit confirmation."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None:
            return self.async_abort(reason="entry_removed")
        if user_input is not None:
            self.hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_FINGERPRINT: self._fingerprint}
            )
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id="confirm",
            description_placeholders={
                "title": entry.title,
                "fingerprint": format_fingerprint(self._fingerprint),
            },
        )


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Home Assistant asks for the flow that fixes one of our issues."""
    assert data is not None
    assert issue_id.startswith("certificate_changed_")
    return TrustNewCertificateFlow(str(data["entry_id"]), str(data["fingerprint"]))
