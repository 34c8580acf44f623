"""Recommended settings for third-party spools in the AMS, shown with their tray sensors.

Bambu spools carry their settings on the RFID tag; other spools only have what the user set
(type, and often a product name). For those the filament library is asked once per distinct
spool description, in the background, and the tray sensors show the answer as attributes.
"""

from __future__ import annotations

import logging
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .const import DOMAIN
from .coordinator import BambuConfigEntry
from .core.filament import FilamentError, FilamentQuery, LookupStatus
from .core.printer.filament import Tray
from .services_library import filament_library

_LOGGER = logging.getLogger(__name__)
SIGNAL_TRAY_SPECS: Final = f"{DOMAIN}_tray_specs"
SUMMARY_FIELDS: Final = (
    "nozzle_temp",
    "bed_temp",
    "max_volumetric_speed",
    "drying_temp",
    "drying_time_h",
    "density",
)

type SpecKey = tuple[str, str]


def spec_key(tray: Tray) -> SpecKey | None:
    """What identifies a third-party spool well enough to look it up; None for Bambu spools."""
    if tray.empty or tray.is_bambu or not tray.tray_type:
        return None
    return (tray.tray_type, tray.sub_brand or "")


class TraySpecs:
    """Per printer entry: looked-up specs by spool description, filled in the background."""

    def __init__(self, hass: HomeAssistant, entry: BambuConfigEntry) -> None:
        """Nothing is fetched until a third-party spool is seen."""
        self.hass = hass
        self.entry = entry
        self.specs: dict[SpecKey, dict[str, Any] | None] = {}

    @callback
    def async_track(self) -> None:
        """Follow AMS changes of the printer."""
        coordinator = self.entry.runtime_data.coordinator
        self.entry.async_on_unload(coordinator.async_add_listener(self._check))
        self._check()

    @callback
    def _check(self) -> None:
        coordinator = self.entry.runtime_data.coordinator
        changed = coordinator.last_changed_fields
        if changed is not None and "ams" not in changed:
            return
        for unit in coordinator.data.ams:
            for tray in unit.trays:
                key = spec_key(tray)
                if key is not None and key not in self.specs:
                    self.specs[key] = None  # pending; looked up once
                    self.entry.async_create_background_task(
                        self.hass, self._async_lookup(key), f"{DOMAIN} filament lookup"
                    )

    async def _async_lookup(self, key: SpecKey) -> None:
        material, product = key
        query = FilamentQuery(product=product or None, material=material)
        try:
            result = await filament_library(self.hass).lookup(query)
        except FilamentError as err:
            _LOGGER.debug("No settings found for %s %s: %s", product, material, err)
            return
        if result.spec is None:
            return
        settings = result.spec.as_dict().get("settings", {})
        self.specs[key] = {
            "match": "exact" if result.status is LookupStatus.FOUND else "material defaults",
            **{name: settings[name]["value"] for name in SUMMARY_FIELDS if name in settings},
            "sources": sorted({settings[n]["source"] for n in SUMMARY_FIELDS if n in settings}),
        }
        async_dispatcher_send(self.hass, f"{SIGNAL_TRAY_SPECS}_{self.entry.entry_id}")

    def for_tray(self, tray: Tray) -> dict[str, Any] | None:
        """The looked-up settings of the spool in this tray, if any."""
        key = spec_key(tray)
        return self.specs.get(key) if key is not None else None
