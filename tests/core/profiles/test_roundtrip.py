"""Generate -> serialise -> parse gives the same values, for files and bundles."""

from __future__ import annotations

from datetime import UTC, datetime
import io
import json
import zipfile

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    AbsoluteChange,
    Adjustment,
    PresetParseError,
    PresetShape,
    ProfileRequest,
    build_filament_bundle,
    build_preset_zip,
    generate_presets,
    parse_preset,
    preset_file_name,
    preset_json_bytes,
    read_preset_archive,
)

from .conftest import acme_pla

CREATED = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize("shape", list(PresetShape))
def test_every_preset_round_trips(shape: PresetShape) -> None:
    adjustments = (Adjustment("filament_z_hop_types", AbsoluteChange("Slope Lift"), "lift", "x"),)
    result = generate_presets(ProfileRequest(acme_pla(), "all", adjustments, shape=shape))
    assert len(result.presets) == 56
    for preset in result.presets:
        data = preset_json_bytes(preset.document)
        assert dict(parse_preset(data)) == dict(preset.document)
        assert json.loads(data) == preset.to_json_dict()


def test_file_layout_matches_the_slicer() -> None:
    preset = generate_presets(ProfileRequest(acme_pla(), "all")).presets[0]
    text = preset_json_bytes(preset.document).decode()
    assert text.startswith('{\n    "type": "filament",\n    "name": ')
    assert text.endswith("}\n")
    assert preset_file_name(preset.document) == f"{preset.name}.json"


def test_bambu_bundle_and_orca_zip_round_trip() -> None:
    result = generate_presets(ProfileRequest(acme_pla(), "all"))
    documents = [p.document for p in result.presets[:5]]
    bundle = build_filament_bundle(documents, filament_name=result.filament_name, created=CREATED)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        names = archive.namelist()
        structure = json.loads(archive.read("bundle_structure.json"))
    assert all(n.startswith("Acme/") for n in names if n != "bundle_structure.json")
    assert structure["bundle_type"] == "filament config bundle"
    assert structure["bundle_id"] == f"offline_Acme PLA Matte_{int(CREATED.timestamp())}"
    assert structure["filament_vendor"][0]["filament_path"] == names[:5]
    assert [dict(d) for d in read_preset_archive(bundle)] == [dict(d) for d in documents]
    flat = build_preset_zip(documents, created=CREATED)
    assert [dict(d) for d in read_preset_archive(flat)] == [dict(d) for d in documents]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xef\xbb\xbf{}", "byte order mark"),
        (b"\xff\xfe", "not UTF-8"),
        (b"{,}", "invalid JSON"),
        (b"[]", "JSON object"),
        (b'{"nozzle_temperature": [215]}', "array of strings"),
        (b'{"fan": null}', "array of strings"),
    ],
)
def test_parse_rejects_what_the_slicer_would_mangle(data: bytes, message: str) -> None:
    with pytest.raises(PresetParseError, match=message):
        parse_preset(data)


def test_read_archive_rejects_non_zip() -> None:
    with pytest.raises(PresetParseError, match="zip"):
        read_preset_archive(b"not a zip")
