"""Printer model from the names the cloud and SSDP use. Pure functions.

The cloud's ``dev_model_name`` and SSDP's ``DevModel.bambu.com`` carry Bambu Studio's model
id (``BL-P001``, ``C12``, ``N7``, ...) for most printers and a marketing name (``P2S``) for
some newer ones; ``dev_product_name`` is a marketing name ("X1 Carbon", "A1 mini").
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from types import MappingProxyType
from typing import Final

from ..printer.models import MODEL_SPECS, PrinterModel

MODEL_IDS: Final[Mapping[str, PrinterModel]] = MappingProxyType(
    {
        "BL-P001": PrinterModel.X1C,
        "BL-P002": PrinterModel.X1,
        "C13": PrinterModel.X1E,
        "C11": PrinterModel.P1P,
        "C12": PrinterModel.P1S,
        "N1": PrinterModel.A1_MINI,
        "N2S": PrinterModel.A1,
        "N7": PrinterModel.P2S,
        "O1S": PrinterModel.H2S,
        "O1D": PrinterModel.H2D,
        "O1E": PrinterModel.H2D_PRO,
        "O1C": PrinterModel.H2C,
        "O1C2": PrinterModel.H2C,
        "N6": PrinterModel.X2D,
    }
)
_NOT_ALNUM: Final = re.compile(r"[^0-9a-z]+")


def _squash(name: str) -> str:
    """Lower case without spaces or punctuation, and without a leading "Bambu Lab"."""
    squashed = _NOT_ALNUM.sub("", name.casefold())
    return squashed.removeprefix("bambulab")


_MARKETING_NAMES: Final[Mapping[str, PrinterModel]] = MappingProxyType(
    {
        **{_squash(model.value): model for model in PrinterModel},
        **{_squash(spec.display_name): model for model, spec in MODEL_SPECS.items()},
    }
)


def model_from_model_id(model_id: str | None) -> PrinterModel | None:
    """Map a Studio model id such as ``C12`` or ``BL-P001``."""
    if not model_id:
        return None
    return MODEL_IDS.get(model_id.strip().upper())


def model_from_marketing_name(name: str | None) -> PrinterModel | None:
    """Map "X1 Carbon", "A1 mini", "H2D Pro", "P2S", "Bambu Lab P1S" and the like."""
    if not name:
        return None
    return _MARKETING_NAMES.get(_squash(name))


def model_from_names(*names: str | None) -> PrinterModel | None:
    """The first of ``names`` that maps, trying each as a model id, then as a marketing name."""
    for name in names:
        model = model_from_model_id(name) or model_from_marketing_name(name)
        if model is not None:
            return model
    return None
