"""Decoding of HMS (health management) entries and ``print_error`` values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from .convert import as_int
from .enums import HmsModule, HmsSeverity
from .hms_texts import hms_message
from .models import MODEL_SPECS, PrinterModel

WIKI_BASE = "https://wiki.bambulab.com/en"
_DEFAULT_WIKI_SERIES = "x1"

_SEVERITIES: Mapping[int, HmsSeverity] = MappingProxyType(
    {1: HmsSeverity.FATAL, 2: HmsSeverity.SERIOUS, 3: HmsSeverity.COMMON, 4: HmsSeverity.INFO}
)
_MODULES: Mapping[int, HmsModule] = MappingProxyType(
    {
        0x03: HmsModule.MC,
        0x05: HmsModule.MAINBOARD,
        0x07: HmsModule.AMS,
        0x08: HmsModule.TOOLHEAD,
        0x0C: HmsModule.XCAM,
        0x12: HmsModule.AMS_LITE,
        0x18: HmsModule.AMS_HT,
    }
)


@dataclass(frozen=True, slots=True)
class HmsError:
    """One active HMS entry, decoded."""

    attr: int
    code: int
    code_str: str
    """``HMS_AAAA_BBBB_CCCC_DDDD`` as shown in Bambu's apps."""
    severity: HmsSeverity
    module: HmsModule
    wiki_url: str
    message: str | None
    """A short explanation from this project's table, when the code is in it."""
    timestamp: int | None
    """Unix seconds when the printer raised it, if reported."""

    @property
    def short_code(self) -> str:
        """The code without the ``HMS_`` prefix, as used in wiki links."""
        return self.code_str[4:]


def hms_code_string(attr: int, code: int) -> str:
    """Format ``attr``/``code`` as ``HMS_AAAA_BBBB_CCCC_DDDD``."""
    return f"HMS_{attr >> 16:04X}_{attr & 0xFFFF:04X}_{code >> 16:04X}_{code & 0xFFFF:04X}"


def decode_hms_entry(entry: Mapping[str, Any], model: PrinterModel | None) -> HmsError | None:
    """Decode one ``hms[]`` element; ``None`` if ``attr`` or ``code`` is not a 32-bit number."""
    attr = as_int(entry.get("attr"))
    code = as_int(entry.get("code"))
    if attr is None or code is None or not 0 <= attr <= 0xFFFFFFFF or not 0 <= code <= 0xFFFFFFFF:
        return None
    code_str = hms_code_string(attr, code)
    series = MODEL_SPECS[model].wiki_series if model is not None else _DEFAULT_WIKI_SERIES
    return HmsError(
        attr=attr,
        code=code,
        code_str=code_str,
        severity=_SEVERITIES.get(code >> 16, HmsSeverity.UNKNOWN),
        module=_MODULES.get(attr >> 24, HmsModule.UNKNOWN),
        wiki_url=f"{WIKI_BASE}/{series}/troubleshooting/hmscode/{code_str[4:]}",
        message=hms_message(attr, code),
        timestamp=_timestamp(entry),
    )


def _timestamp(entry: Mapping[str, Any]) -> int | None:
    """``timestamp`` (Unix seconds) or ``ts_unix`` ("YYYYMMDDhhmmss", read as UTC: the
    printer does not say which zone it uses)."""
    seconds = as_int(entry.get("timestamp"))
    if seconds is not None and seconds > 0:
        return seconds
    text = entry.get("ts_unix")
    if isinstance(text, str) and len(text) == 14 and text.isdigit():
        try:
            moment = datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            return None
        return int(moment.timestamp())
    return None


def format_print_error(value: int | None) -> str | None:
    """``print_error`` as ``"XXXX_XXXX"`` (e.g. 117473286 -> ``"0700_8006"``); ``None`` for 0."""
    if not value:
        return None
    masked = value & 0xFFFFFFFF
    return f"{masked >> 16:04X}_{masked & 0xFFFF:04X}"
