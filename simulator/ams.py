"""Simulated AMS units: tray contents, humidity drift and their payload shape.

Real printers send almost every nested AMS number as a string ("humidity":"4",
"temp":"22.7", "tray_now":"255"), while a few stay ints (remain, state). This module keeps
the state as plain numbers and converts to the wire dialect only when building payloads,
so the drift logic stays simple and the quirks live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import random
from typing import Any

from simulator.filaments import CATALOGUE, HIGH_TEMP_CATALOGUE, Filament
from simulator.models import AMS_HARDWARE, AmsHardware, AmsKind, ModelSpec

JsonDict = dict[str, Any]

EXTERNAL_SPOOL = 254
NOTHING_LOADED = 255


def humidity_level(humidity_percent: float) -> int:
    """Studio's 1..5 level from relative humidity (5 = driest, 1 = wettest)."""
    for level, limit in ((5, 20), (4, 40), (3, 60), (2, 80)):
        if humidity_percent < limit:
            return level
    return 1


@dataclass(slots=True)
class TrayState:
    """One loaded spool."""

    slot: int
    filament: Filament
    colour: str
    colour_code: str
    remain: float  # percent; -1 when unknown (no RFID)
    tag_uid: str
    tray_uuid: str

    def payload(self, legacy: bool) -> JsonDict:
        """Tray object in the dialect of the printer family."""
        f = self.filament
        common: JsonDict = {
            "id": str(self.slot),
            "remain": round(self.remain) if self.remain >= 0 else -1,
            "tag_uid": self.tag_uid,
            "tray_id_name": f"{f.id_name_base}-{self.colour_code}" if f.has_rfid else "",
            "tray_info_idx": f.info_idx,
            "tray_type": f.tray_type,
            "tray_sub_brands": f.sub_brand,
            "tray_color": self.colour,
            "tray_weight": "1000" if f.has_rfid else "0",
            "tray_diameter": "1.75",
            "bed_temp_type": "0",
            "bed_temp": "0",
            "nozzle_temp_max": str(f.nozzle_max),
            "nozzle_temp_min": str(f.nozzle_min),
            "xcam_info": "000000000000000000000000",
            "tray_uuid": self.tray_uuid,
            "ctype": 0,
            "cols": [self.colour],
            "cali_idx": -1,
        }
        if legacy:
            common.update(
                k=f.k,
                n=1,
                tray_temp=str(f.drying_temp),
                tray_time=str(f.drying_time),
            )
        else:
            common.update(
                drying_temp=str(f.drying_temp),
                drying_time=str(f.drying_time),
                state=11,
                total_len=330000,
            )
        return common


@dataclass(slots=True)
class AmsUnitState:
    """One AMS unit and its slots (None = empty slot)."""

    unit_id: int
    hardware: AmsHardware
    extruder: int
    humidity_raw: float
    temperature: float
    trays: list[TrayState | None] = field(default_factory=list)

    @property
    def exist_bit(self) -> int:
        """Bit in ams_exist_bits: the id for 4-slot units, 4 + (id - 128) for AMS HT."""
        if self.hardware.kind is AmsKind.AMS_HT:
            return 4 + self.unit_id - 128
        return self.unit_id

    def tray_bit(self, slot: int) -> int:
        """Bit in tray_exist_bits: id*4 + slot, or 16 + (id - 128) for AMS HT."""
        if self.hardware.kind is AmsKind.AMS_HT:
            return 16 + self.unit_id - 128
        return self.unit_id * 4 + slot

    def global_tray_id(self, slot: int) -> int:
        """Value used in tray_now: ams_id*4 + slot, or the unit id for AMS HT."""
        if self.hardware.kind is AmsKind.AMS_HT:
            return self.unit_id
        return self.unit_id * 4 + slot

    def drift(self, rng: random.Random, dt: float, ambient: float) -> None:
        """Humidity wanders slowly (about one percent per few minutes)."""
        if rng.random() < min(1.0, dt / 150.0):
            self.humidity_raw = min(65.0, max(8.0, self.humidity_raw + rng.choice((-1.0, 1.0))))
        if rng.random() < min(1.0, dt / 240.0):
            self.temperature = round(ambient + 2.0 + rng.uniform(-0.6, 0.6), 1)

    def payload(self, legacy: bool) -> JsonDict:
        """Unit object in the dialect of the printer family."""
        level = humidity_level(self.humidity_raw)
        has_temp = self.hardware.kind is not AmsKind.AMS_LITE
        unit: JsonDict = {
            "id": str(self.unit_id),
            "humidity": str(level),
            "humidity_raw": str(round(self.humidity_raw)),
            "temp": f"{self.temperature:.1f}" if has_temp else "0.0",
        }
        if not legacy:
            base = 0x2000 if self.hardware.kind is AmsKind.AMS_HT else 0x1000
            unit["info"] = format(base | (self.extruder << 8) | self.hardware.type_code, "x")
            unit["dry_time"] = 0
        unit["tray"] = [
            tray.payload(legacy) if tray is not None else {"id": str(slot)}
            for slot, tray in enumerate(self.trays)
        ]
        return unit


def _hex_id(rng: random.Random, length: int) -> str:
    return "".join(rng.choice("0123456789ABCDEF") for _ in range(length))


def _stock_tray(rng: random.Random, slot: int, catalogue: tuple[Filament, ...]) -> TrayState:
    filament = rng.choice(catalogue)
    colour, code = rng.choice(filament.colours)
    if filament.has_rfid:
        return TrayState(
            slot,
            filament,
            colour,
            code,
            float(rng.randint(15, 100)),
            _hex_id(rng, 8) + "00000100",
            _hex_id(rng, 32),
        )
    return TrayState(slot, filament, colour, code, -1.0, "0" * 16, "0" * 32)


def build_units(
    spec: ModelSpec, rng: random.Random, count: int, ht_count: int, ambient: float
) -> list[AmsUnitState]:
    """Create `count` 4-slot units of the model's AMS kind plus `ht_count` AMS HT units."""
    units: list[AmsUnitState] = []
    hardware = AMS_HARDWARE[spec.ams_kind]
    for index in range(count):
        units.append(_new_unit(spec, rng, hardware, index, index, ambient, CATALOGUE))
    ht = AMS_HARDWARE[AmsKind.AMS_HT]
    for index in range(ht_count):
        units.append(
            _new_unit(
                spec, rng, ht, ht.first_id + index, count + index, ambient, HIGH_TEMP_CATALOGUE
            )
        )
    return units


def _new_unit(
    spec: ModelSpec,
    rng: random.Random,
    hardware: AmsHardware,
    unit_id: int,
    position: int,
    ambient: float,
    catalogue: tuple[Filament, ...],
) -> AmsUnitState:
    trays: list[TrayState | None] = []
    for slot in range(hardware.slots):
        empty = hardware.slots > 1 and rng.random() < 0.15
        trays.append(None if empty else _stock_tray(rng, slot, catalogue))
    return AmsUnitState(
        unit_id=unit_id,
        hardware=hardware,
        extruder=position % spec.extruders,
        humidity_raw=float(rng.randint(12, 45)),
        temperature=round(ambient + 2.0, 1),
        trays=trays,
    )


def ams_payload(
    units: list[AmsUnitState], tray_now: int, tray_prev: int, legacy: bool, version: int
) -> JsonDict:
    """The `print.ams` object, with the bit fields derived from the units."""
    ams_bits = 0
    tray_bits = 0
    bbl_bits = 0
    for unit in units:
        ams_bits |= 1 << unit.exist_bit
        for slot, tray in enumerate(unit.trays):
            if tray is None:
                continue
            tray_bits |= 1 << unit.tray_bit(slot)
            if tray.filament.has_rfid:
                bbl_bits |= 1 << unit.tray_bit(slot)
    payload: JsonDict = {
        "ams": [unit.payload(legacy) for unit in units],
        "ams_exist_bits": format(ams_bits, "x"),
        "tray_exist_bits": format(tray_bits, "x"),
        "tray_is_bbl_bits": format(bbl_bits, "x"),
        "tray_tar": str(tray_now),
        "tray_now": str(tray_now),
        "tray_pre": str(tray_prev),
        "tray_read_done_bits": format(tray_bits, "x"),
        "tray_reading_bits": "0",
        "version": version,
        "insert_flag": True,
        "power_on_flag": False,
    }
    if not legacy:
        payload.update(
            ams_exist_bits_raw=format(ams_bits, "x"), cali_id=0, cali_stat=0, unbind_ams_stat=0
        )
    return payload


def find_tray(units: list[AmsUnitState], global_id: int) -> TrayState | None:
    """The tray behind a tray_now value, if it is an AMS tray."""
    for unit in units:
        for slot, tray in enumerate(unit.trays):
            if tray is not None and unit.global_tray_id(slot) == global_id:
                return tray
    return None


def first_loaded_tray(units: list[AmsUnitState], rng: random.Random) -> int:
    """Pick a loaded tray for a new job, or the external spool when the AMS is empty."""
    loaded = [
        unit.global_tray_id(slot)
        for unit in units
        for slot, tray in enumerate(unit.trays)
        if tray is not None
    ]
    return rng.choice(loaded) if loaded else EXTERNAL_SPOOL
