"""Conformance of the text parser against real manufacturer-page snippets.

Reads ``../shared/fixtures/filamentdb/page_snippets.json`` (66 snippets, each with the
expected parse) and measures the share of expected fields the parser gets right. The share
is printed and must stay at or above 90 %. Skips when ``../shared`` is absent.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
from typing import Any

import pytest

from custom_components.bambuprint_iq.core.filament.text import (
    ParsedText,
    classify_label,
    find_temperature_ranges,
    parse_spec_text,
)
from custom_components.bambuprint_iq.core.filament.text.labels import FieldKind
from custom_components.bambuprint_iq.core.filament.tray import TrayData
from custom_components.bambuprint_iq.core.filament.values import Range, Requirement, SpecValues

SNIPPETS = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "fixtures"
    / "filamentdb"
    / "page_snippets.json"
)
TARGET_SHARE = 0.90

Check = tuple[str, bool]


def _same_range(actual: Range | None, expected: Any, point: float | None = None) -> bool:
    """[a, b] is a range, a scalar a single value (or the stated setpoint), null nothing."""
    if expected is None:
        return actual is None
    if isinstance(expected, list):
        return actual == Range(float(expected[0]), float(expected[1]))
    if point is not None:
        return point == float(expected)
    return actual is not None and actual.is_point and actual.low == float(expected)


def _ceiling(actual: Range | None, expected: Any) -> bool:
    if expected is None:
        return actual is None or actual.high is None
    return actual is not None and actual.low is None and actual.high == float(expected)


def _floor(actual: Range | None, expected: Any) -> bool:
    if expected is None:
        return actual is None or actual.low is None
    return actual is not None and actual.high is None and actual.low == float(expected)


def _closed(actual: Range | None, expected: Any) -> bool:
    if expected is None:
        return actual is None or not actual.is_closed
    return _same_range(actual, expected)


_LABEL_KINDS = {"nozzle": FieldKind.NOZZLE_TEMP, "bed": FieldKind.BED_TEMP, "fan": FieldKind.FAN}
_TRUTHY = {Requirement.REQUIRED, Requirement.RECOMMENDED}
_FALSY = {Requirement.NOT_REQUIRED, Requirement.OPTIONAL}


def _requirement_bool(actual: Requirement | None, expected: bool) -> bool:
    return actual in (_TRUTHY if expected else _FALSY)


def _schedules(values: SpecValues, expected: list[dict[str, Any]]) -> list[Check]:
    checks: list[Check] = []
    for index, item in enumerate(expected):
        ok = index < len(values.drying_schedules)
        if ok:
            schedule = values.drying_schedules[index]
            method_words = set((schedule.method or "").split())
            ok = (
                set(item["method"].lower().split()) <= method_words
                and _same_range(schedule.temp, item["temp_c"])
                and _same_range(schedule.time_h, item["time_h"])
            )
        checks.append((f"drying[{index}]", ok))
    return checks


def _field_checks(parsed: ParsedText, values: SpecValues, key: str, expected: Any) -> list[Check]:
    """One check per expected leaf; nested expectations give one check per entry."""
    side = parsed.side_facts
    simple: dict[str, Callable[[], bool]] = {
        "nozzle_temp_c": lambda: _same_range(
            values.nozzle_temp, expected, values.nozzle_temp_recommended
        ),
        "nozzle_temp_range_c": lambda: _same_range(values.nozzle_temp, expected),
        "nozzle_setpoint_c": lambda: values.nozzle_temp_recommended == expected,
        "nozzle_temp_c_max": lambda: _ceiling(values.nozzle_temp, expected),
        "nozzle_temp_c_min": lambda: _floor(values.nozzle_temp, expected),
        "bed_temp_c": lambda: _same_range(values.bed_temp, expected, values.bed_temp_recommended),
        "bed_setpoint_c": lambda: values.bed_temp_recommended == expected,
        "chamber_temp_c": lambda: _same_range(values.chamber_temp, expected),
        "chamber_temp_c_min_only": lambda: _floor(values.chamber_temp, expected),
        "drying_temp_c": lambda: _same_range(values.drying_temp, expected),
        "drying_time_h": lambda: _same_range(values.drying_time_h, expected),
        "drying_time_h_min": lambda: _floor(values.drying_time_h, expected),
        "drying_method": lambda: bool(values.drying_schedules)
        and values.drying_schedules[0].method == expected,
        "drying_required": lambda: (values.drying_requirement is Requirement.REQUIRED) == expected,
        "drying_stated": lambda: (values.drying_requirement is not Requirement.NOT_STATED)
        == expected,
        "print_speed_mm_s": lambda: _closed(values.print_speed, expected),
        "print_speed_max_mm_s": lambda: _ceiling(values.print_speed, expected),
        "fan_pct": lambda: _same_range(values.fan_speed, expected),
        "fan_pct_max": lambda: _ceiling(values.fan_speed, expected),
        "fan_pct_min": lambda: _floor(values.fan_speed, expected),
        "fan": lambda: values.fan_enabled is (expected == "on"),
        "enclosure": lambda: values.enclosure == expected,
        "heated_bed_required": lambda: values.heated_bed_required is expected,
        "hardened_nozzle_required": lambda: _requirement_bool(values.hardened_nozzle, expected),
        "max_volumetric_speed_mm3s": lambda: values.max_volumetric_speed == expected,
        "density_g_cm3": lambda: values.density == expected,
        "diameter_mm": lambda: values.diameter == expected,
        "diameter_tolerance_mm": lambda: values.diameter_tolerance == expected,
        "glass_transition_c": lambda: values.glass_transition_temp == expected,
        "abrasive": lambda: values.abrasive is expected,
        "material": lambda: parsed.material == expected,
        "annealing_temp_c": lambda: _same_range(side.annealing_temp, expected),
        "post_print_treatment_c": lambda: _same_range(side.post_print_temp, expected),
        "device_max_drying_temp_c": lambda: side.device_max_drying_temp == expected,
        "spool_max_temp_c": lambda: side.spool_max_temp == expected,
        "storage_rh_max_pct": lambda: side.storage_rh_max == expected,
    }
    if key in simple and not isinstance(expected, dict):
        return [(key, simple[key]())]
    if key == "drying":
        return _schedules(values, expected)
    if key == "bed_temp_c_by_plate":
        plates = {plate.plate.value: plate.temp for plate in values.bed_temp_by_plate}
        return [(f"plate {p}", _same_range(plates.get(p), want)) for p, want in expected.items()]
    if key == "nozzle_temp_c_by_speed":
        bands = {
            f"{band.speed.low:g}-{band.speed.high:g}": band.nozzle_temp
            for band in values.nozzle_temp_by_speed
        }
        return [(f"band {b}", _same_range(bands.get(b), want)) for b, want in expected.items()]
    if key == "label_map":
        return [
            (f"label {label}", classify_label(label) is _LABEL_KINDS[kind])
            for label, kind in expected.items()
        ]
    if key == "rows":
        checks: list[Check] = []
        for row, fields in expected.items():
            row_values = parsed.rows.get(row)
            for name, want in fields.items():
                ok = row_values is not None and all(
                    passed for _, passed in _field_checks(parsed, row_values, name, want)
                )
                checks.append((f"row {row}.{name}", ok))
        return checks
    # A per-product mapping (one sentence naming two grades) is not read: each entry counts.
    return [
        (f"{key}.{entry}", False) for entry in (expected if isinstance(expected, dict) else [0])
    ]


def _snippet_checks(snippet: dict[str, Any]) -> list[Check]:
    text: str = snippet["text"]
    expected: dict[str, Any] = snippet["expected"]
    if snippet["source_kind"] == "machine_payload":
        tray = TrayData.from_report(json.loads(text))
        parsed = ParsedText(values=tray.to_values())
        checks: list[Check] = []
        for key, want in expected.items():
            if key == "bambu_filament_id":
                checks.append((key, tray.tray_info_idx == want))
            else:
                checks += _field_checks(parsed, parsed.values, key, want)
        return checks
    checks = []
    parsed = parse_spec_text(text, title=snippet["product"])
    for key, want in expected.items():
        if key in {"a", "b"}:
            # Two page templates in one snippet: each "(a)"/"(b)" line is its own page.
            line = next(part for part in text.splitlines() if part.startswith(f"({key})"))
            sub = parse_spec_text(line)
            for name, value in want.items():
                checks += [
                    (f"{key}.{n}", ok) for n, ok in _field_checks(sub, sub.values, name, value)
                ]
        elif key == "each":
            found = find_temperature_ranges(text)
            checks += [
                (f"each[{i}]", i < len(found) and _same_range(found[i], value))
                for i, value in enumerate(want)
            ]
        else:
            checks += _field_checks(parsed, parsed.values, key, want)
    return checks


def test_snippet_share_at_least_90_percent(capsys: pytest.CaptureFixture[str]) -> None:
    """Measure and print the share of expected fields parsed right; require ≥ 90 %."""
    if not SNIPPETS.is_file():
        pytest.skip("../shared reference data not present")
    snippets = json.loads(SNIPPETS.read_text(encoding="utf-8"))["snippets"]
    total = right = 0
    misses: list[str] = []
    for snippet in snippets:
        for name, ok in _snippet_checks(snippet):
            total += 1
            right += ok
            if not ok:
                misses.append(f"{snippet['id']}: {name}")
    share = right / total
    with capsys.disabled():
        print(f"\nfilament snippet conformance: {right}/{total} fields right ({share:.1%})")
        for miss in misses:
            print(f"  miss {miss}")
    assert len(snippets) == 66
    assert share >= TARGET_SHARE
