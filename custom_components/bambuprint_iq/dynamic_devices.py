"""Add entities for AMS units that appear after setup (plugged in, or reported late)."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.core import callback

from .coordinator import BambuConfigEntry, PrinterCoordinator


def async_track_ams_units(
    entry: BambuConfigEntry,
    coordinator: PrinterCoordinator,
    add_unit: Callable[[int], None],
) -> None:
    """Call ``add_unit`` once per AMS id: now for known units, later for new ones.

    The unit tuple is compared by identity first, so the check costs nothing on the many
    messages that do not touch the AMS.
    """
    known: set[int] = set()
    last_units: list[object] = [None]

    @callback
    def _check() -> None:
        state = coordinator.data
        if state is None or state.ams is last_units[0]:
            return
        last_units[0] = state.ams
        for unit in state.ams:
            if unit.id not in known:
                known.add(unit.id)
                add_unit(unit.id)

    _check()
    entry.async_on_unload(coordinator.async_add_listener(_check))
