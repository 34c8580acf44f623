"""The one print-history database of the integration, shared by all printer entries."""

from __future__ import annotations

import asyncio
from pathlib import Path

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import Event, HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .core.history import AsyncHistoryStore

HISTORY_STORE: HassKey[asyncio.Future[AsyncHistoryStore]] = HassKey(f"{DOMAIN}_history_store")


def storage_dir(hass: HomeAssistant) -> Path:
    """Everything the integration writes lives here (never under www/, which is public)."""
    return Path(hass.config.path(DOMAIN))


async def async_get_history_store(hass: HomeAssistant) -> AsyncHistoryStore:
    """Open the database once (the library does the file work in its executor).

    Concurrent callers share one opening; the store closes when Home Assistant stops.
    """
    future = hass.data.get(HISTORY_STORE)
    if future is not None:
        return await future
    future = hass.loop.create_future()
    hass.data[HISTORY_STORE] = future
    try:
        store = await AsyncHistoryStore.open(storage_dir(hass))
    except Exception as err:
        del hass.data[HISTORY_STORE]
        future.cancel()
        raise err from None

    async def _close(_event: Event) -> None:
        await store.close()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_FINAL_WRITE, _close)
    future.set_result(store)
    return store
