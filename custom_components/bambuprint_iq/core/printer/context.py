"""What snapshot builders need to know beyond the raw report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import logging
from typing import Any

from .convert import as_float, as_int, fan_percent
from .models import PrinterModel
from .versions import VersionInfo

_LOGGER = logging.getLogger(__package__)


@dataclass(slots=True)
class BuildContext:
    """Model, versions and a once-per-kind warning channel for one tracked printer.

    Mutable on purpose: the tracker owns exactly one and updates it when ``get_version``
    reveals the model, so builders never allocate a context per message.
    """

    model: PrinterModel | None = None
    version: VersionInfo | None = None
    label: str = "printer"
    """Printer name for log lines (never a secret)."""
    _warned: set[str] = field(default_factory=set, init=False, repr=False)

    @property
    def firmware(self) -> str | None:
        """Overall firmware version, once known."""
        return self.version.firmware_version if self.version else None

    def invalid(self, kind: str, *, exc_info: bool = False) -> None:
        """Report malformed input of ``kind``; each kind is logged once per printer."""
        if kind in self._warned:
            return
        self._warned.add(kind)
        _LOGGER.warning("Ignoring malformed %s from %s", kind, self.label, exc_info=exc_info)

    def checked[T](self, raw: Any, converted: T | None, kind: str) -> T | None:
        """Return ``converted``, warning when a present raw value could not be converted."""
        if converted is None and raw is not None and raw != "":
            self.invalid(kind)
        return converted


def read_int(raw: Mapping[str, Any], key: str, ctx: BuildContext) -> int | None:
    """``raw[key]`` as an int; warns (once) when present but not a number."""
    value = raw.get(key)
    if value is None:
        return None
    number = as_int(value)
    if number is None:
        ctx.invalid(key)
    return number


def read_float(raw: Mapping[str, Any], key: str, ctx: BuildContext) -> float | None:
    """``raw[key]`` as a float; warns (once) when present but not a number."""
    value = raw.get(key)
    if value is None:
        return None
    number = as_float(value)
    if number is None:
        ctx.invalid(key)
    return number


def read_fan(raw: Mapping[str, Any], key: str, ctx: BuildContext) -> int | None:
    """``raw[key]`` (fan level 0-15) as a percentage; warns (once) when out of range."""
    value = raw.get(key)
    if value is None:
        return None
    percent = fan_percent(value)
    if percent is None:
        ctx.invalid(key)
    return percent
