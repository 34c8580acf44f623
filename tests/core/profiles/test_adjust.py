"""Analysis adjustments on top of the filament values: diffs, bounds, slots, notes."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    AbsoluteChange,
    Adjustment,
    ChangeOrigin,
    GeneratedPreset,
    InvalidAdjustmentError,
    PresetShape,
    ProfileRequest,
    RelativeChange,
    TargetPrinter,
    generate_presets,
)

from .conftest import acme_pla


def _generate(
    *adjustments: Adjustment,
    target: TargetPrinter | None = None,
    shape: PresetShape | None = None,
) -> GeneratedPreset:
    targets = (target or TargetPrinter("X1C", 0.4),)
    request = ProfileRequest(acme_pla(), targets, adjustments, shape=shape)
    return generate_presets(request).presets[0]


def _adj(
    key: str, change: AbsoluteChange | RelativeChange, defect: str = "stringing"
) -> Adjustment:
    return Adjustment(key, change, f"because of {defect}", defect)


def test_relative_change_is_recorded_with_base_new_reason_and_defect() -> None:
    preset = _generate(_adj("nozzle_temperature", RelativeChange(delta=-5)))
    [change] = [c for c in preset.changes if c.origin is ChangeOrigin.ADJUSTMENT]
    assert (change.key, change.base, change.new) == ("nozzle_temperature", ("215",), ("210",))
    assert change.source_defect == "stringing"
    assert not change.clamped
    assert preset.document["nozzle_temperature"] == ("210",)
    notes = preset.document["filament_notes"]
    assert isinstance(notes, str)
    assert "nozzle_temperature: 215 -> 210: because of stringing [defect: stringing]" in notes


def test_changes_are_clamped_to_the_filament_range() -> None:
    preset = _generate(_adj("nozzle_temperature", RelativeChange(delta=-40)))
    change = preset.changes[-1]
    assert preset.document["nozzle_temperature"] == ("190",)
    assert change.clamped
    assert "limited to 190..230" in change.reason


def test_range_low_cannot_pass_the_nozzle_temperature() -> None:
    preset = _generate(_adj("nozzle_temperature_range_low", AbsoluteChange(225)))
    assert preset.document["nozzle_temperature_range_low"] == ("215",)


def test_schema_bounds_apply() -> None:
    preset = _generate(
        _adj("fan_max_speed", AbsoluteChange(150), "overheating"),
        _adj("filament_flow_ratio", RelativeChange(percent=200), "under_extrusion"),
    )
    assert preset.document["fan_max_speed"] == ("100",)
    assert preset.document["filament_flow_ratio"] == ("1.5",)


def test_nil_override_starts_from_the_printer_value() -> None:
    preset = _generate(_adj("filament_retraction_length", RelativeChange(delta=0.4)))
    assert preset.document["filament_retraction_length"] == ("1.2",)
    assert "printer value assumed 0.8" in preset.changes[-1].reason


def test_percent_relative_change_and_integer_rounding() -> None:
    preset = _generate(_adj("slow_down_layer_time", RelativeChange(percent=50), "overheating"))
    assert preset.document["slow_down_layer_time"] == ("12",)


def test_enum_bool_and_nil_absolute_values() -> None:
    preset = _generate(
        _adj("filament_z_hop_types", AbsoluteChange("Slope Lift")),
        _adj("filament_wipe", AbsoluteChange(True)),
        _adj("filament_retraction_length", AbsoluteChange(1.0)),
        _adj("filament_retraction_length", AbsoluteChange("nil")),
    )
    assert preset.document["filament_z_hop_types"] == ("Slope Lift",)
    assert preset.document["filament_wipe"] == ("1",)
    assert preset.document["filament_retraction_length"] == ("nil",)


@pytest.mark.parametrize(
    ("adjustment", "reason"),
    [
        (_adj("outer_wall_speed", RelativeChange(delta=-10)), "process or printer"),
        (_adj("filament_z_hop_types", AbsoluteChange("Helix Lift")), "not one of"),
        (_adj("filament_type", AbsoluteChange("ABS")), "identity"),
        (_adj("filament_wipe", RelativeChange(delta=1)), "non-numeric"),
        (_adj("eng_plate_temp", RelativeChange(delta=5)), "plate is disabled"),
        (_adj("fan_max_speed", AbsoluteChange("fast")), "not a number"),
        (_adj("filament_density", AbsoluteChange("nil")), "nullable"),
    ],
)
def test_unusable_adjustments_are_skipped_with_a_reason(
    adjustment: Adjustment, reason: str
) -> None:
    preset = _generate(adjustment)
    [skipped] = preset.skipped_adjustments
    assert skipped.key == adjustment.key
    assert reason in skipped.reason
    assert not [c for c in preset.changes if c.origin is ChangeOrigin.ADJUSTMENT]
    notes = preset.document["filament_notes"]
    assert isinstance(notes, str)
    assert f"Not applied: {adjustment.key}" in notes


def test_high_flow_print_changes_only_the_high_flow_slot() -> None:
    change = _adj("filament_max_volumetric_speed", RelativeChange(delta=-3), "under_extrusion")
    high_flow = _generate(change, target=TargetPrinter("H2D", 0.4, high_flow=True))
    standard = _generate(change, target=TargetPrinter("H2D", 0.4, high_flow=False))
    unknown = _generate(change, target=TargetPrinter("H2D", 0.4))
    assert high_flow.document["filament_max_volumetric_speed"] == ("15", "12")
    assert standard.document["filament_max_volumetric_speed"] == ("12", "15")
    assert unknown.document["filament_max_volumetric_speed"] == ("12", "12")


def test_single_variant_preset_takes_the_change_for_any_nozzle() -> None:
    change = _adj("filament_max_volumetric_speed", RelativeChange(delta=-3), "under_extrusion")
    preset = _generate(change, target=TargetPrinter("X1C", 0.4, high_flow=True))
    assert preset.document["filament_max_volumetric_speed"] == ("12",)


def test_adjustments_apply_in_order_on_top_of_each_other() -> None:
    preset = _generate(
        _adj("nozzle_temperature", RelativeChange(delta=-5)),
        _adj("nozzle_temperature", RelativeChange(delta=-5)),
    )
    steps = [(c.base, c.new) for c in preset.changes if c.origin is ChangeOrigin.ADJUSTMENT]
    assert steps == [(("215",), ("210",)), (("210",), ("205",))]


def test_inherited_preset_carries_adjusted_keys() -> None:
    preset = _generate(
        _adj("filament_retraction_length", RelativeChange(delta=0.2)),
        shape=PresetShape.INHERITED,
    )
    assert preset.document["filament_retraction_length"] == ("1",)
    assert preset.document["inherits"] == "Generic PLA"


def test_malformed_adjustments_raise() -> None:
    with pytest.raises(InvalidAdjustmentError):
        RelativeChange()
    with pytest.raises(InvalidAdjustmentError):
        RelativeChange(delta=float("nan"))
    with pytest.raises(InvalidAdjustmentError):
        AbsoluteChange(float("inf"))
    with pytest.raises(InvalidAdjustmentError):
        Adjustment(" ", AbsoluteChange(1), "x")
