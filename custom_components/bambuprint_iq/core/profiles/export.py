"""Files Bambu Studio and OrcaSlicer import: one ``.json`` per preset, a ``.bbsflmt``
filament bundle (Bambu Studio) and a flat ``.zip`` (OrcaSlicer)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
import io
import json
import zipfile

from .errors import PresetParseError
from .parse import MAX_PRESET_BYTES, parse_preset
from .results import preset_json_dict
from .values import PresetValue, as_vector

BUNDLE_STRUCTURE = "bundle_structure.json"
BUNDLE_TYPE = "filament config bundle"
MAX_BUNDLE_MEMBERS = 512

type Document = Mapping[str, PresetValue]


def preset_json_bytes(document: Document) -> bytes:
    """UTF-8 JSON, 4-space indent, header keys first: the layout the slicer writes."""
    return (json.dumps(preset_json_dict(document), indent=4, ensure_ascii=False) + "\n").encode()


def preset_file_name(document: Document) -> str:
    """``<preset name>.json``: the slicer takes the preset name from the file name."""
    name = document.get("name")
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or name[0] == ".":
        raise ValueError(f"preset name {name!r} cannot be a file name")
    return f"{name}.json"


def bundle_file_name(filament_name: str) -> str:
    """``<filament name>.bbsflmt``."""
    return f"{filament_name}.bbsflmt"


def _vendor(document: Document) -> str:
    vendor = document.get("filament_vendor")
    return as_vector(vendor)[0] if vendor else "Custom"


def _zip(members: Sequence[tuple[str, bytes]], created: datetime) -> bytes:
    stamp = (
        max(created.year, 1980),
        created.month,
        created.day,
        created.hour,
        created.minute,
        created.second,
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, payload in members:
            archive.writestr(zipfile.ZipInfo(path, date_time=stamp), payload)
    return buffer.getvalue()


def build_filament_bundle(
    documents: Sequence[Document], *, filament_name: str, created: datetime
) -> bytes:
    """A ``.bbsflmt``: ``<vendor>/<name>.json`` per preset plus ``bundle_structure.json``.

    Bambu Studio only reads the preset members; the structure file mirrors what its own
    export writes so the bundle looks familiar ("offline" id, no user id).
    """
    members: list[tuple[str, bytes]] = []
    by_vendor: dict[str, list[str]] = {}
    for document in documents:
        path = f"{_vendor(document)}/{preset_file_name(document)}"
        members.append((path, preset_json_bytes(document)))
        by_vendor.setdefault(_vendor(document), []).append(path)
    structure = {
        "bundle_id": f"offline_{filament_name}_{int(created.timestamp())}",
        "bundle_type": BUNDLE_TYPE,
        "filament_name": filament_name,
        "filament_vendor": [
            {"vendor": vendor, "filament_path": paths} for vendor, paths in by_vendor.items()
        ],
        "version": "",
    }
    members.append((BUNDLE_STRUCTURE, json.dumps(structure, indent=4).encode()))
    return _zip(members, created)


def build_preset_zip(documents: Sequence[Document], *, created: datetime) -> bytes:
    """Flat zip of ``<name>.json`` files (OrcaSlicer imports it into the user folder)."""
    return _zip([(preset_file_name(d), preset_json_bytes(d)) for d in documents], created)


def read_preset_archive(data: bytes) -> tuple[Document, ...]:
    """Presets inside a ``.bbsflmt``/``.zip`` (member paths ignored, like the slicer)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as err:
        raise PresetParseError(f"not a zip archive: {err}") from err
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_BUNDLE_MEMBERS:
            raise PresetParseError(f"archive has more than {MAX_BUNDLE_MEMBERS} members")
        documents: list[Document] = []
        for info in infos:
            base = info.filename.rsplit("/", 1)[-1]
            if base == BUNDLE_STRUCTURE or not base.endswith(".json"):
                continue
            if info.file_size > MAX_PRESET_BYTES:
                raise PresetParseError(f"{base}: larger than {MAX_PRESET_BYTES} bytes")
            documents.append(parse_preset(archive.read(info), base))
    return tuple(documents)
