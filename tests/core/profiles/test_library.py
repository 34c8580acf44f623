"""The on-disk profile library: real files in a temporary folder, async API."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
import json
from pathlib import Path
import zipfile

import pytest

from custom_components.bambuprint_iq.core.profiles import (
    Adjustment,
    InvalidSpecError,
    PresetExistsError,
    PresetShape,
    ProfileLibrary,
    ProfileNotFoundError,
    ProfileRequest,
    ProfileSource,
    ProfileStoreError,
    RelativeChange,
    TargetPrinter,
    parse_preset,
    read_preset_archive,
    validate_preset,
)

from .conftest import acme_pla

TARGETS = (TargetPrinter("X1C", 0.4), TargetPrinter("H2D", 0.4, high_flow=True))
STRINGING = Adjustment("nozzle_temperature", RelativeChange(delta=-5), "less ooze", "stringing")


def _clock() -> Callable[[], datetime]:
    """Deterministic, strictly increasing timestamps."""
    state = {"now": datetime(2026, 1, 1, tzinfo=UTC)}

    def tick() -> datetime:
        state["now"] += timedelta(minutes=1)
        return state["now"]

    return tick


@pytest.fixture
def library(tmp_path: Path) -> ProfileLibrary:
    return ProfileLibrary(tmp_path / "profiles", clock=_clock())


async def test_generate_writes_presets_bundle_and_changes(library: ProfileLibrary) -> None:
    source = ProfileSource(printer_name="Garage X1C", printer_serial="00M09A350100123")
    saved = await library.async_generate_profile(
        ProfileRequest(acme_pla(), TARGETS, (STRINGING,)), source=source, comment="first"
    )
    stored = saved.stored
    assert stored.summary.profile_id == "acme-pla-matte"
    assert stored.info.version == 1
    assert [p.printer_preset for p in stored.presets] == [
        "Bambu Lab H2D 0.4 nozzle",
        "Bambu Lab X1 Carbon 0.4 nozzle",
    ]
    for preset in stored.presets:
        assert preset.path.name == f"{preset.name}.json"
        assert validate_preset(json.loads(preset.path.read_bytes())).ok
        assert dict(parse_preset(preset.path.read_bytes())) == dict(preset.document)
    assert zipfile.is_zipfile(stored.bundle_path)
    assert stored.bundle_path.name == "Acme PLA Matte.bbsflmt"
    assert len(read_preset_archive(stored.bundle_path.read_bytes())) == 2
    changes = json.loads(stored.changes_path.read_text())
    h2d = next(p for p in changes["presets"] if p["printer_preset"].startswith("Bambu Lab H2D"))
    adjusted = [c for c in h2d["changes"] if c["origin"] == "adjustment"]
    assert adjusted == [
        {
            "key": "nozzle_temperature",
            "base": ["215", "215"],
            "new": ["215", "210"],
            "reason": "less ooze",
            "origin": "adjustment",
            "source_defect": "stringing",
            "clamped": False,
        }
    ]
    assert "00M09A350100123" not in repr(source)


async def test_regenerating_adds_a_version_and_keeps_history(library: ProfileLibrary) -> None:
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    second = await library.async_generate_profile(
        ProfileRequest(acme_pla(), TARGETS, (STRINGING,)),
        source=ProfileSource(analysis_id="an-42"),
        comment="after stringing",
    )
    assert second.stored.info.version == 2
    history = await library.async_history("acme-pla-matte")
    assert [(v.version, v.comment, v.source.analysis_id) for v in history] == [
        (1, "", None),
        (2, "after stringing", "an-42"),
    ]
    first = await library.async_get_profile("acme-pla-matte", 1)
    assert first.presets[0].document["nozzle_temperature"] == ("215", "215")
    diff = await library.async_diff_profiles(
        "acme-pla-matte", "acme-pla-matte", left_version=1, right_version=2
    )
    assert [(d.printer_preset, d.key, d.left, d.right) for d in diff.differences] == [
        ("Bambu Lab H2D 0.4 nozzle", "nozzle_temperature", ("215", "215"), ("215", "210")),
        ("Bambu Lab X1 Carbon 0.4 nozzle", "nozzle_temperature", ("215",), ("210",)),
    ]


async def test_list_rename_clone_delete(library: ProfileLibrary) -> None:
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    other = acme_pla(
        material_type="PETG", product_name="Tough", nozzle_temp_max=260, nozzle_temp_recommended=240
    )
    await library.async_generate_profile(ProfileRequest(other, (TargetPrinter("P1S"),)))
    listed = await library.async_list_profiles()
    assert [s.profile_id for s in listed] == ["acme-petg-tough", "acme-pla-matte"]

    renamed = await library.async_rename_profile("acme-pla-matte", "Acme PLA Velvet")
    assert renamed.summary.profile_id == "acme-pla-matte"
    assert renamed.summary.filament_name == "Acme PLA Velvet"
    assert renamed.info.comment == "renamed from Acme PLA Matte"
    for preset in renamed.presets:
        assert preset.name.startswith("Acme PLA Velvet @")
        assert preset.document["filament_settings_id"] == (preset.name,)
        assert validate_preset(dict(json.loads(preset.path.read_bytes()))).ok

    clone = await library.async_clone_profile("acme-pla-matte", "Acme PLA Velvet Dry")
    assert clone.summary.profile_id == "acme-pla-velvet-dry"
    assert clone.presets[0].document["filament_id"] != renamed.presets[0].document["filament_id"]
    diff = await library.async_diff_profiles("acme-pla-matte", "acme-pla-velvet-dry")
    assert diff.differences == ()

    await library.async_delete_profile("acme-pla-velvet-dry")
    assert not (library.root / "acme-pla-velvet-dry").exists()
    with pytest.raises(ProfileNotFoundError):
        await library.async_get_profile("acme-pla-velvet-dry")
    with pytest.raises(ProfileNotFoundError):
        await library.async_delete_profile("acme-pla-velvet-dry")


async def test_diff_between_shapes_compares_effective_values(library: ProfileLibrary) -> None:
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    inherited = await library.async_generate_profile(
        ProfileRequest(acme_pla(), TARGETS, shape=PresetShape.INHERITED, label="inh")
    )
    diff = await library.async_diff_profiles("acme-pla-matte", inherited.stored.summary.profile_id)
    assert {d.key for d in diff.differences} == {"inherits"}


async def test_bad_names_and_ids(library: ProfileLibrary) -> None:
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    with pytest.raises(InvalidSpecError):
        await library.async_rename_profile("acme-pla-matte", "  /// ")
    with pytest.raises(InvalidSpecError):
        await library.async_clone_profile("acme-pla-matte", "Generic PLA")
    for bad in ("../etc", "ACME", ""):
        with pytest.raises(ProfileNotFoundError):
            await library.async_get_profile(bad)
    with pytest.raises(ProfileNotFoundError):
        await library.async_get_profile("acme-pla-matte", 9)


async def test_damaged_metadata_is_skipped_in_list_and_reported_on_read(
    library: ProfileLibrary, caplog: pytest.LogCaptureFixture
) -> None:
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    broken = library.root / "broken"
    broken.mkdir()
    (broken / "profile.json").write_text("{not json")
    wrong = library.root / "wrong"
    wrong.mkdir()
    (wrong / "profile.json").write_text(json.dumps({"format": 1, "versions": []}))
    listed = await library.async_list_profiles()
    assert [s.profile_id for s in listed] == ["acme-pla-matte"]
    assert "broken" in caplog.text
    with pytest.raises(ProfileStoreError):
        await library.async_get_profile("broken")
    with pytest.raises(ProfileStoreError, match="no versions"):
        await library.async_history("wrong")


async def test_latest_preset_for_a_printer(library: ProfileLibrary) -> None:
    assert await library.async_latest_preset_for("Bambu Lab X1 Carbon 0.4 nozzle") is None
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    petg = acme_pla(
        material_type="PETG", product_name="Tough", nozzle_temp_max=260, nozzle_temp_recommended=240
    )
    await library.async_generate_profile(ProfileRequest(petg, TARGETS))
    latest = await library.async_latest_preset_for("Bambu Lab X1 Carbon 0.4 nozzle")
    assert latest is not None
    assert latest.name == "Acme PETG Tough @Bambu Lab X1 Carbon 0.4 nozzle"
    pla = await library.async_latest_preset_for(
        "Bambu Lab X1 Carbon 0.4 nozzle", filament_type="pla", vendor="ACME"
    )
    assert pla is not None
    assert pla.name.startswith("Acme PLA Matte @")
    assert await library.async_latest_preset_for("Bambu Lab A1 0.4 nozzle") is None


async def test_concurrent_generations_become_consecutive_versions(
    library: ProfileLibrary,
) -> None:
    requests = [ProfileRequest(acme_pla(), TARGETS) for _ in range(3)]
    saved = await asyncio.gather(*(library.async_generate_profile(r) for r in requests))
    assert sorted(s.stored.info.version for s in saved) == [1, 2, 3]
    assert len(await library.async_list_profiles()) == 1
    assert not list(library.root.rglob("*.info"))
    assert not list(library.root.rglob(".tmp-*"))


async def test_install_into_slicer_user_folder(library: ProfileLibrary, tmp_path: Path) -> None:
    await library.async_generate_profile(ProfileRequest(acme_pla(), TARGETS))
    await library.async_generate_profile(
        ProfileRequest(acme_pla(), TARGETS, shape=PresetShape.INHERITED, label="inh")
    )
    user = tmp_path / "BambuStudio" / "user" / "default"
    user.mkdir(parents=True)
    roots = await library.async_install_to_slicer("acme-pla-matte", user)
    assert {p.parent for p in roots} == {user / "filament" / "base"}
    inherited = await library.async_install_to_slicer("acme-pla-matte-inh", user)
    assert {p.parent for p in inherited} == {user / "filament"}
    assert all(p.name.endswith(" nozzle.json") for p in (*roots, *inherited))
    roots[0].write_text("user edit")
    with pytest.raises(PresetExistsError):
        await library.async_install_to_slicer("acme-pla-matte", user)
    assert roots[0].read_text() == "user edit"
    await library.async_install_to_slicer("acme-pla-matte", user, overwrite=True)
    assert validate_preset(json.loads(roots[0].read_text())).ok
    with pytest.raises(ProfileStoreError):
        await library.async_install_to_slicer("acme-pla-matte", tmp_path / "missing")
