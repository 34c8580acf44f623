"""Bambu Lab printer table: every model and nozzle Bambu Studio has a printer preset for.

``compatible_printers`` must hold exact printer preset names ("Bambu Lab A1 0.4 nozzle"),
so everything that names a printer goes through this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ._data import load_data_file, require_mapping, require_str, require_str_list
from .errors import ProfileError, UnknownPrinterError


@dataclass(frozen=True, slots=True)
class PrinterModel:
    """A printer model as Bambu Studio names it, with the codes telemetry reports."""

    name: str
    model_id: str
    aliases: tuple[str, ...]
    extruders: int
    nozzle_diameters: tuple[str, ...]
    unsupported_plates: tuple[str, ...]

    @property
    def dual_nozzle(self) -> bool:
        """Two extruders (H2D, H2D Pro, H2C, X2D)."""
        return self.extruders > 1

    def preset_name(self, nozzle_diameter: str) -> str:
        """The printer preset name for one nozzle size."""
        return f"{self.name} {nozzle_diameter} nozzle"


@dataclass(frozen=True, slots=True)
class PrinterPreset:
    """One row of the model x nozzle table."""

    model: PrinterModel
    nozzle_diameter: str

    @property
    def name(self) -> str:
        """Exact Bambu Studio printer preset name."""
        return self.model.preset_name(self.nozzle_diameter)


@cache
def printer_models() -> tuple[PrinterModel, ...]:
    """All Bambu Lab models known to the bundled Bambu Studio profile."""
    data = load_data_file("printers.json")
    models_obj = data.get("models")
    if not isinstance(models_obj, list):
        raise ProfileError("printers.json: models must be a list")
    models: list[PrinterModel] = []
    for index, item in enumerate(models_obj):
        where = f"printers.json model {index}"
        entry = require_mapping(item, where)
        extruders = entry.get("extruders")
        if not isinstance(extruders, int) or extruders < 1:
            raise ProfileError(f"{where}: extruders must be a positive integer")
        models.append(
            PrinterModel(
                name=require_str(entry.get("name"), where),
                model_id=require_str(entry.get("model_id"), where),
                aliases=require_str_list(entry.get("aliases"), where),
                extruders=extruders,
                nozzle_diameters=require_str_list(entry.get("nozzle_diameters"), where),
                unsupported_plates=require_str_list(entry.get("unsupported_plates"), where),
            )
        )
    return tuple(models)


@cache
def printer_presets() -> tuple[PrinterPreset, ...]:
    """The full model x nozzle table (56 printer presets in Bambu Studio 2.07)."""
    return tuple(
        PrinterPreset(model, diameter)
        for model in printer_models()
        for diameter in model.nozzle_diameters
    )


def _key(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


@cache
def _model_index() -> dict[str, PrinterModel]:
    index: dict[str, PrinterModel] = {}
    for model in printer_models():
        short = model.name.removeprefix("Bambu Lab ")
        for label in (model.name, short, model.model_id, *model.aliases):
            index[_key(label)] = model
    return index


def find_model(text: str) -> PrinterModel:
    """Resolve a model name, short code ("X1C", "A1 mini") or model id ("N2S")."""
    model = _model_index().get(_key(text))
    if model is None:
        raise UnknownPrinterError(f"unknown Bambu Lab printer model {text!r}")
    return model


def nozzle_label(diameter: float | str) -> str:
    """Normalise 0.4 / "0.40" / "0.4 mm" to the table's "0.4"."""
    raw = diameter if isinstance(diameter, int | float) else diameter.lower().removesuffix("mm")
    try:
        value = float(raw)
    except ValueError as err:
        raise UnknownPrinterError(f"nozzle diameter {diameter!r} is not a number") from err
    label = f"{value:.1f}"
    if abs(float(label) - value) > 1e-6:
        raise UnknownPrinterError(f"nozzle diameter {diameter!r} is not a Bambu Lab nozzle size")
    return label


def find_preset(model: str, nozzle_diameter: float | str) -> PrinterPreset:
    """The printer preset for a model and nozzle size."""
    printer_model = find_model(model)
    label = nozzle_label(nozzle_diameter)
    if label not in printer_model.nozzle_diameters:
        raise UnknownPrinterError(f"{printer_model.name} has no {label} mm nozzle preset")
    return PrinterPreset(printer_model, label)


def preset_by_name(name: str) -> PrinterPreset:
    """Look up a printer preset by its exact Bambu Studio name."""
    for preset in printer_presets():
        if preset.name == name:
            return preset
    raise UnknownPrinterError(f"{name!r} is not a Bambu Lab printer preset name")
