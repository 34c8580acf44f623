"""Firmware and module versions from ``info.get_version`` replies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .convert import as_text
from .enums import AmsKind
from .models import ModuleIdentity, PrinterModel, model_from_modules

# get_version module-name prefixes of filament units ("n3f/0", "ams_f1/16", ...).
AMS_MODULE_KINDS: Mapping[str, AmsKind] = MappingProxyType(
    {
        "ams": AmsKind.AMS,
        "ams_f1": AmsKind.AMS_LITE,
        "n3f": AmsKind.AMS_2_PRO,
        "n3s": AmsKind.AMS_HT,
    }
)


@dataclass(frozen=True, slots=True)
class ModuleVersion:
    """One entry of the ``module`` list."""

    name: str
    sw_ver: str | None
    hw_ver: str | None
    serial: str | None
    product_name: str | None
    project_name: str | None

    @property
    def ams_kind(self) -> AmsKind | None:
        """The filament-unit family for ``ams/<id>``-style names, else ``None``."""
        prefix, sep, _ = self.name.partition("/")
        return AMS_MODULE_KINDS.get(prefix) if sep else None

    @property
    def ams_id(self) -> int | None:
        """The unit id for ``ams/<id>``-style names, else ``None``."""
        prefix, sep, suffix = self.name.partition("/")
        if not sep or prefix not in AMS_MODULE_KINDS or not suffix.isdigit():
            return None
        return int(suffix)


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """The printer's answer to ``get_version``."""

    model: PrinterModel | None
    firmware_version: str | None
    """Overall firmware version (the ``ota`` module)."""
    serial: str | None
    modules: tuple[ModuleVersion, ...]

    @property
    def ams_modules(self) -> tuple[ModuleVersion, ...]:
        """Modules that are filament units, in reported order."""
        return tuple(module for module in self.modules if module.ams_id is not None)

    def ams_module(self, ams_id: int) -> ModuleVersion | None:
        """The module entry for filament unit ``ams_id``, if reported."""
        return next((m for m in self.modules if m.ams_id == ams_id), None)


def parse_version_info(info: Mapping[str, Any]) -> VersionInfo | None:
    """Build :class:`VersionInfo` from the ``info`` object; ``None`` without a module list."""
    raw_modules = info.get("module")
    if not isinstance(raw_modules, list):
        return None
    modules = tuple(
        module for module in (_parse_module(entry) for entry in raw_modules) if module is not None
    )
    ota = next((module for module in modules if module.name == "ota"), None)
    identities = (
        ModuleIdentity(
            name=module.name,
            hw_ver=module.hw_ver or "",
            project_name=module.project_name or "",
            product_name=module.product_name or "",
        )
        for module in modules
    )
    return VersionInfo(
        model=model_from_modules(identities),
        firmware_version=ota.sw_ver if ota else None,
        serial=ota.serial if ota else None,
        modules=modules,
    )


def _parse_module(entry: Any) -> ModuleVersion | None:
    if not isinstance(entry, dict):
        return None
    name = as_text(entry.get("name"))
    if name is None:
        return None
    return ModuleVersion(
        name=name,
        sw_ver=as_text(entry.get("sw_ver")),
        hw_ver=as_text(entry.get("hw_ver")),
        serial=as_text(entry.get("sn")),
        product_name=as_text(entry.get("product_name")),
        project_name=as_text(entry.get("project_name")),
    )
