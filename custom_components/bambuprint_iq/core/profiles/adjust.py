"""Apply analysis recommendations on top of the filament values, one logged change each.

An adjustment that cannot apply (a process setting, an enum value the slicer does not
know, a plate the material cannot use) is skipped with a reason instead of failing the
whole preset: the rule engine may recommend more than a filament preset can hold.
"""

from __future__ import annotations

import math
import re

from .bounds import PLATE_KEYS, bounds, clamp
from .draft import PresetDraft
from .models import Adjustment, RelativeChange, TargetPrinter
from .results import ChangeOrigin, SkippedAdjustment
from .schema import OptionKind, OptionSpec, format_for, option_schema
from .values import NIL, format_float, parse_number

PROTECTED_KEYS = frozenset(
    {
        "filament_type", "filament_vendor", "filament_extruder_variant", "compatible_printers",
        "compatible_prints", "compatible_printers_condition", "compatible_prints_condition",
        "inherits", "filament_notes", "filament_settings_id", "filament_start_gcode",
        "filament_end_gcode", "default_filament_colour", "filament_is_support",
        "filament_soluble", "filament_printable", "filament_extruder_compatibility",
        "filament_dev_ams_drying_ams_limitations", "volumetric_speed_coefficients",
    }
)  # fmt: skip
"""Identity, layout and G-code: never changed by a print-quality recommendation."""

_FLOAT_OR_PERCENT = re.compile(r"^\d+(\.\d+)?%?$")


class _Skip(Exception):
    """Internal: this adjustment does not apply; the message says why."""


def slot_indices(variants: tuple[str, ...], target: TargetPrinter | None) -> tuple[int, ...]:
    """Variant slots an adjustment touches: the nozzle flavour the print was made with.

    With no flavour known, or none matching (single-variant presets cover every nozzle),
    all slots change.
    """
    everything = tuple(range(len(variants)))
    if target is None or target.high_flow is None:
        return everything
    wanted = "High Flow" if target.high_flow else "Standard"
    matching = tuple(i for i, name in enumerate(variants) if name.endswith(wanted))
    return matching or everything


def _absolute_text(spec: OptionSpec, value: float | int | bool | str) -> str | float:
    """Either final text (bools, enums, strings) or a number still to be clamped."""
    kind = spec.kind
    if value == NIL:
        if spec.nullable:
            return NIL
        raise _Skip("only nullable options can be reset to the printer value")
    if kind is OptionKind.BOOLS:
        if isinstance(value, bool) or value in (0, 1, "0", "1"):
            return "1" if value in (True, 1, "1") else "0"
        raise _Skip(f"{value!r} is not a boolean")
    if kind is OptionKind.ENUMS:
        if isinstance(value, str) and value in spec.choices:
            return value
        raise _Skip(f"{value!r} is not one of {', '.join(spec.choices)}")
    if kind is OptionKind.FLOATS_OR_PERCENTS:
        text = value if isinstance(value, str) else format_float(float(value))
        if isinstance(value, bool) or not _FLOAT_OR_PERCENT.match(text):
            raise _Skip(f"{value!r} is not a length or a percent")
        return text
    if kind in (OptionKind.STRINGS, OptionKind.STRING):
        raise _Skip("text options are not adjusted")
    if isinstance(value, bool):
        raise _Skip(f"{value!r} is not a number")
    try:
        number = parse_number(value) if isinstance(value, str) else float(value)
    except ValueError as err:
        raise _Skip(f"{value!r} is not a number") from err
    if number is None:
        raise _Skip(f"{value!r} is not a number")
    return number


def _current_number(spec: OptionSpec, text: str) -> tuple[float, str | None]:
    """Slot value as a number; "nil" resolves to the value the slicer would use."""
    if text != NIL:
        number = parse_number(text)
        if number is not None:
            return number, None
    if spec.nil_means is None:
        raise _Skip("no current value to move from")
    fallback = parse_number(spec.nil_means)
    if fallback is None:
        raise _Skip("no current value to move from")
    return fallback, f"printer value assumed {spec.nil_means}"


def describe_limits(limits: tuple[float, float]) -> str:
    """Readable limits for the reason of a clamped value: 190..230, at least 0, at most 100."""
    low, high = limits
    if math.isinf(low):
        return f"at most {format_float(high)}"
    if math.isinf(high):
        return f"at least {format_float(low)}"
    return f"{format_float(low)}..{format_float(high)}"


def _apply_one(draft: PresetDraft, adjustment: Adjustment, target: TargetPrinter | None) -> None:
    spec = option_schema().get(adjustment.key)
    if spec is None:
        raise _Skip("not a filament setting (process or printer setting)")
    if adjustment.key in PROTECTED_KEYS:
        raise _Skip("identity, layout and G-code keys are not adjusted")
    if adjustment.key not in draft.system.values:
        raise _Skip("the base preset does not carry this option")
    current = list(draft.vector(adjustment.key))
    indices = (
        slot_indices(draft.system.variants, target)
        if spec.per_variant and len(current) == draft.variant_count
        else tuple(range(len(current)))
    )
    if adjustment.key in PLATE_KEYS and all(current[i] == "0" for i in indices):
        raise _Skip("plate is disabled for this material (0 means not supported)")
    limits = bounds(adjustment.key, draft)
    clamped = False
    notes: list[str] = []
    for index in indices:
        change = adjustment.change
        if isinstance(change, RelativeChange):
            if not spec.is_numeric:
                raise _Skip("relative change on a non-numeric option")
            number, note = _current_number(spec, current[index])
            if note:
                notes.append(note)
            target_value: str | float = change.apply(number)
        else:
            target_value = _absolute_text(spec, change.value)
        if isinstance(target_value, float):
            limited, was_clamped = clamp(target_value, limits)
            clamped = clamped or was_clamped
            target_value = format_for(spec, limited)
        current[index] = target_value
    if tuple(current) == draft.vector(adjustment.key):
        raise _Skip("already at the suggested value")
    reason = adjustment.reason
    if clamped:
        reason += f" (limited to {describe_limits(limits)})"
    if notes:
        reason += f" ({notes[0]})"
    draft.set(
        adjustment.key,
        tuple(current) if spec.is_vector else current[0],
        reason=reason,
        origin=ChangeOrigin.ADJUSTMENT,
        source_defect=adjustment.source_defect,
        clamped=clamped,
    )


def apply_adjustments(
    draft: PresetDraft,
    adjustments: tuple[Adjustment, ...],
    target: TargetPrinter | None,
) -> tuple[SkippedAdjustment, ...]:
    """Apply in order (later ones see earlier results); return the skipped ones."""
    skipped: list[SkippedAdjustment] = []
    for adjustment in adjustments:
        try:
            _apply_one(draft, adjustment, target)
        except _Skip as why:
            skipped.append(SkippedAdjustment(adjustment.key, str(why), adjustment.source_defect))
    return tuple(skipped)
