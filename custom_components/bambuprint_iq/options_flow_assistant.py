"""Options of the assistant entry: cost cap and where profiles are installed."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
import voluptuous as vol

from .assistant import CONF_DAILY_CAP, CONF_SLICER_FOLDER
from .flow_selectors import number_box as _number
from .services_analysis import DEFAULT_DAILY_CAP


class AssistantOptionsFlow(OptionsFlow):
    """Where generated profiles may be installed for Bambu Studio on this computer."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The assistant's only page."""
        return await self.async_step_assistant(user_input)

    async def async_step_assistant(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The Bambu Studio user folder (optional; must be in allowlist_external_dirs)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            folder = str(user_input.get(CONF_SLICER_FOLDER) or "").strip()
            if folder and not self.hass.config.is_allowed_path(folder):
                errors[CONF_SLICER_FOLDER] = "folder_not_allowed"
            else:
                return self.async_create_entry(
                    data={
                        CONF_SLICER_FOLDER: folder or None,
                        CONF_DAILY_CAP: int(user_input[CONF_DAILY_CAP]),
                    }
                )
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Optional(
                    CONF_SLICER_FOLDER, default=options.get(CONF_SLICER_FOLDER) or ""
                ): str,
                vol.Required(
                    CONF_DAILY_CAP, default=options.get(CONF_DAILY_CAP, DEFAULT_DAILY_CAP)
                ): _number(1, 1000, "analyses"),
            }
        )
        return self.async_show_form(step_id="assistant", data_schema=schema, errors=errors)
