"""The parser grammar on the known traps, with sentences written for these tests."""

from __future__ import annotations

import time

import pytest

from custom_components.bambuprint_iq.core.filament import (
    ParseBudgetExceeded,
    PlateType,
    Range,
    Requirement,
)
from custom_components.bambuprint_iq.core.filament.text import (
    FieldKind,
    classify_label,
    find_temperature_ranges,
    parse_spec_text,
)


@pytest.mark.parametrize(
    "text",
    [
        "Nozzle temperature: 200-220°C",
        "Nozzle temperature: 200-220 \u2103",
        "Nozzle temperature: 200\u02daC - 220\u02daC",
        "Nozzle temperature: 200\u00baC to 220\u00baC",
        "Nozzle temperature: 200-220 deg C",
        "Nozzle temperature: 200-220° Celsius",
        "Nozzle temperature: 200 \u2013 220 C",
        "Nozzle temperature: 200 ~ 220 °C",
        "Nozzle temperature | 200-220°C/392-428\u2109",
        "Nozzle temperature: 200-220 C (392-428 F)",
        "Nozzle temperature [°C]: 200-220",
        "Nozzle temperature: 200</span><span>-220°C",
        "nozzleTemperature: '200 - 220 °C'",
        "Temperatura dyszy [C] | 200-220",
        "Teplota tisku | 200-220 C",
    ],
)
def test_degree_variants_and_fahrenheit_all_read_the_same(text: str) -> None:
    """Every spelling of the same nozzle range gives the same answer."""
    assert parse_spec_text(text).values.nozzle_temp == Range(200, 220)


def test_tolerance_is_not_a_range_end_but_a_leading_plus_minus_is_decoration() -> None:
    """ "240 °C ± 10" is 230-250 around 240; "± 200 - 260 °C" is simply 200-260."""
    tolerance = parse_spec_text("Print temperature: 240°C ± 10\nBed: 70 ± 5")
    assert tolerance.values.nozzle_temp == Range(230, 250)
    assert tolerance.values.nozzle_temp_recommended == 240
    assert tolerance.values.bed_temp == Range(65, 75)
    decorative = parse_spec_text("Print temp: \u00b1 200 - 260\u00b0 C")
    assert decorative.values.nozzle_temp == Range(200, 260)
    assert decorative.values.nozzle_temp_recommended is None


def test_ceilings_and_floors_are_never_setpoints() -> None:
    """ "< 500 mm/s", "up to 100%", "230 °C or above", "70°C+" keep one side open."""
    parsed = parse_spec_text(
        "Print speed: \uff1c500mm/s\nCooling: up to 100%\nChamber temperature: 45°C+\n"
    )
    assert parsed.values.print_speed == Range(None, 500)
    assert parsed.values.fan_speed == Range(None, 100)
    assert parsed.values.chamber_temp == Range(45, None)
    floor = parse_spec_text("This PETG prints best at 235 °C or above.")
    assert floor.values.nozzle_temp == Range(235, None)


def test_speed_banded_temperatures_keep_their_bands() -> None:
    """Bands stay structured and the overall range covers them."""
    parsed = parse_spec_text(
        "Use 205-215 C at 40-120 mm/s or 215-235 C at 120-250 mm/s. Bed 55-60 C."
    )
    bands = parsed.values.nozzle_temp_by_speed
    assert [(band.speed, band.nozzle_temp) for band in bands] == [
        (Range(40, 120), Range(205, 215)),
        (Range(120, 250), Range(215, 235)),
    ]
    assert parsed.values.nozzle_temp == Range(205, 235)
    assert parsed.values.bed_temp == Range(55, 60)
    assert parsed.values.print_speed is None


def test_drying_schedules_and_their_negative_twins() -> None:
    """Filament drying is read; annealing, drying finished parts and specimens are not."""
    drying = parse_spec_text("Drying: Blast Drying Oven: 60 °C, 6 h\nX1 heatbed: 75 °C, 10 h")
    assert drying.values.drying_temp == Range.point(60)
    assert drying.values.drying_time_h == Range.point(6)
    assert [s.method for s in drying.values.drying_schedules] == [
        "blast drying oven",
        "x1 heatbed",
    ]
    time_first = parse_spec_text("Dry the spool for 4-6 hours at 55 °C before use.")
    assert time_first.values.drying_temp == Range.point(55)
    assert time_first.values.drying_time_h == Range(4, 6)

    anneal = parse_spec_text("Annealing: 80 - 90 °C, 2 - 4 hours")
    assert anneal.values.drying_temp is None
    assert anneal.side_facts.annealing_temp == Range(80, 90)
    oven = parse_spec_text("Heat your oven to 100-110 C and leave the part for an hour.")
    assert oven.values.drying_temp is None
    assert oven.side_facts.annealing_temp == Range(100, 110)
    post = parse_spec_text("After printing, dry the model at 70 °C for 2 hours.")
    assert post.values.drying_temp is None
    assert post.side_facts.post_print_temp == Range.point(70)
    specimen = parse_spec_text("Test specimens were conditioned in a 45°C blast drying oven.")
    assert specimen.values.drying_temp is None


def test_material_properties_and_device_limits_are_not_settings() -> None:
    """Tg, melt point and dryer capability numbers stay out of the settings."""
    parsed = parse_spec_text(
        "Glass transition temperature (Tg): 62 °C\nMelting temperature: 165 °C\n"
        "The dryer handles filaments needing drying temperatures no higher than 70 °C."
    )
    assert parsed.values.glass_transition_temp == 62
    assert parsed.values.nozzle_temp is None
    assert parsed.values.drying_temp is None
    assert parsed.side_facts.device_max_drying_temp == 70


def test_per_plate_bed_temperatures_enclosure_and_nozzle_hardness() -> None:
    """Plates, enclosure wording and a hardened-nozzle requirement are recognised."""
    parsed = parse_spec_text(
        "Build plate: Cool Plate (35 - 45 °C), Textured PEI Plate (50 - 60 °C)\n"
        "Enclosure required: No\n"
        "Nozzle: 0.4 mm / 0.6 mm Hardened Steel\n"
    )
    plates = {plate.plate: plate.temp for plate in parsed.values.bed_temp_by_plate}
    assert plates == {PlateType.COOL_PLATE: Range(35, 45), PlateType.TEXTURED_PEI: Range(50, 60)}
    assert parsed.values.bed_temp == Range(35, 60)
    assert parsed.values.enclosure is Requirement.NOT_REQUIRED
    assert parsed.values.hardened_nozzle is Requirement.REQUIRED


def test_values_before_labels_and_combined_fields() -> None:
    """Prose with the value first, and a "Bed / Nozzle" field, are both understood."""
    prose = parse_spec_text("We suggest 215-235 C nozzle, 60-70 C bed, 40-60% fan.")
    assert prose.values.nozzle_temp == Range(215, 235)
    assert prose.values.bed_temp == Range(60, 70)
    assert prose.values.fan_speed == Range(40, 60)
    combined = parse_spec_text("Bed / Print Temperature: 95 - 105 C / 235 - 255 C")
    assert combined.values.bed_temp == Range(95, 105)
    assert combined.values.nozzle_temp == Range(235, 255)


def test_material_rows_of_a_table() -> None:
    """A comparison table gives one set of values per material row."""
    parsed = parse_spec_text(
        "Material | Nozzle | Bed\nPLA | 190-220 °C | 50-60 °C\nPETG | 230-250 °C | 70-85 °C\n"
    )
    assert parsed.rows["PLA"].nozzle_temp == Range(190, 220)
    assert parsed.rows["PETG"].bed_temp == Range(70, 85)
    assert parsed.values_for("PETG").nozzle_temp == Range(230, 250)
    assert parsed.values.nozzle_temp is None


def test_nothing_rather_than_a_guess() -> None:
    """Unitless, unlabeled, degenerate and physically impossible values give nothing."""
    assert parse_spec_text("Values: 50-150 and 5 0-6 0°C").values.is_empty()
    assert parse_spec_text("Nozzle 230-230°C").values.nozzle_temp is None
    impossible = parse_spec_text("Nozzle temperature: 300-320 °C", title="Basic PLA")
    assert impossible.values.nozzle_temp is None
    assert "nozzle_temp" in impossible.rejected
    inverted = parse_spec_text("Nozzle temperature: 200-220 °C\nBed temperature: 230 °C")
    assert inverted.values.bed_temp is None
    assert parse_spec_text("Drying Recommendations | N/A").values.drying_requirement is (
        Requirement.NOT_STATED
    )


def test_labels_in_several_languages() -> None:
    """Header labels map to fields in EN, PL, CZ, IT and DE."""
    assert classify_label("Extrusion Temperature(℃)") is FieldKind.NOZZLE_TEMP
    assert classify_label("Temperatura stołu") is FieldKind.BED_TEMP
    assert classify_label("Teplota podložky") is FieldKind.BED_TEMP
    assert classify_label("Ventola") is FieldKind.FAN
    assert classify_label("Drucktemperatur") is FieldKind.NOZZLE_TEMP
    assert classify_label("Colour") is None


def test_find_temperature_ranges_lists_every_form() -> None:
    """Ranges in any separator style are listed in order."""
    assert find_temperature_ranges("195-215°C, 195°C-215°C and 260 ~ 280 ℃") == [
        Range(195, 215),
        Range(195, 215),
        Range(260, 280),
    ]


def _timed_parse(text: str) -> tuple[float, object]:
    started = time.monotonic()
    try:
        result: object = parse_spec_text(text, time_budget_s=1.0)
    except ParseBudgetExceeded as err:
        result = err
    return time.monotonic() - started, result


def test_hostile_text_is_bounded_in_time() -> None:
    """Huge label-dense text and one endless line finish or stop with a typed error, fast."""
    noise = ("Nozzle temperature 200-220 °C bed 60 °C speed < 300 mm/s 42 " * 20 + "\n") * 1500
    elapsed, result = _timed_parse(noise)
    assert elapsed < 5.0
    assert isinstance(result, ParseBudgetExceeded) or (
        result.values.nozzle_temp == Range(200, 220)  # type: ignore[attr-defined]
    )
    elapsed, _ = _timed_parse("9" * 500_000 + "°C")
    assert elapsed < 5.0
