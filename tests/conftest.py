"""Shared test configuration.

The integration package is imported first so that Home Assistant's loader resolves
``custom_components`` to this repository and not to the test plugin's empty folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from homeassistant.core import HomeAssistant
import pytest

import custom_components.bambuprint_iq  # noqa: F401
from custom_components.bambuprint_iq.discovery import SSDP_BIND

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    enable_custom_integrations: None, hass: HomeAssistant, tmp_path: Path
) -> Iterator[None]:
    """Load integrations from custom_components, and give every test its own config folder
    (the integration writes its databases under ``<config>/bambuprint_iq/``)."""
    hass.config.config_dir = str(tmp_path)
    # No printer discovery listener unless a test asks for one (on loopback): newer test
    # plugins fail any test that merely tries to open a socket without permission.
    hass.data[SSDP_BIND] = None
    return


@pytest.fixture
def shared_dir() -> Path:
    """The reference data folder beside the checkout; tests using it skip when it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared reference data not present")
    return SHARED_DIR
