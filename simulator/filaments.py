"""A small catalogue of real filament presets used to stock simulated AMS trays.

Facts (Bambu filament ids, type names, nozzle ranges, drying settings, colours) match what
real printers report, so integration code that maps trays to presets sees familiar values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Filament:
    """A filament preset as a tray reports it."""

    info_idx: str  # tray_info_idx, e.g. "GFA00"
    tray_type: str
    sub_brand: str  # empty for generic / third-party spools
    id_name_base: str  # e.g. "A00"; empty for spools without an RFID tag
    nozzle_min: int
    nozzle_max: int
    drying_temp: int
    drying_time: int
    k: float
    colours: tuple[tuple[str, str], ...]  # (RRGGBBAA, colour code of tray_id_name)
    print_nozzle: int  # nozzle target used when printing with it
    print_bed: int

    @property
    def has_rfid(self) -> bool:
        """Bambu spools carry RFID tags; generic ones report an all-zero tag."""
        return bool(self.id_name_base)


CATALOGUE: tuple[Filament, ...] = (
    Filament(
        "GFA00",
        "PLA",
        "PLA Basic",
        "A00",
        190,
        230,
        55,
        8,
        0.02,
        (("FF6A13FF", "A0"), ("000000FF", "K0"), ("FFFFFFFF", "W0")),
        220,
        55,
    ),
    Filament(
        "GFA01",
        "PLA",
        "PLA Matte",
        "A01",
        190,
        230,
        55,
        8,
        0.02,
        (("000000FF", "K1"), ("AE835BFF", "N3")),
        220,
        55,
    ),
    Filament(
        "GFG02",
        "PETG",
        "PETG HF",
        "G02",
        230,
        260,
        65,
        8,
        0.04,
        (("ADB1B2FF", "D0"), ("0ACC38FF", "G0")),
        250,
        70,
    ),
    Filament(
        "GFB00",
        "ABS",
        "ABS",
        "B00",
        240,
        270,
        80,
        8,
        0.03,
        (("D32941FF", "R0"), ("000000FF", "K0")),
        260,
        90,
    ),
    Filament(
        "GFL99", "PLA", "", "", 190, 240, 0, 0, 0.02, (("161616FF", ""), ("F95959FF", "")), 220, 55
    ),
    Filament("GFG99", "PETG", "", "", 220, 270, 0, 0, 0.04, (("FFFFFFFF", ""),), 245, 70),
)

HIGH_TEMP_CATALOGUE: tuple[Filament, ...] = (
    Filament(
        "GFN04",
        "PA-CF",
        "PAHT-CF",
        "N04",
        260,
        290,
        80,
        12,
        0.03,
        (("000000FF", "K0"),),
        280,
        100,
    ),
    Filament(
        "GFG50",
        "PETG-CF",
        "PETG-CF",
        "G50",
        240,
        270,
        65,
        8,
        0.04,
        (("000000FF", "K0"),),
        255,
        70,
    ),
)
