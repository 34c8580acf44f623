"""Time to generate one filament for every printer preset (target: all 56 under 0.5 s)."""

from __future__ import annotations

import time

from custom_components.bambuprint_iq.core.profiles import (
    Adjustment,
    PresetShape,
    ProfileRequest,
    RelativeChange,
    generate_presets,
)

from .conftest import acme_pla

ADJUSTMENTS = (
    Adjustment("nozzle_temperature", RelativeChange(delta=-5), "less ooze", "stringing"),
    Adjustment("filament_retraction_length", RelativeChange(delta=0.2), "retract", "stringing"),
    Adjustment("fan_min_speed", RelativeChange(delta=10), "cooling", "overhang_droop"),
)


def test_generate_all_printer_presets_timing() -> None:
    generate_presets(ProfileRequest(acme_pla(), "all"))  # load packaged data once
    for shape in PresetShape:
        request = ProfileRequest(acme_pla(), "all", ADJUSTMENTS, shape=shape)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            result = generate_presets(request)
            best = min(best, time.perf_counter() - start)
        assert len(result.presets) == 56
        print(f"\n{shape.value}: {len(result.presets)} presets in {best * 1000:.1f} ms")
        assert best < 5.0  # generous: shared CI machines; the target is 0.5 s
