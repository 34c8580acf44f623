"""Static facts about each simulated printer model.

Everything that differs between models (serial prefix, firmware module list, which camera,
which AMS, whether the printer sends deltas) lives in one immutable table so the behaviour
code never branches on model names. Values follow the reference protocol notes and real
captures (module names, hardware versions, flag layouts); they are facts, not copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Family(StrEnum):
    """Firmware family; decides the payload dialect."""

    X1 = "X1"
    P1 = "P1"
    A1 = "A1"
    H2 = "H2"
    P2 = "P2"


class CameraKind(StrEnum):
    """How the printer serves live video."""

    JPEG = "jpeg"  # TLS port 6000, 80-byte auth packet, JPEG frames
    RTSP = "rtsp"  # RTSPS port 322 (not simulated; only the URL is reported)


class AmsKind(StrEnum):
    """AMS hardware generations; the value is the get_version module prefix."""

    AMS = "ams"
    AMS_LITE = "ams_f1"
    AMS_2_PRO = "n3f"
    AMS_HT = "n3s"


@dataclass(frozen=True, slots=True)
class AmsHardware:
    """Per-generation AMS facts."""

    kind: AmsKind
    hw_ver: str
    sw_ver: str
    product_name: str
    slots: int
    type_code: int  # bits 0-3 of the unit `info` field
    first_id: int  # AMS HT units are numbered from 128


AMS_HARDWARE: dict[AmsKind, AmsHardware] = {
    AmsKind.AMS: AmsHardware(AmsKind.AMS, "AMS08", "00.01.06.62", "AMS", 4, 1, 0),
    AmsKind.AMS_LITE: AmsHardware(AmsKind.AMS_LITE, "AMS_F102", "00.00.07.94", "AMS Lite", 4, 2, 0),
    AmsKind.AMS_2_PRO: AmsHardware(AmsKind.AMS_2_PRO, "N3F05", "02.00.19.68", "AMS 2 Pro", 4, 3, 0),
    AmsKind.AMS_HT: AmsHardware(AmsKind.AMS_HT, "N3S05", "02.00.19.67", "AMS HT", 1, 4, 128),
}


@dataclass(frozen=True, slots=True)
class ModuleSpec:
    """One non-AMS entry of the get_version module list."""

    name: str
    hw_ver: str
    sw_ver: str
    project_name: str | None = None
    loader_ver: str | None = None


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Everything model-specific the simulator needs."""

    key: str
    product_name: str
    serial_prefix: str
    model_id: str
    family: Family
    firmware: str
    modules: tuple[ModuleSpec, ...]
    camera: CameraKind
    ams_kind: AmsKind
    max_ams_units: int
    supports_ams_ht: bool
    light_nodes: tuple[str, ...]
    nozzle_type: str
    extruders: int
    home_flag_base: int  # uint32; bit 23 (door) clear, bits 8-9 = 1 (SD card normal)
    stat_base: int | None  # newer firmware reports the door in `stat` bit 23
    fun_base: int  # bit 29 clear (Developer Mode); set at run time when secured
    frame_size: tuple[int, int] = (1280, 720)

    @property
    def sends_deltas(self) -> bool:
        """P1 and A1 firmware publish only changed keys between full pushes."""
        return self.family in (Family.P1, Family.A1)

    @property
    def has_chamber_sensor(self) -> bool:
        """P1/A1 report a constant 5 for chamber_temper."""
        return self.family in (Family.X1, Family.H2, Family.P2)

    @property
    def has_door_sensor(self) -> bool:
        """Door bit exists on enclosed X1/H2/P2S printers."""
        return self.family in (Family.X1, Family.H2, Family.P2)

    @property
    def has_device_tree(self) -> bool:
        """New-protocol printers add `device`, `ver` and packed temperatures."""
        return self.family in (Family.H2, Family.P2)

    @property
    def legacy_tray_fields(self) -> bool:
        """P1/A1 name the drying values tray_temp/tray_time and carry k/n per tray."""
        return self.family in (Family.P1, Family.A1)

    @property
    def idle_stage(self) -> int:
        """stg_cur while idle: -1 on X1-class firmware, 255 on P1/A1."""
        return 255 if self.sends_deltas else -1


_P1_MODULES = (
    ModuleSpec("mc", "MC07", "00.00.29.75", "P1", "00.00.00.23"),
    ModuleSpec("th", "TH09", "00.00.09.95", "P1", "00.00.00.14"),
)
_A1_MODULES = (
    ModuleSpec("mc", "MC02", "00.01.29.83", None, "00.00.00.32"),
    ModuleSpec("th", "TH01", "00.00.07.69", None, "00.00.00.26"),
)
_X1_MODULES = (
    ModuleSpec("mc", "MC07", "00.00.32.89", None, "00.00.00.28"),
    ModuleSpec("mc-sub", "N/A", "00.00.32.89", None, "00.00.00.00"),
    ModuleSpec("th", "TH09", "00.00.07.12", None, "00.00.00.14"),
)


def _p1(key: str, name: str, prefix: str, model_id: str) -> ModelSpec:
    return ModelSpec(
        key=key,
        product_name=name,
        serial_prefix=prefix,
        model_id=model_id,
        family=Family.P1,
        firmware="01.08.02.00",
        modules=(ModuleSpec("esp32", "AP04", "01.11.32.89", model_id), *_P1_MODULES),
        camera=CameraKind.JPEG,
        ams_kind=AmsKind.AMS,
        max_ams_units=4,
        supports_ams_ht=False,
        light_nodes=("chamber_light",),
        nozzle_type="hardened_steel" if key == "P1S" else "stainless_steel",
        extruders=1,
        home_flag_base=0x0D614100,
        stat_base=None,
        fun_base=0x3EC18FFF9CFF,
    )


def _a1(key: str, name: str, prefix: str, model_id: str) -> ModelSpec:
    return ModelSpec(
        key=key,
        product_name=name,
        serial_prefix=prefix,
        model_id=model_id,
        family=Family.A1,
        firmware="01.05.00.00",
        modules=(ModuleSpec("esp32", "AP05", "01.13.33.99", model_id), *_A1_MODULES),
        camera=CameraKind.JPEG,
        ams_kind=AmsKind.AMS_LITE,
        max_ams_units=1,
        supports_ams_ht=False,
        light_nodes=("chamber_light",),
        nozzle_type="stainless_steel",
        extruders=1,
        home_flag_base=0x337D459F,
        stat_base=None,
        fun_base=0x3EC18FFF9CFF,
    )


def _x1(key: str, name: str, prefix: str, model_id: str, ap_hw: str) -> ModelSpec:
    return ModelSpec(
        key=key,
        product_name=name,
        serial_prefix=prefix,
        model_id=model_id,
        family=Family.X1,
        firmware="01.09.00.01" if key == "X1C" else "01.01.02.00",
        modules=(*_X1_MODULES, ModuleSpec("ap", ap_hw, "00.00.50.76", None, "00.00.01.08")),
        camera=CameraKind.RTSP,
        ams_kind=AmsKind.AMS,
        max_ams_units=4,
        supports_ams_ht=True,
        light_nodes=("chamber_light", "work_light"),
        nozzle_type="hardened_steel",
        extruders=1,
        home_flag_base=0xC065CD90,
        stat_base=0x7A58000,
        fun_base=0x3EC18FFF9CFF,
    )


MODELS: dict[str, ModelSpec] = {
    "X1C": _x1("X1C", "Bambu Lab X1-Carbon", "00M", "BL-P001", "AP05"),
    "X1E": _x1("X1E", "Bambu Lab X1E", "03W", "C13", "AP02"),
    "P1P": _p1("P1P", "Bambu Lab P1P", "01S", "C11"),
    "P1S": _p1("P1S", "Bambu Lab P1S", "01P", "C12"),
    "A1": _a1("A1", "Bambu Lab A1", "039", "N2S"),
    "A1MINI": _a1("A1MINI", "Bambu Lab A1 mini", "030", "N1"),
    "H2D": ModelSpec(
        key="H2D",
        product_name="Bambu Lab H2D",
        serial_prefix="094",
        model_id="O1D",
        family=Family.H2,
        firmware="01.01.02.07",
        modules=(
            ModuleSpec("mc", "MC09", "02.05.57.52", None, "02.05.57.52"),
            ModuleSpec("th", "TH08", "02.01.17.55", None, "00.00.17.22"),
            ModuleSpec("ext", "EXT07", "00.00.08.18", None, "00.00.01.00"),
            ModuleSpec("smc", "SMC09", "02.01.12.00", None, "00.00.09.26"),
            ModuleSpec("ap", "AP05", "00.00.51.98", None, "00.00.01.11"),
        ),
        camera=CameraKind.RTSP,
        ams_kind=AmsKind.AMS_2_PRO,
        max_ams_units=4,
        supports_ams_ht=True,
        light_nodes=("chamber_light", "work_light", "chamber_light2"),
        nozzle_type="HS01",
        extruders=2,
        home_flag_base=0xC067DDFF,
        stat_base=0x17802181F0,
        fun_base=0x41AFFF9CFF & ~0x20000000,
    ),
    "P2S": ModelSpec(
        key="P2S",
        product_name="Bambu Lab P2S",
        serial_prefix="22E",
        model_id="N7",
        family=Family.P2,
        firmware="01.01.00.00",
        modules=(
            ModuleSpec("th", "TH03", "02.00.20.82", None, "00.00.00.10"),
            ModuleSpec("smc", "SMC01", "02.00.13.93", None, "00.00.06.03"),
            ModuleSpec("mc", "MC06", "01.00.69.85", None, "00.01.02.07"),
            ModuleSpec("ap", "AP04", "00.00.69.32", None, "00.00.01.11"),
        ),
        camera=CameraKind.RTSP,
        ams_kind=AmsKind.AMS_2_PRO,
        max_ams_units=4,
        supports_ams_ht=True,
        light_nodes=("chamber_light", "work_light"),
        nozzle_type="HS01",
        extruders=1,
        home_flag_base=0xC06555BF,
        stat_base=0x10002080F0,
        fun_base=0x60029FD1A3FF9CB7 & ~0x20000000,
    ),
}

# Aliases accepted on the command line and in configs.
_ALIASES = {
    "A1M": "A1MINI",
    "A1-MINI": "A1MINI",
    "A1 MINI": "A1MINI",
    "X1": "X1C",
    "X1-CARBON": "X1C",
}


class UnknownModelError(ValueError):
    """Raised for a model key that the simulator does not know."""


def get_model(key: str) -> ModelSpec:
    """Look a model up by key, case-insensitively, accepting a few common aliases."""
    normalised = key.strip().upper().replace("_", "")
    normalised = _ALIASES.get(normalised, normalised)
    try:
        return MODELS[normalised]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise UnknownModelError(f"unknown printer model {key!r} (known: {known})") from None
