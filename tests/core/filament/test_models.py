"""Value types, sanity checks, JSON forms, tray reading and the generic defaults."""

from __future__ import annotations

from datetime import UTC, datetime
import json

import pytest

from custom_components.bambuprint_iq.core.filament import (
    InvalidSpecInput,
    PlateTemp,
    PlateType,
    Provenance,
    Range,
    Requirement,
    SourceKind,
    SpecValues,
    TrayData,
)
from custom_components.bambuprint_iq.core.filament.defaults import material_defaults
from custom_components.bambuprint_iq.core.filament.drying import BAMBU_SPOOL_MAX_C, drying_advice
from custom_components.bambuprint_iq.core.filament.materials import canonical_material
from custom_components.bambuprint_iq.core.filament.sanity import check_values
from custom_components.bambuprint_iq.core.filament.serialize import (
    values_from_json,
    values_to_json,
)
from custom_components.bambuprint_iq.core.filament.spec import SourcedValues, merge_sources

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def test_range_rejects_nonsense() -> None:
    """Empty, inverted and infinite ranges cannot be built."""
    with pytest.raises(ValueError, match="bound"):
        Range(None, None)
    with pytest.raises(ValueError, match="above"):
        Range(230, 190)
    with pytest.raises(ValueError, match="finite"):
        Range(float("inf"), None)
    assert Range(190, 230).union(Range(200, 250)) == Range(190, 250)
    assert Range(None, 300).as_dict() == {"min": None, "max": 300}


@pytest.mark.parametrize(
    ("values", "material", "dropped"),
    [
        (SpecValues(nozzle_temp=Range(290, 300)), "PLA", ("nozzle_temp",)),
        (SpecValues(nozzle_temp=Range(290, 300)), "PC", ()),
        (SpecValues(drying_time_h=Range.point(200)), None, ("drying_time_h",)),
        (SpecValues(diameter=2.0), None, ("diameter",)),
        (SpecValues(fan_speed=Range(0, 150)), None, ("fan_speed",)),
        (
            SpecValues(nozzle_temp=Range(200, 220), bed_temp=Range(60, 240)),
            None,
            ("bed_temp",),
        ),
        (
            SpecValues(
                nozzle_temp=Range(190, 210),
                bed_temp_by_plate=(PlateTemp(PlateType.COOL_PLATE, Range(35, 200)),),
            ),
            "PLA",
            ("bed_temp_by_plate",),
        ),
    ],
)
def test_sanity_drops_instead_of_fixing(
    values: SpecValues, material: str | None, dropped: tuple[str, ...]
) -> None:
    """Out-of-window values are removed, never adjusted."""
    outcome = check_values(values, material)
    assert set(outcome.rejected) >= set(dropped)
    for name in dropped:
        assert name not in outcome.values.present_fields()
    if not dropped:
        assert outcome.values == values


def test_flat_and_structured_json_round_trip() -> None:
    """Both input forms give the same values, and the output form reads back."""
    flat = values_from_json(
        {
            "nozzle_temp_min": 190,
            "nozzle_temp_max": "230",
            "drying_temp": 55,
            "enclosure": "Optional",
            "abrasive": False,
            "bed_temp": None,
        }
    )
    assert flat.nozzle_temp == Range(190, 230)
    assert flat.drying_temp == Range.point(55)
    assert flat.enclosure is Requirement.OPTIONAL
    assert flat.bed_temp is None
    structured = json.loads(json.dumps(values_to_json(flat)))
    assert values_from_json(structured) == flat
    for bad in (
        {"nozzle_temp": 200, "nozzle_temp_min": 190},
        {"density": True},
        {"bed_temp_by_plate": [{"plate": "glass", "temp_c": 60}]},
        {"drying_schedules": "often"},
        [1, 2],
        {"nozzle_temp_min": float("nan")},
    ):
        with pytest.raises(InvalidSpecInput):
            values_from_json(bad)


def test_merge_takes_each_field_from_the_most_trusted_source() -> None:
    """User beats database beats default, field by field, and provenance follows."""
    default = SourcedValues(
        SpecValues(nozzle_temp=Range(190, 230), drying_temp=Range.point(50)),
        Provenance(SourceKind.MATERIAL_DEFAULT, NOW, 0.25),
    )
    database = SourcedValues(
        SpecValues(nozzle_temp=Range(200, 220), bed_temp=Range(50, 60)),
        Provenance(SourceKind.OPEN_FILAMENT_DATABASE, NOW, 0.8, "https://db.example/all"),
    )
    user = SourcedValues(
        SpecValues(bed_temp=Range.point(55)), Provenance(SourceKind.USER, NOW, 1.0)
    )
    spec = merge_sources([default, database, user], brand="B", product="P", material="PLA")
    assert spec.values.nozzle_temp == Range(200, 220)
    assert spec.values.bed_temp == Range.point(55)
    assert spec.values.drying_temp == Range.point(50)
    sources = {name: p.source for name, p in spec.provenance.items()}
    assert sources == {
        "nozzle_temp": SourceKind.OPEN_FILAMENT_DATABASE,
        "bed_temp": SourceKind.USER,
        "drying_temp": SourceKind.MATERIAL_DEFAULT,
    }
    settings = spec.as_dict()["settings"]
    assert settings["nozzle_temp"]["url"] == "https://db.example/all"
    assert settings["bed_temp"]["retrieved_at"] == NOW.isoformat()


def test_tray_reports_from_the_printer() -> None:
    """String fields are parsed, zeros mean unknown, the tag id tells RFID from presets."""
    rfid = TrayData.from_report(
        {
            "tray_type": "PLA-S",
            "tray_info_idx": "GFS02",
            "tag_uid": "0C047A9600000100",
            "nozzle_temp_min": "190",
            "nozzle_temp_max": "230",
            "bed_temp": "35",
            "drying_temp": "55",
            "drying_time": "8",
            "tray_diameter": "1.75",
        }
    )
    assert rfid.is_bambu_rfid
    assert rfid.material == "PLA"
    values = rfid.to_values()
    assert values.nozzle_temp == Range(190, 230)
    assert values.bed_temp == Range.point(35)
    assert values.drying_time_h == Range.point(8)
    empty = TrayData.from_report(
        {
            "tray_type": "",
            "tray_info_idx": "",
            "tag_uid": "0000000000000000",
            "nozzle_temp_min": "0",
            "nozzle_temp_max": "0",
            "drying_temp": None,
            "tray_diameter": "0.00",
        }
    )
    assert not empty.is_bambu_rfid
    assert empty.to_values().is_empty()
    untagged = TrayData.from_report(
        {"tray_info_idx": "GFA00", "drying_temp": "55", "nozzle_temp_min": "190"}
    )
    assert untagged.is_bambu_rfid
    with pytest.raises(InvalidSpecInput):
        TrayData.from_report({"nozzle_temp_min": "hot"})
    with pytest.raises(InvalidSpecInput):
        TrayData.from_report({"drying_temp": -5})


def test_material_names_and_defaults() -> None:
    """Spellings fold to one name; defaults exist per family and flag fibre fill."""
    assert canonical_material("pet-g") == "PETG"
    assert canonical_material("Nylon") == "PA"
    assert canonical_material("PA6-CF20") == "PA-CF"
    assert canonical_material("TPU 95A") == "TPU"
    assert canonical_material("wood") is None
    petg_cf = material_defaults("PETG-CF")
    assert petg_cf is not None
    assert petg_cf.abrasive is True
    assert petg_cf.hardened_nozzle is Requirement.REQUIRED
    abs_defaults = material_defaults("ABS")
    assert abs_defaults is not None
    assert abs_defaults.enclosure is Requirement.REQUIRED
    assert material_defaults("Unobtainium") is None
    assert material_defaults(None) is None


def test_drying_advice_respects_filament_spool_and_dryer_limits() -> None:
    """The suggestion is capped by the lowest limit, and says when that is too cool."""
    pla = SpecValues(drying_temp=Range.point(55), drying_time_h=Range(8, 12))
    advice = drying_advice(pla)
    assert advice is not None
    assert (advice.temp_c, advice.limited_by, advice.below_recommendation) == (55, None, False)
    assert advice.time_h == 12
    pc = SpecValues(drying_temp=Range(70, 80), max_drying_temp=75)
    capped = drying_advice(pc, spool_max_c=BAMBU_SPOOL_MAX_C)
    assert capped is not None
    assert (capped.temp_c, capped.limited_by, capped.below_recommendation) == (65, "dryer", True)
    oven = drying_advice(pc, dryer_max_c=None)
    assert oven is not None
    assert (oven.temp_c, oven.limited_by) == (75, "filament")
    assert drying_advice(SpecValues()) is None
