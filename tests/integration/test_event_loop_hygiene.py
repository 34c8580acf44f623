"""Setting up a printer reads no packaged data file in the event loop, even on a cold start.

Home Assistant's own blocking-call detection leaves file reads alone under tests, and the
packaged profile tables are cached once loaded (earlier tests would hide a first read), so
this test empties the caches and records on which thread each data file is read.
"""

from __future__ import annotations

from collections.abc import Mapping
import threading

from homeassistant.core import HomeAssistant
import pytest

from custom_components.bambuprint_iq.core.profiles import printers
from simulator.fleet import PrinterInfo

from .conftest import setup_printer


async def test_cold_start_reads_packaged_data_off_the_loop(
    hass: HomeAssistant, printer: PrinterInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile sensor's first preset lookup runs in an executor thread."""
    for cached in (printers.printer_models, printers.printer_presets, printers._model_index):
        cached.cache_clear()
    loop_thread = threading.get_ident()
    reads: list[tuple[str, bool]] = []
    original = printers.load_data_file

    def recording_load(name: str) -> Mapping[str, object]:
        reads.append((name, threading.get_ident() == loop_thread))
        return original(name)

    monkeypatch.setattr(printers, "load_data_file", recording_load)

    await setup_printer(hass, printer)
    await hass.async_block_till_done()

    assert reads  # the table was loaded during setup
    assert [name for name, in_loop in reads if in_loop] == []
