"""Property tests: random specs and adjustment sets always give valid, in-bounds presets."""

from __future__ import annotations

from collections.abc import Callable
import importlib.util
import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.bambuprint_iq.core.profiles import (
    FILAMENT_TYPES,
    AbsoluteChange,
    Adjustment,
    ChangeOrigin,
    FilamentSpec,
    GenerationResult,
    NoSystemPresetError,
    PlateType,
    PresetShape,
    ProfileRequest,
    RelativeChange,
    TargetPrinter,
    generate_presets,
    parse_preset,
    preset_json_bytes,
    printer_presets,
    validate_preset,
)
from custom_components.bambuprint_iq.core.profiles.bounds import static_bounds
from custom_components.bambuprint_iq.core.profiles.schema import option_schema
from custom_components.bambuprint_iq.core.profiles.values import as_vector, parse_number

SHARED_CHECKER = Path(__file__).resolve().parents[3].parent / "shared/tools/validate_preset.py"


def _load_shared_check() -> Callable[[object, set[str]], tuple[list[str], list[str]]] | None:
    """The reference checker when ../shared exists (also applied to random presets)."""
    if not SHARED_CHECKER.is_file():
        return None
    spec = importlib.util.spec_from_file_location("shared_validate_preset_prop", SHARED_CHECKER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check: Callable[[object, set[str]], tuple[list[str], list[str]]] = module.check
    return check


SHARED_CHECK = _load_shared_check()
KNOWN_PRINTERS = {p.name for p in printer_presets()}
PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SCHEMA_KEYS = sorted(option_schema())
NAME_TEXT = st.text(max_size=30)


@st.composite
def specs(draw: st.DrawFn) -> FilamentSpec:
    low = draw(st.integers(150, 300))
    high = draw(st.integers(low, 350))
    in_range = st.none() | st.integers(low, high)
    stated = draw(st.booleans())
    fan_max = draw(st.none() | st.integers(0, 100))
    fan_min = draw(st.none() | st.integers(0, 100 if fan_max is None else fan_max))
    plates = draw(st.lists(st.sampled_from(PlateType), unique=True, max_size=5))
    return FilamentSpec(
        material_type=draw(st.sampled_from(FILAMENT_TYPES)),
        vendor=draw(st.none() | NAME_TEXT),
        product_name=draw(st.none() | NAME_TEXT),
        nozzle_temp_min=low if stated else None,
        nozzle_temp_max=high if stated else None,
        nozzle_temp_recommended=draw(in_range)
        if stated
        else draw(st.none() | st.integers(150, 350)),
        nozzle_temp_initial_layer=draw(in_range) if stated else None,
        bed_temps=tuple((p, draw(st.integers(0, 120))) for p in plates),
        max_volumetric_speed=draw(st.none() | st.floats(0.5, 60)),
        flow_ratio=draw(st.none() | st.floats(0.5, 1.5)),
        fan_min_speed=fan_min,
        fan_max_speed=fan_max,
        density=draw(st.none() | st.floats(0.5, 5)),
        drying_temp=draw(st.none() | st.floats(30, 120)),
        drying_hours=draw(st.none() | st.floats(0.5, 72)),
        abrasive=draw(st.none() | st.booleans()),
    )


def _absolute_values(key: str) -> st.SearchStrategy[float | int | bool | str]:
    spec = option_schema()[key]
    return st.one_of(
        st.floats(-2000, 2000),
        st.integers(-2000, 2000),
        st.booleans(),
        st.sampled_from([*spec.choices, "nil", "95%", "abc"]),
    )


@st.composite
def adjustments(draw: st.DrawFn) -> Adjustment:
    key = draw(st.sampled_from([*SCHEMA_KEYS, "outer_wall_speed"]))
    change: AbsoluteChange | RelativeChange
    if key in option_schema() and draw(st.booleans()):
        change = AbsoluteChange(draw(_absolute_values(key)))
    else:
        delta = draw(st.floats(-100, 100))
        percent = draw(st.floats(-90, 200))
        if delta == 0 and percent == 0:
            delta = 1.0
        change = RelativeChange(delta=delta, percent=percent)
    return Adjustment(key, change, "property test", draw(st.none() | st.text(max_size=10)))


@st.composite
def targets(draw: st.DrawFn) -> tuple[TargetPrinter, ...]:
    presets = draw(st.lists(st.sampled_from(printer_presets()), min_size=1, max_size=3))
    return tuple(
        TargetPrinter(
            p.model.name, float(p.nozzle_diameter), high_flow=draw(st.none() | st.booleans())
        )
        for p in presets
    )


def _generate(request: ProfileRequest) -> GenerationResult | None:
    try:
        return generate_presets(request)
    except NoSystemPresetError:
        return None  # the material exists on none of the drawn printers


def _assert_in_bounds(document: dict[str, str | list[str]]) -> None:
    schema = option_schema()
    for key, value in document.items():
        spec = schema.get(key)
        if spec is None or not spec.is_numeric:
            continue
        low, high = static_bounds(key)
        for item in as_vector(value if isinstance(value, str) else tuple(value)):
            number = parse_number(item)
            if number is not None:
                assert low - 1e-9 <= number <= high + 1e-9 or not math.isfinite(low), (key, item)


@PROPERTY_SETTINGS
@given(specs(), st.lists(adjustments(), max_size=6), targets(), st.sampled_from(list(PresetShape)))
def test_random_requests_give_valid_in_bounds_presets(
    spec: FilamentSpec,
    adjustment_list: list[Adjustment],
    target_list: tuple[TargetPrinter, ...],
    shape: PresetShape,
) -> None:
    vendor_reserved = (spec.vendor or "").strip().casefold() in {"bambu", "bambu lab", "generic"}
    request = ProfileRequest(
        spec, target_list, tuple(adjustment_list), shape=None if vendor_reserved else shape
    )
    result = _generate(request)
    if result is None:
        return
    for preset in result.presets:
        document = preset.to_json_dict()
        report = validate_preset(document)
        assert report.ok, report.errors
        if SHARED_CHECK is not None:
            errors, warnings = SHARED_CHECK(json.loads(json.dumps(document)), KNOWN_PRINTERS)
            assert (errors, warnings) == ([], []), preset.name
        _assert_in_bounds(document)
        assert dict(parse_preset(preset_json_bytes(preset.document))) == dict(preset.document)
        applied = [c for c in preset.changes if c.origin is ChangeOrigin.ADJUSTMENT]
        assert len(applied) + len(preset.skipped_adjustments) == len(adjustment_list)
        notes = json.dumps(document["filament_notes"])
        assert all(c.key in notes for c in applied)


@PROPERTY_SETTINGS
@given(specs())
def test_same_filament_gets_same_id_everywhere(spec: FilamentSpec) -> None:
    result = _generate(ProfileRequest(spec, "all"))
    assert result is not None
    ids = {p.document.get("filament_id") for p in result.presets}
    assert ids in ({result.filament_id}, {None})
    assert all(p.name.endswith(f"@{p.printer_preset}") for p in result.presets)
