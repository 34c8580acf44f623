"""Share files: export strips personal data, import validates everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    PlateType,
    PrintConditions,
    ProfileLibrary,
    ProfileRequest,
    ProfileSource,
    ShareFormatError,
    ShareInfo,
    TargetPrinter,
    build_share,
    generate_presets,
    read_share,
)
from custom_components.bambuprint_iq.core.profiles.share import REDACTED, scrub_text

from .conftest import acme_pla

SERIAL = "01S00C123456789"
TARGETS = (TargetPrinter("P1S", 0.4), TargetPrinter("A1", 0.4))


async def test_export_strips_names_and_serials_and_imports_back(tmp_path: Path) -> None:
    library = ProfileLibrary(tmp_path / "lib")
    source = ProfileSource(printer_name="Bob's Workshop P1S", printer_serial=SERIAL)
    saved = await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS), source=source)
    conditions = PrintConditions(
        ambient_temp_c=22.5,
        humidity_pct=40,
        plate=PlateType.TEXTURED,
        enclosed=True,
        notes=f"printed on Bob's Workshop P1S ({SERIAL}) at 192.168.1.20, mail bob@example.com",
    )
    data = await library.async_export_share(
        saved.stored.summary.profile_id, conditions=conditions, rating=4
    )
    text = data.decode()
    for secret in (SERIAL, "Bob's Workshop", "192.168.1.20", "bob@example.com"):
        assert secret not in text
    payload = json.loads(text)
    assert payload["conditions"]["notes"].count(REDACTED) == 4
    assert payload["printers"] == ["Bambu Lab A1 0.4 nozzle", "Bambu Lab P1S 0.4 nozzle"]
    assert payload["rating"] == 4

    other = ProfileLibrary(tmp_path / "other")
    imported = await other.async_import_share(data)
    assert imported.summary.filament_name == "Acme PLA Matte"
    assert imported.info.comment == "imported share (rating 4/5)"
    assert [dict(p.document) for p in imported.presets] == [
        dict(p.document) for p in saved.stored.presets
    ]
    again = await other.async_import_share(data)
    assert again.summary.filament_name == "Acme PLA Matte Shared"
    assert again.summary.profile_id == "acme-pla-matte-shared"


def _share(**changes: object) -> bytes:
    result = generate_presets(ProfileRequest(acme_pla(), TARGETS))
    info = ShareInfo(
        "Acme PLA Matte", "Acme", "PLA", ("Bambu Lab P1S 0.4 nozzle",), PrintConditions(), 5
    )
    payload = json.loads(build_share([p.document for p in result.presets], info))
    payload.update(changes)
    return json.dumps(payload).encode()


def test_foreign_keys_and_cloud_ids_are_dropped_on_export() -> None:
    result = generate_presets(ProfileRequest(acme_pla(), TARGETS))
    document = {
        **result.presets[0].document,
        "setting_id": "PFUS123",
        "user_id": "42",
        "printer_serial": SERIAL,
    }
    info = ShareInfo("Acme PLA Matte", "Acme", "PLA", (), PrintConditions(), None)
    preset = json.loads(build_share([document], info))["presets"][0]
    assert {"setting_id", "user_id", "printer_serial"}.isdisjoint(preset)
    assert read_share(build_share([document], info)).documents[0]["name"] == document["name"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff", "not a JSON"),
        (b"[]", "expected an object"),
        (_share(format="other"), "format"),
        (_share(format_version=2), "format"),
        (_share(presets=[]), "presets"),
        (_share(presets=[{"name": 5}]), "array of strings"),
        (_share(presets=[{"name": "Generic PLA", "version": "1.0"}]), "preset 0"),
        (_share(rating=9), "rating"),
        (_share(rating=True), "rating"),
        (_share(printers="all"), "printers"),
        (_share(conditions={"humidity_pct": 140}), "humidity"),
        (_share(conditions={"plate": "glass"}), "plate"),
        (_share(filament={"name": "x"}), "vendor"),
    ],
)
def test_bad_share_files_are_rejected(data: bytes, message: str) -> None:
    with pytest.raises(ShareFormatError, match=message):
        read_share(data)


def test_scrub_text_keeps_ordinary_words() -> None:
    text = "Acme PLA Matte @Bambu Lab X1 Carbon 0.4 nozzle, 215 C, 2026 run"
    assert scrub_text(text) == text
    assert scrub_text("serial 00M09A350100123 ok") == f"serial {REDACTED} ok"
