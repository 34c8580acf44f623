"""Fixtures for the filament profile generator tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from custom_components.bambuprint_iq.core.profiles import FilamentSpec, PlateType


def acme_pla(**overrides: object) -> FilamentSpec:
    """A typical third-party PLA with a manufacturer data sheet."""
    values: dict[str, object] = {
        "material_type": "PLA",
        "vendor": "Acme",
        "product_name": "Acme PLA Matte",
        "nozzle_temp_min": 190,
        "nozzle_temp_max": 230,
        "nozzle_temp_recommended": 215,
        "bed_temps": ((PlateType.TEXTURED, 60), (PlateType.HIGH_TEMP, 60)),
        "max_volumetric_speed": 15.0,
        "density": 1.24,
        "cost_per_kg": 19.99,
    }
    values.update(overrides)
    return FilamentSpec(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override: this library never touches Home Assistant, so no hass instance per test."""


@pytest.fixture
def shared_profiles(shared_dir: Path) -> Path:
    """../shared/fixtures/profiles (skips when ../shared is absent)."""
    return shared_dir / "fixtures" / "profiles"


@pytest.fixture
def shared_validator(shared_dir: Path) -> ModuleType:
    """The reference checker ../shared/tools/validate_preset.py, imported as a module."""
    path = shared_dir / "tools" / "validate_preset.py"
    spec = importlib.util.spec_from_file_location("shared_validate_preset", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
