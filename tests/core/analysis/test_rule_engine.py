"""Rule engine against a table of cases: defects x filament x settings -> changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from custom_components.bambuprint_iq.core.analysis import (
    DefectFinding,
    DefectType,
    ExtruderKind,
    FilamentSpec,
    PlateType,
    PrintContext,
    PrinterProfile,
    Severity,
    Slicer,
    TuningPlan,
    plan_adjustments,
)
from custom_components.bambuprint_iq.core.analysis.rules.table import PLAYBOOKS

PLA = FilamentSpec("PLA", "Generic PLA", 190, 230)
PETG = FilamentSpec("PETG", "Generic PETG", 220, 260)
ABS = FilamentSpec("ABS", "Generic ABS", 240, 270)


def found(kind: str, severity: str = "medium", confidence: float = 0.9) -> DefectFinding:
    return DefectFinding(DefectType(kind), True, Severity(severity), confidence)


@dataclass(frozen=True)
class Case:
    findings: tuple[DefectFinding, ...]
    expected: dict[str, list[tuple[str, object, object]]]
    filament: FilamentSpec = PLA
    settings: Mapping[str, object] = field(default_factory=dict)
    printer: PrinterProfile = field(default_factory=PrinterProfile)
    prior_changes: Mapping[str, float] = field(default_factory=dict)


CASES: dict[str, Case] = {
    "stringing: cooler nozzle, then longer retraction inherited from the printer": Case(
        (found("stringing"),),
        {
            "stringing": [
                ("nozzle_temperature", 220, 215),
                ("filament_retraction_length", 0.8, 1.0),
            ]
        },
        settings={"nozzle_temperature": 220, "retraction_length": 0.8},
    ),
    "mild stringing gets one change only": Case(
        (found("stringing", "low"),),
        {"stringing": [("nozzle_temperature", 220, 215)]},
        settings={"nozzle_temperature": 220},
    ),
    "nozzle already at the filament minimum: next levers": Case(
        (found("stringing"),),
        {
            "stringing": [
                ("filament_retraction_length", 0.8, 1.0),
                ("filament_wipe", None, True),
            ]
        },
        settings={
            "nozzle_temperature": 190,
            "filament_retraction_length": 0.8,
            "filament_retraction_speed": 30,
        },
    ),
    "temperature change clipped to the filament minimum": Case(
        (found("stringing", "low"),),
        {"stringing": [("nozzle_temperature", 192, 190)]},
        settings={"nozzle_temperature": 192},
    ),
    "total change cap of 10 degC reached: no further temperature step": Case(
        (found("stringing"),),
        {
            "stringing": [
                ("filament_retraction_length", 0.8, 1.0),
                ("filament_retraction_speed", 25, 30),
            ]
        },
        settings={"nozzle_temperature": 210, "retraction_length": 0.8, "retraction_speed": 25},
        prior_changes={"nozzle_temperature": -10},
    ),
    "total change cap partly used: the step shrinks": Case(
        (found("stringing", "low"),),
        {"stringing": [("nozzle_temperature", 212, 209)]},
        settings={"nozzle_temperature": 212},
        prior_changes={"nozzle_temperature": -7},
    ),
    "unknown settings give relative steps": Case(
        (found("stringing"),),
        {
            "stringing": [
                ("nozzle_temperature", "adjustment", "-5 °C"),
                ("filament_retraction_length", "adjustment", "+0.2 mm"),
            ]
        },
    ),
    "direct drive retraction capped at 2 mm": Case(
        (found("stringing", "low"),),
        {"stringing": [("filament_retraction_length", 1.9, 2.0)]},
        settings={"nozzle_temperature": 190, "filament_retraction_length": 1.9},
    ),
    "bowden retraction may go further": Case(
        (found("stringing", "low"),),
        {"stringing": [("filament_retraction_length", 2.0, 2.2)]},
        settings={"nozzle_temperature": 190, "filament_retraction_length": 2.0},
        printer=PrinterProfile(is_bambu=False, extruder=ExtruderKind.BOWDEN),
    ),
    "opposite temperature advice never lands in one iteration": Case(
        (found("layer_adhesion", "medium", 0.8), found("stringing", "high", 0.9)),
        {
            "stringing": [
                ("nozzle_temperature", 220, 215),
                ("filament_retraction_length", 0.8, 1.0),
            ],
            "layer_adhesion": [("fan_max_speed", 100, 90), ("fan_min_speed", 100, 90)],
        },
        settings={
            "nozzle_temperature": 220,
            "filament_retraction_length": 0.8,
            "fan_max_speed": 100,
            "fan_min_speed": 100,
        },
    ),
    "layer height above 80 % of the nozzle comes down to the limit": Case(
        (found("layer_adhesion"),),
        {"layer_adhesion": [("layer_height", 0.4, 0.32), ("filament_flow_ratio", 0.98, 1.0)]},
        settings={
            "nozzle_temperature": 230,
            "fan_max_speed": 0,
            "fan_min_speed": 0,
            "layer_height": 0.4,
            "filament_flow_ratio": 0.98,
        },
    ),
    "normal layer height is left alone": Case(
        (found("layer_adhesion", "low"),),
        {"layer_adhesion": [("filament_flow_ratio", 1.04, 1.05)]},
        settings={
            "nozzle_temperature": 230,
            "fan_max_speed": 0,
            "fan_min_speed": 0,
            "layer_height": 0.2,
            "filament_flow_ratio": 1.04,
        },
    ),
    "overhang fan maxed: lower the threshold one step, then slow down": Case(
        (found("overhang_droop"),),
        {
            "overhang_droop": [
                ("overhang_fan_threshold", "50%", "25%"),
                ("overhang_4_4_speed", 10, 5),
            ]
        },
        settings={
            "overhang_fan_speed": 100,
            "overhang_fan_threshold": ["50%"],
            "overhang_4_4_speed": "10",
        },
    ),
    "threshold unknown: one step lower as advice": Case(
        (found("overhang_droop", "low"),),
        {"overhang_droop": [("overhang_fan_threshold", "adjustment", "one step lower")]},
        settings={"overhang_fan_speed": 100},
    ),
    "orca users get the overhang reverse option": Case(
        (found("overhang_droop"),),
        {
            "overhang_droop": [
                ("wall_sequence", "outer wall/inner wall", "inner wall/outer wall"),
                ("overhang_reverse", None, True),
            ]
        },
        settings={
            "overhang_fan_speed": 100,
            "overhang_fan_threshold": "0%",
            "overhang_4_4_speed": 5,
            "nozzle_temperature": 190,
            "wall_sequence": "outer wall/inner wall",
            "layer_height": 0.08,
        },
        printer=PrinterProfile(slicer=Slicer.ORCA_SLICER),
    ),
    "warping on ABS: outer brim, then a wider one": Case(
        (found("warping", "high"),),
        {"warping": [("brim_type", "auto_brim", "outer_only"), ("brim_width", 5, 8)]},
        filament=ABS,
        settings={"brim_type": "auto_brim", "brim_width": 5},
    ),
    "warping: bed key follows the plate and the ABS bed limit": Case(
        (found("warping"),),
        {"warping": [("textured_plate_temp", 100, 105), ("close_fan_the_first_x_layers", 3, 4)]},
        filament=ABS,
        settings={
            "brim_type": "outer_only",
            "brim_width": 15,
            "textured_plate_temp": 100,
            "close_fan_the_first_x_layers": 3,
        },
    ),
    "warping on PLA skips the ABS-only fan rule": Case(
        (found("warping"),),
        {"warping": [("draft_shield", "disabled", "enabled"), ("outer_wall_speed", 200, 160)]},
        settings={
            "brim_type": "outer_only",
            "brim_width": 15,
            "cool_plate_temp": 65,
            "close_fan_the_first_x_layers": 5,
            "fan_max_speed": 100,
            "draft_shield": "disabled",
            "outer_wall_speed": 200,
        },
        printer=PrinterProfile(plate=PlateType.COOL),
    ),
    "elephant's foot: compensation at its cap, cooler first-layer bed on PETG": Case(
        (found("elephants_foot"),),
        {
            "elephants_foot": [
                ("hot_plate_temp_initial_layer", 62, 60),
                ("close_fan_the_first_x_layers", 3, 2),
            ]
        },
        filament=PETG,
        settings={
            "elefant_foot_compensation": 0.3,
            "elefant_foot_compensation_layers": 3,
            "hot_plate_temp_initial_layer": 62,
            "close_fan_the_first_x_layers": 3,
        },
        printer=PrinterProfile(plate=PlateType.HIGH_TEMP),
    ),
    "elephant's foot from zero compensation": Case(
        (found("elephants_foot", "low"),),
        {"elephants_foot": [("elefant_foot_compensation", 0, 0.05)]},
        settings={"elefant_foot_compensation": 0},
    ),
    "detachment then spaghetti share no setting": Case(
        (found("spaghetti", "high", 0.95), found("detachment", "high", 0.9)),
        {
            "spaghetti": [("brim_type", "no_brim", "outer_only"), ("filament_z_hop", 0.4, 0.6)],
            "detachment": [
                ("initial_layer_speed", 30, 25),
                ("textured_plate_temp_initial_layer", 55, 60),
            ],
        },
        settings={
            "brim_type": "no_brim",
            "z_hop": 0.4,
            "initial_layer_speed": 30,
            "textured_plate_temp_initial_layer": 55,
        },
    ),
    "z-banding: review advice and a lower flow limit": Case(
        (found("z_banding"),),
        {
            "z_banding": [
                ("slow_down_layer_time", "adjustment", "review"),
                ("filament_max_volumetric_speed", 12, 10.8),
            ]
        },
        settings={"filament_max_volumetric_speed": 12},
    ),
    "percentage steps": Case(
        (found("surface_roughness"),),
        {
            "surface_roughness": [
                ("outer_wall_speed", 120, 96),
                ("default_acceleration", 10000, 8000),
            ]
        },
        settings={
            "filament_flow_ratio": 0.95,
            "nozzle_temperature": 190,
            "slow_down_layer_time": 15,
            "outer_wall_speed": 120,
            "default_acceleration": 10000,
        },
    ),
    "bambu printers never get a pressure advance change": Case(
        (found("surface_roughness"),),
        {"surface_roughness": []},
        settings={
            "filament_flow_ratio": 0.95,
            "nozzle_temperature": 190,
            "slow_down_layer_time": 15,
            "outer_wall_speed": 30,
            "default_acceleration": 1000,
            "filament_max_volumetric_speed": 2,
            "wall_loops": 3,
            "wall_sequence": "inner-outer-inner wall",
            "ironing_type": "top",
        },
    ),
    "other printers are told to calibrate pressure advance": Case(
        (found("surface_roughness"),),
        {
            "surface_roughness": [
                ("pressure_advance", "adjustment", "calibrate with a test print"),
            ]
        },
        settings={
            "filament_flow_ratio": 0.95,
            "nozzle_temperature": 190,
            "slow_down_layer_time": 15,
            "outer_wall_speed": 30,
            "default_acceleration": 1000,
            "filament_max_volumetric_speed": 2,
            "wall_loops": 3,
            "wall_sequence": "inner-outer-inner wall",
            "ironing_type": "top",
        },
        printer=PrinterProfile(is_bambu=False),
    ),
    "under-extrusion: flow ratio stops at the recommended maximum": Case(
        (found("under_extrusion"),),
        {
            "under_extrusion": [
                ("filament_flow_ratio", 1.04, 1.05),
                ("filament_max_volumetric_speed", 21, 18.9),
            ]
        },
        settings={"filament_flow_ratio": "1.04", "filament_max_volumetric_speed": 21},
    ),
}


def _summary(plan: TuningPlan) -> dict[str, list[tuple[str, object, object]]]:
    result: dict[str, list[tuple[str, object, object]]] = {}
    for advice in plan.advice:
        rows: list[tuple[str, object, object]] = []
        for rec in advice.recommendations:
            if rec.suggested is not None:
                rows.append((rec.setting, rec.current, rec.suggested))
            else:
                rows.append((rec.setting, "adjustment", rec.adjustment))
        result[advice.finding.type.value] = rows
    return result


@pytest.mark.parametrize("name", list(CASES))
def test_rule_table(name: str) -> None:
    case = CASES[name]
    context = PrintContext(
        filament=case.filament,
        printer=case.printer,
        settings=case.settings,  # type: ignore[arg-type]
        prior_changes=case.prior_changes,
    )
    plan = plan_adjustments(case.findings, context)
    assert _summary(plan) == case.expected
    assert list(_summary(plan)) == list(case.expected)  # defect order matters too


def test_every_recommendation_has_a_reason_scope_and_bounds_respected() -> None:
    context = PrintContext(filament=PLA, settings={"nozzle_temperature": 250})
    for defect in DefectType:
        plan = plan_adjustments([found(defect.value, "high")], context)
        for advice in plan.advice:
            assert len(advice.recommendations) <= 2
            for rec in advice.recommendations:
                assert rec.reason.endswith(".")
                if isinstance(rec.suggested, float | int) and not isinstance(rec.suggested, bool):
                    assert rec.minimum is None or rec.suggested >= rec.minimum
                    assert rec.maximum is None or rec.suggested <= rec.maximum


def test_nozzle_far_above_the_rated_range_is_brought_into_it() -> None:
    plan = plan_adjustments(
        [found("stringing", "low")],
        PrintContext(filament=PLA, settings={"nozzle_temperature": 250}),
    )
    (rec,) = plan.advice[0].recommendations
    assert (rec.current, rec.suggested) == (250, 245)
    assert (rec.minimum, rec.maximum) == (190, 500)


def test_low_confidence_and_absent_defects_are_not_acted_on() -> None:
    findings = [
        found("stringing", "medium", 0.45),
        DefectFinding(DefectType.WARPING, False, Severity.NONE, 0.95),
    ]
    plan = plan_adjustments(findings, PrintContext())
    assert plan.advice == ()
    assert [f.type for f in plan.below_threshold] == [DefectType.STRINGING]
    assert plan.next_calibration is None


@pytest.mark.parametrize(
    ("printer", "done", "expected"),
    [
        (PrinterProfile(), frozenset(), "flow_rate"),
        (PrinterProfile(), frozenset({"flow_rate"}), "flow_dynamics"),
        (PrinterProfile(is_bambu=False), frozenset({"flow_rate"}), "pressure_advance"),
    ],
    ids=["first", "bambu-next", "other-next"],
)
def test_calibration_to_run_next(
    printer: PrinterProfile, done: frozenset[str], expected: str
) -> None:
    context = PrintContext(printer=printer, completed_calibrations=done)
    plan = plan_adjustments([found("surface_roughness")], context)
    calibration = plan.advice[0].calibration
    assert calibration is not None
    assert calibration.id == expected
    if expected == "flow_dynamics":
        assert "Flow Dynamics" in calibration.how


def test_next_calibration_follows_the_calibration_order() -> None:
    findings = [found("under_extrusion", "high"), found("stringing", "medium")]
    plan = plan_adjustments(findings, PrintContext())
    assert [a.calibration.id for a in plan.advice if a.calibration] == [
        "flow_rate",
        "temperature_tower",
    ]
    assert plan.next_calibration is not None
    assert plan.next_calibration.id == "temperature_tower"


def test_plans_are_deterministic() -> None:
    findings = [found(d.value, "medium", 0.8) for d in DefectType]
    context = PrintContext(filament=ABS, settings={"nozzle_temperature": 255})
    assert plan_adjustments(findings, context) == plan_adjustments(list(findings), context)


def test_equal_findings_are_ordered_by_the_taxonomy() -> None:
    plan = plan_adjustments(
        [found("z_banding"), found("stringing"), found("warping")], PrintContext()
    )
    assert [a.finding.type.value for a in plan.advice] == ["warping", "stringing", "z_banding"]


def test_every_defect_has_a_playbook_with_real_levers() -> None:
    assert set(PLAYBOOKS) == set(DefectType)
    for playbook in PLAYBOOKS.values():
        assert playbook.adjustments
        priorities = [a.setting for a in playbook.adjustments]
        assert len(priorities) == len(set(priorities))
        assert "pressure_advance" not in priorities or all(
            a.bambu_only is False for a in playbook.adjustments if a.setting == "pressure_advance"
        )


def test_recommendation_dict_shapes() -> None:
    concrete = (
        plan_adjustments(
            [found("stringing", "low")],
            PrintContext(filament=PLA, settings={"nozzle_temperature": 220}),
        )
        .advice[0]
        .recommendations[0]
    )
    relative = plan_adjustments([found("stringing", "low")], PrintContext()).advice[0]
    assert concrete.to_dict() == {
        "setting": "nozzle_temperature",
        "current": 220,
        "suggested": 215,
        "reason": concrete.reason,
        "scope": "filament",
        "bounds": {"min": 190, "max": 500.0},
    }
    assert relative.recommendations[0].to_dict()["adjustment"] == "-5 °C"
    assert "current" not in relative.recommendations[0].to_dict()
