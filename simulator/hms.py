"""HMS (health management) codes the simulator raises now and then.

The pairs are real attr/code values (module in attr >> 24, severity in code >> 16) taken
from Bambu's public HMS text table, chosen per family so the AMS-related ones match the
AMS hardware the model actually has.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.models import Family


@dataclass(frozen=True, slots=True)
class HmsCode:
    """One HMS attr/code pair."""

    attr: int
    code: int

    @property
    def severity(self) -> int:
        """1 fatal, 2 serious, 3 common, 4 info."""
        return self.code >> 16

    @property
    def text_key(self) -> str:
        """Lookup key used by the HMS text tables, e.g. 0300090000030007."""
        return f"{self.attr:08X}{self.code:08X}"


@dataclass(slots=True)
class ActiveHms:
    """An HMS entry currently reported; `expires_at` None means until cleared."""

    hms: HmsCode
    raised_at: float  # wall-clock seconds, reported as `timestamp` on newer firmware
    expires_at: float | None


_COMMON = (
    HmsCode(0x03000900, 0x00030007),  # extrusion anomaly, retrying
    HmsCode(0x05000100, 0x00030004),  # not enough space on the SD card
    HmsCode(0x03000300, 0x00020002),  # hotend cooling fan slow
)
_AMS = (HmsCode(0x07002000, 0x00030002), HmsCode(0x07002100, 0x00030001))
_AMS_LITE = (HmsCode(0x12002200, 0x00030002), HmsCode(0x12002000, 0x00030001))
_AMS_HT = (HmsCode(0x18002000, 0x00030001),)
_XCAM = (HmsCode(0x0C000300, 0x00030007), HmsCode(0x0C000300, 0x00030006))

HMS_POOL: dict[Family, tuple[HmsCode, ...]] = {
    Family.X1: (*_COMMON, *_AMS, *_XCAM),
    Family.P1: (*_COMMON, *_AMS),
    Family.A1: (*_COMMON, *_AMS_LITE),
    Family.H2: (*_COMMON, *_AMS, *_AMS_HT, *_XCAM),
    Family.P2: (*_COMMON, *_AMS, *_XCAM),
}

# print_error values (device_error table) for jobs that fail on their own.
FAILURE_ERRORS: dict[Family, tuple[int, ...]] = {
    Family.X1: (0x03008003, 0x07008011, 0x0C008001),
    Family.P1: (0x07008011, 0x03008003),
    Family.A1: (0x12008006, 0x03008003),
    Family.H2: (0x03008003, 0x07008006),
    Family.P2: (0x03008003, 0x07008011),
}
CANCELLED_ERROR = 0x0300400C  # "The task was canceled."
