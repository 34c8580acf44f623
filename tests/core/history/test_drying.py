"""Drying reminders from material, AMS humidity and humid hours."""

from __future__ import annotations

from datetime import timedelta
import json

import pytest

from custom_components.bambuprint_iq.core.history import (
    DryingUrgency,
    InvalidObservationError,
    drying_advice,
    track_exposure,
)
from custom_components.bambuprint_iq.core.history.drying import material_drying

from .factories import T0


@pytest.mark.parametrize(
    ("tray_type", "family"),
    [
        ("PLA", "PLA"),
        ("pla basic", "PLA"),
        ("PETG HF", "PETG"),
        ("PA6-CF", "PA-CF"),
        ("TPU-AMS", "TPU"),
        ("PA12", "PA"),
        ("ABS-GF", "ABS"),
    ],
)
def test_tray_types_map_to_material_families(tray_type: str, family: str) -> None:
    facts = material_drying(tray_type)
    assert facts is not None
    assert facts.material == family


def test_nylon_needs_drying_long_before_pla() -> None:
    nylon = drying_advice("t1", "PA-CF", humid_hours=10, humidity_percent=45)
    pla = drying_advice("t2", "PLA", humid_hours=10, humidity_percent=45)
    assert nylon.urgency is DryingUrgency.DUE
    assert pla.urgency is DryingUrgency.NONE
    assert (nylon.drying_temp_c, nylon.drying_hours) == (85, 12)
    assert "very_high moisture sensitivity" in nylon.reason


def test_budget_halves_in_a_wet_ams_and_soon_comes_first() -> None:
    # PETG budget is 72 humid hours; level 1 (letter E) halves it to 36.
    assert (
        drying_advice("t", "PETG", humid_hours=55, humidity_level=3).urgency is DryingUrgency.SOON
    )
    wet = drying_advice("t", "PETG", humid_hours=40, humidity_level=1)
    assert wet.urgency is DryingUrgency.DUE
    assert wet.budget_hours == 36
    assert wet.humidity_percent == 90.0


def test_unknown_material_and_bad_input() -> None:
    assert drying_advice("t", "Unobtainium", humid_hours=500).urgency is DryingUrgency.UNKNOWN
    assert drying_advice("t", None, humid_hours=1).as_dict()["urgency"] == "unknown"
    with pytest.raises(InvalidObservationError):
        drying_advice("t", "PLA", humid_hours=-1)


def test_exposure_counts_only_humid_time_and_resets_on_a_new_spool() -> None:
    clock = track_exposure(None, "spool-a", T0, 55.0, "PETG")  # PETG threshold 40 %
    clock = track_exposure(clock, "spool-a", T0 + timedelta(hours=5), 30.0, "PETG")  # 5 h humid
    clock = track_exposure(clock, "spool-a", T0 + timedelta(hours=9), 50.0, "PETG")  # 4 h dry
    clock = track_exposure(clock, "spool-a", T0 + timedelta(hours=10), 50.0, "PETG")  # 1 h humid
    assert clock.humid_hours == pytest.approx(6.0)
    fresh = track_exposure(clock, "spool-b", T0 + timedelta(hours=11), 50.0, "PETG")
    assert fresh.humid_hours == 0.0
    assert json.loads(json.dumps(clock.as_dict()))["humid_hours"] == 6.0
    assert fresh.since == T0 + timedelta(hours=11)
