"""The capability matrix."""

from __future__ import annotations

import pytest

from custom_components.bambuprint_iq.core.printer.capabilities import (
    AuthMethod,
    Capability,
    Reason,
    Summary,
    firmware_enforces_signing,
    resolve_capabilities,
)
from custom_components.bambuprint_iq.core.printer.models import PrinterModel

C = Capability
PRINT_COMMANDS = {C.CONTROL, C.SPEED, C.GCODE, C.START_PRINT}
ALL = set(Capability)


@pytest.mark.parametrize(
    ("method", "model", "signed", "firmware", "available", "reason"),
    [
        # Developer Mode: everything unless the printer says it is secured.
        ("developer", PrinterModel.X1C, False, None, ALL, None),
        ("developer", PrinterModel.X1C, None, "01.09.00.00", ALL, None),
        (
            "developer",
            PrinterModel.H2D,
            True,
            None,
            ALL - PRINT_COMMANDS,
            Reason.SIGNED_COMMANDS_REQUIRED,
        ),
        # Bambu Connect / LAN telemetry: never control, camera yes.
        (
            "local",
            PrinterModel.P1S,
            False,
            None,
            {C.TELEMETRY, C.AMS, C.CAMERA},
            Reason.TELEMETRY_ONLY_METHOD,
        ),
        (
            "local",
            PrinterModel.H2D,
            True,
            None,
            {C.TELEMETRY, C.AMS, C.CAMERA},
            Reason.TELEMETRY_ONLY_METHOD,
        ),
        # Cloud: firmware table decides until the printer reports its flag.
        ("cloud", PrinterModel.A1, None, "01.04.00.00", ALL - {C.CAMERA}, None),
        (
            "cloud",
            PrinterModel.A1,
            None,
            "01.05.00.00",
            ALL - {C.CAMERA} - PRINT_COMMANDS,
            Reason.SIGNED_COMMANDS_REQUIRED,
        ),
        (
            "cloud",
            PrinterModel.P2S,
            None,
            None,
            ALL - {C.CAMERA} - PRINT_COMMANDS,
            Reason.SIGNED_COMMANDS_REQUIRED,
        ),
        (
            "cloud",
            PrinterModel.X1C,
            None,
            None,
            ALL - {C.CAMERA} - PRINT_COMMANDS,
            Reason.SIGNING_MODE_UNKNOWN,
        ),
        (
            "cloud",
            PrinterModel.X1C,
            True,
            "01.04.00.00",
            ALL - {C.CAMERA} - PRINT_COMMANDS,
            Reason.SIGNED_COMMANDS_REQUIRED,
        ),
    ],
)
def test_matrix(
    method: str,
    model: PrinterModel,
    signed: bool | None,
    firmware: str | None,
    available: set[Capability],
    reason: Reason | None,
) -> None:
    result = resolve_capabilities(
        method, model=model, signed_commands_required=signed, firmware=firmware
    )
    assert result.available == frozenset(available)
    assert set(result.missing) == ALL - available
    assert all(result.missing[c] is reason for c in PRINT_COMMANDS & set(result.missing))
    assert C.TELEMETRY in result


def test_light_survives_secured_printer_but_not_local_method() -> None:
    secured = resolve_capabilities(
        AuthMethod.DEVELOPER, model=PrinterModel.X1C, signed_commands_required=True
    )
    assert C.LIGHT in secured
    assert C.CONTROL not in secured
    local = resolve_capabilities(
        AuthMethod.LOCAL, model=PrinterModel.X1C, signed_commands_required=False
    )
    assert local.missing[C.LIGHT] is Reason.TELEMETRY_ONLY_METHOD


def test_unknown_model_and_missing_ams() -> None:
    result = resolve_capabilities(
        "developer", model=None, signed_commands_required=False, has_ams=False
    )
    assert result.missing[C.CAMERA] is Reason.UNKNOWN_MODEL
    assert result.missing[C.AMS] is Reason.NO_AMS


def test_summary_levels() -> None:
    full = resolve_capabilities("developer", model=PrinterModel.X1C, signed_commands_required=False)
    partial = resolve_capabilities(
        "developer", model=PrinterModel.X1C, signed_commands_required=True
    )
    telemetry = resolve_capabilities("local", model=PrinterModel.X1C, signed_commands_required=None)
    assert (full.summary, partial.summary, telemetry.summary) == (
        Summary.FULL,
        Summary.PARTIAL,
        Summary.TELEMETRY_ONLY,
    )


def test_result_is_immutable_and_method_is_validated() -> None:
    result = resolve_capabilities("local", model=PrinterModel.A1, signed_commands_required=None)
    with pytest.raises(TypeError):
        result.missing[C.LIGHT] = Reason.NO_AMS  # type: ignore[index]
    with pytest.raises(ValueError, match="bluetooth"):
        resolve_capabilities("bluetooth", model=PrinterModel.A1, signed_commands_required=None)


@pytest.mark.parametrize(
    ("model", "firmware", "expected"),
    [
        (PrinterModel.P1S, "01.08.01.00", False),
        (PrinterModel.P1S, "01.08.02.00", True),
        (PrinterModel.X1C, "01.08.05.00", True),
        (PrinterModel.H2D, None, True),
        (PrinterModel.A1, "garbage", None),
        (None, "01.00.00.00", None),
    ],
)
def test_firmware_table(
    model: PrinterModel | None, firmware: str | None, expected: bool | None
) -> None:
    assert firmware_enforces_signing(model, firmware) is expected
