"""Selectors and form pieces shared by the config and options flows."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from .const import CONF_FULL_REFRESH_MINUTES, DEFAULT_FULL_REFRESH_MINUTES

ADVANCED: Final = "advanced"
"""The collapsed form section for ports and other rarely changed values."""
PASSWORD: Final = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
PORT: Final = NumberSelector(NumberSelectorConfig(min=1, max=65535, mode=NumberSelectorMode.BOX))
NEW_PRINTER_OPTIONS: Final[dict[str, Any]] = {
    CONF_FULL_REFRESH_MINUTES: DEFAULT_FULL_REFRESH_MINUTES
}
"""Options every new printer entry starts with (copy before use)."""


def number_box(low: int, high: int, unit: str) -> NumberSelector:
    """A whole-number box with a unit, e.g. minutes or °C."""
    return NumberSelector(
        NumberSelectorConfig(
            min=low, max=high, step=1, mode=NumberSelectorMode.BOX, unit_of_measurement=unit
        )
    )
