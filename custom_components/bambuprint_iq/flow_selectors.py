"""Selectors shared by the config and options flows."""

from __future__ import annotations

from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)


def number_box(low: int, high: int, unit: str) -> NumberSelector:
    """A whole-number box with a unit, e.g. minutes or °C."""
    return NumberSelector(
        NumberSelectorConfig(
            min=low, max=high, step=1, mode=NumberSelectorMode.BOX, unit_of_measurement=unit
        )
    )
