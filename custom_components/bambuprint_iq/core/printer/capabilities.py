"""Which features a printer offers through the chosen connection method.

Since the January 2025 authorization change, printers outside Developer Mode refuse
unsigned ``print.*`` commands (pause, resume, stop, speed, G-code, starting jobs) while
``system.ledctrl``, status pushes and the camera keep working. The "local" method (a LAN
connection alongside Bambu Connect) is read-only by design, whatever the printer would
accept. This module turns those rules into a set of capabilities plus a stable reason key
for every capability that is missing, so the UI can explain it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from .convert import version_tuple
from .models import PrinterModel


class AuthMethod(StrEnum):
    """How the integration talks to the printer."""

    LOCAL = "local"
    """LAN telemetry next to Bambu Connect; never sends control commands."""
    DEVELOPER = "developer"
    """LAN with the printer in Developer Mode."""
    CLOUD = "cloud"
    """Through Bambu's cloud broker."""


class Capability(StrEnum):
    """A feature the integration can offer."""

    TELEMETRY = "telemetry"
    AMS = "ams"
    CAMERA = "camera"
    LIGHT = "light"
    CONTROL = "control"
    """Pause, resume and stop."""
    SPEED = "speed"
    GCODE = "gcode"
    START_PRINT = "start_print"


class Reason(StrEnum):
    """Stable keys explaining a missing capability (usable as translation keys)."""

    TELEMETRY_ONLY_METHOD = "telemetry_only_method"
    SIGNED_COMMANDS_REQUIRED = "signed_commands_required"
    SIGNING_MODE_UNKNOWN = "signing_mode_unknown"
    UNKNOWN_MODEL = "unknown_model"
    CLOUD_CAMERA_UNSUPPORTED = "cloud_camera_unsupported"
    NO_AMS = "no_ams"


class Summary(StrEnum):
    """One-word overview of :class:`Capabilities`."""

    FULL = "full"
    PARTIAL = "partial"
    TELEMETRY_ONLY = "telemetry_only"


_PRINT_COMMAND_CAPABILITIES = (
    Capability.CONTROL,
    Capability.SPEED,
    Capability.GCODE,
    Capability.START_PRINT,
)
_ACTIVE_CAPABILITIES = frozenset({*_PRINT_COMMAND_CAPABILITIES, Capability.LIGHT})

# Firmware from which each model enforces signed print commands outside Developer Mode.
# Models released after the change enforce it from their first firmware.
_SIGNING_FROM_FIRMWARE: Mapping[PrinterModel, str] = MappingProxyType(
    {
        PrinterModel.X1: "01.08.05.00",
        PrinterModel.X1C: "01.08.05.00",
        PrinterModel.X1E: "01.08.05.00",
        PrinterModel.P1P: "01.08.02.00",
        PrinterModel.P1S: "01.08.02.00",
        PrinterModel.A1: "01.05.00.00",
        PrinterModel.A1_MINI: "01.05.00.00",
    }
)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """The outcome: what is available, and why the rest is not."""

    available: frozenset[Capability]
    missing: Mapping[Capability, Reason] = field(default_factory=lambda: MappingProxyType({}))

    def __contains__(self, capability: object) -> bool:
        """``Capability.LIGHT in capabilities``."""
        return capability in self.available

    @property
    def summary(self) -> Summary:
        """Full, partial, or telemetry only."""
        if not self.missing:
            return Summary.FULL
        if not self.available & _ACTIVE_CAPABILITIES:
            return Summary.TELEMETRY_ONLY
        return Summary.PARTIAL


def firmware_enforces_signing(model: PrinterModel | None, firmware: str | None) -> bool | None:
    """Whether ``firmware`` on ``model`` requires signed commands outside Developer Mode.

    ``None`` when it cannot be told (unknown model or firmware).
    """
    if model is None:
        return None
    threshold = _SIGNING_FROM_FIRMWARE.get(model)
    if threshold is None:
        return True
    current = version_tuple(firmware)
    if current is None:
        return None
    return current >= (version_tuple(threshold) or ())


def resolve_capabilities(
    method: AuthMethod | str,
    *,
    model: PrinterModel | None,
    signed_commands_required: bool | None,
    firmware: str | None = None,
    has_ams: bool | None = None,
) -> Capabilities:
    """Decide the capability set. Pure; cheap enough to call on every state change.

    ``signed_commands_required`` is the printer's own ``fun`` bit 29 and wins over the
    firmware table. ``has_ams`` False removes :attr:`Capability.AMS` (``None`` keeps it).
    Raises ``ValueError`` for an unknown method.
    """
    method = AuthMethod(method)
    missing: dict[Capability, Reason] = {}
    if has_ams is False:
        missing[Capability.AMS] = Reason.NO_AMS
    if model is None:
        missing[Capability.CAMERA] = Reason.UNKNOWN_MODEL
    elif method is AuthMethod.CLOUD:
        missing[Capability.CAMERA] = Reason.CLOUD_CAMERA_UNSUPPORTED

    if method is AuthMethod.LOCAL:
        missing[Capability.LIGHT] = Reason.TELEMETRY_ONLY_METHOD
        for capability in _PRINT_COMMAND_CAPABILITIES:
            missing[capability] = Reason.TELEMETRY_ONLY_METHOD
    else:
        refusal = _print_command_refusal(method, model, signed_commands_required, firmware)
        if refusal is not None:
            for capability in _PRINT_COMMAND_CAPABILITIES:
                missing[capability] = refusal

    available = frozenset(capability for capability in Capability if capability not in missing)
    return Capabilities(available=available, missing=MappingProxyType(missing))


def _print_command_refusal(
    method: AuthMethod,
    model: PrinterModel | None,
    signed_commands_required: bool | None,
    firmware: str | None,
) -> Reason | None:
    """Why ``print.*`` commands would be refused, or ``None`` when they are accepted.

    In Developer Mode the firmware skips signature checks whatever its version, so only
    the printer's own flag can refuse. Cloud connections never run in Developer Mode, so
    there the firmware table decides until the printer reports the flag.
    """
    if method is AuthMethod.DEVELOPER:
        return Reason.SIGNED_COMMANDS_REQUIRED if signed_commands_required else None
    secured = signed_commands_required
    if secured is None:
        secured = firmware_enforces_signing(model, firmware)
    if secured is None:
        return Reason.SIGNING_MODE_UNKNOWN
    return Reason.SIGNED_COMMANDS_REQUIRED if secured else None
