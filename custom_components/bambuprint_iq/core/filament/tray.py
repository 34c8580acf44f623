"""The printer's own view of a spool: AMS tray fields from the MQTT report.

Bambu RFID spools carry the maker's nozzle range and drying schedule on the tag; those are
authoritative. Third-party spools only echo the slicer preset the user picked (or zeros),
which is a weak hint and ranks just above generic material defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
import math
import re

from .errors import InvalidSpecInput
from .materials import materials_in
from .values import Range, SpecValues

_BAMBU_OWN_ID = re.compile(r"GF[A-KM-Z]\d{2}")
_NO_TAG = re.compile(r"0*")


def _number(raw: object, field: str) -> float | None:
    """Tray numbers arrive as strings ("55"); "0", "" and None mean unknown."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise InvalidSpecInput(f"tray field {field} is not a number")
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = float(raw.strip())
        except ValueError as err:
            raise InvalidSpecInput(f"tray field {field} is not a number") from err
    else:
        raise InvalidSpecInput(f"tray field {field} is not a number")
    if not math.isfinite(value) or value < 0:
        raise InvalidSpecInput(f"tray field {field} is out of range")
    return value or None


def _text(raw: object, field: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidSpecInput(f"tray field {field} is not text")
    stripped = raw.strip()[:64]
    return stripped or None


@dataclass(frozen=True, slots=True)
class TrayData:
    """Typed AMS tray fields relevant to filament settings (units: °C, hours, mm)."""

    tray_type: str | None = None
    tray_info_idx: str | None = None
    tray_sub_brands: str | None = None
    nozzle_temp_min: float | None = None
    nozzle_temp_max: float | None = None
    bed_temp: float | None = None
    drying_temp: float | None = None
    drying_time_h: float | None = None
    diameter: float | None = None
    tag_uid: str | None = None

    @classmethod
    def from_report(cls, tray: Mapping[str, object]) -> TrayData:
        """Read one ``ams.ams[].tray[]`` entry as the printer sends it (values as strings)."""
        return cls(
            tray_type=_text(tray.get("tray_type"), "tray_type"),
            tray_info_idx=_text(tray.get("tray_info_idx"), "tray_info_idx"),
            tray_sub_brands=_text(tray.get("tray_sub_brands"), "tray_sub_brands"),
            nozzle_temp_min=_number(tray.get("nozzle_temp_min"), "nozzle_temp_min"),
            nozzle_temp_max=_number(tray.get("nozzle_temp_max"), "nozzle_temp_max"),
            bed_temp=_number(tray.get("bed_temp"), "bed_temp"),
            drying_temp=_number(tray.get("drying_temp"), "drying_temp"),
            drying_time_h=_number(tray.get("drying_time"), "drying_time"),
            diameter=_number(tray.get("tray_diameter"), "tray_diameter"),
            tag_uid=_text(tray.get("tag_uid"), "tag_uid"),
        )

    @property
    def material(self) -> str | None:
        """Canonical material of the tray type ("PLA-S" → "PLA")."""
        found = materials_in(self.tray_type or "")
        return found[0] if found else None

    @property
    def is_bambu_rfid(self) -> bool:
        """True when the values come from a Bambu RFID tag rather than a slicer preset.

        The tag id decides when the printer sends it (all zeros = no tag); without it, a
        Bambu-own filament id together with tag-only drying data is taken as RFID.
        """
        if self.tag_uid is not None:
            return _NO_TAG.fullmatch(self.tag_uid) is None
        own_id = self.tray_info_idx is not None and bool(
            _BAMBU_OWN_ID.fullmatch(self.tray_info_idx)
        )
        return own_id and self.drying_temp is not None

    def to_values(self) -> SpecValues:
        """Settings the tray states; unknown (zero) fields stay empty."""
        nozzle: Range | None = None
        low, high = self.nozzle_temp_min, self.nozzle_temp_max
        if low is not None and high is not None and low <= high:
            nozzle = Range(low, high)
        return SpecValues(
            nozzle_temp=nozzle,
            bed_temp=None if self.bed_temp is None else Range.point(self.bed_temp),
            drying_temp=None if self.drying_temp is None else Range.point(self.drying_temp),
            drying_time_h=None if self.drying_time_h is None else Range.point(self.drying_time_h),
            diameter=self.diameter if self.diameter in (1.75, 2.85) else None,
        )
