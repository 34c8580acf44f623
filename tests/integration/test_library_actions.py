"""Filament lookup and profile generation actions inside Home Assistant.

The filament databases are served by a loopback web server (no internet here); the library is
given its addresses the same way the production code gets the public ones.
"""

from __future__ import annotations

from functools import partial
import json
from pathlib import Path
import subprocess
import sys

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
import voluptuous as vol

from custom_components.bambuprint_iq.const import DOMAIN
from simulator.fleet import PrinterInfo
from simulator.sim_thread import SimulatorThread
from tests.fakes.filament_web import FilamentWeb

from .conftest import printer_device, setup_printer
from .test_entities import entity_id, state_of, wait_for

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


async def _call(hass: HomeAssistant, service: str, data: dict[str, object]) -> dict:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )


async def test_lookup_and_correct(hass: HomeAssistant, filament_site: FilamentWeb) -> None:
    """Values come with sources; a user correction wins afterwards."""
    result = await _call(hass, "lookup_filament", {"query": "Polymaker PolyTerra PLA"})
    assert result["status"] == "found"
    nozzle = result["spec"]["settings"]["nozzle_temp"]
    assert nozzle["value"] == {"min": 190, "max": 230}
    assert nozzle["source"] == "open_filament_database"

    await _call(
        hass,
        "correct_filament",
        {"brand": "Polymaker", "product": "PolyTerra PLA",
         "values": {"nozzle_temp_min": 205, "nozzle_temp_max": 215}},
    )  # fmt: skip
    corrected = await _call(hass, "lookup_filament", {"query": "Polymaker PolyTerra PLA"})
    nozzle = corrected["spec"]["settings"]["nozzle_temp"]
    assert nozzle["value"] == {"min": 205, "max": 215}
    assert nozzle["source"] == "user_correction"
    assert Path(hass.config.path(DOMAIN, "filament", "corrections.json")).is_file()


async def test_lookup_input_errors(hass: HomeAssistant, filament_site: FilamentWeb) -> None:
    """Nothing to look up, or nonsense values, are refused clearly."""
    with pytest.raises(vol.Invalid):
        await _call(hass, "lookup_filament", {})
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "correct_filament",
            {"brand": "eSUN", "product": "PETG", "values": {"nozzle_temp_min": "hot"}},
        )
    assert err.value.translation_key == "invalid_filament_values"


async def test_generate_profile_for_a_printer(
    hass: HomeAssistant,
    filament_site: FilamentWeb,
    printer: PrinterInfo,
    hass_client: ClientSessionGenerator,
) -> None:
    """From telemetry (P1S, 0.4) and a filament name to presets with changes and a download."""
    entry = await setup_printer(hass, printer)
    device = printer_device(hass, entry, printer.serial)
    result = await _call(
        hass,
        "generate_profile",
        {"filament": "eSUN PETG", "device_id": [device.id], "printers": ["X1C"]},
    )
    assert result["filament_name"]
    presets = {p["printer_preset"]: p for p in result["presets"]}
    assert any("P1S" in name for name in presets)
    assert any("X1 Carbon" in name for name in presets)
    preset = next(iter(presets.values()))
    assert preset["preset"]["type"] == "filament"
    assert preset["preset"]["from"] == "User"
    assert preset["changes"], "the filament's own temperatures differ from the generic base"
    path = Path(preset["path"])
    assert path.is_relative_to(Path(hass.config.path(DOMAIN, "profiles")))

    client = await hass_client()
    response = await client.get(preset["url"])
    assert response.status == 200
    assert json.loads(await response.text())["name"] == preset["name"]
    traversal = await client.get(preset["url"].rsplit("/", 1)[0] + "/../../../../secrets.yaml")
    assert traversal.status == 404

    if (SHARED / "tools" / "validate_preset.py").is_file():  # the reference checker, when present
        check = await hass.async_add_executor_job(
            partial(
                subprocess.run,
                [sys.executable, str(SHARED / "tools" / "validate_preset.py"), str(path)],
                capture_output=True, text=True, check=False,
            )
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr

    p1s = next(p for name, p in presets.items() if "P1S" in name)
    await wait_for(hass, lambda: state_of(hass, entry, "recommended_profile") == p1s["name"])

    listed = await _call(hass, "list_profiles", {})
    assert [p["profile_id"] for p in listed["profiles"]] == [result["profile_id"]]
    await _call(hass, "delete_profile", {"profile_id": result["profile_id"]})
    assert (await _call(hass, "list_profiles", {}))["profiles"] == []
    await wait_for(hass, lambda: state_of(hass, entry, "recommended_profile") == "unknown")


async def test_generate_profile_errors(hass: HomeAssistant, filament_site: FilamentWeb) -> None:
    """Unknown filament, unknown analysis, no target: each refused with its own error."""
    with pytest.raises(vol.Invalid):
        await _call(hass, "generate_profile", {"filament": "eSUN PETG"})
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "generate_profile",
            {"filament": "Zyxw Unobtainium", "printers": ["X1C"], "allow_network": False},
        )
    assert err.value.translation_key == "filament_unknown"
    with pytest.raises(ServiceValidationError) as err:
        await _call(
            hass,
            "generate_profile",
            {
                "filament": "eSUN PETG",
                "printers": ["X1C"],
                "analysis_id": "20260101T000000Z-0000beef",
            },
        )
    assert err.value.translation_key == "analysis_not_found"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "delete_profile", {"profile_id": "no-such-profile"})
    assert err.value.translation_key == "profile_not_found"


async def test_third_party_spool_gets_recommended_settings(
    hass: HomeAssistant,
    filament_site: FilamentWeb,
    simulator: SimulatorThread,
    printer: PrinterInfo,
) -> None:
    """A non-RFID spool the user described as eSUN PETG shows eSUN's settings on its tray."""
    entry = await setup_printer(hass, printer)
    tray = {
        "id": "2", "tray_type": "PETG", "tray_sub_brands": "eSUN PETG", "tray_color": "1E90FFFF",
        "tag_uid": "0000000000000000", "tray_uuid": "00000000000000000000000000000000",
        "tray_info_idx": "GFG99", "nozzle_temp_min": "220", "nozzle_temp_max": "260", "remain": -1,
    }  # fmt: skip
    await hass.async_add_executor_job(
        simulator.patch_status, printer.serial, {"ams": {"ams": [{"id": "0", "tray": [tray]}]}}
    )
    sensor = entity_id(hass, entry, "ams_0_tray_2_type")

    def recommended() -> dict | None:
        return hass.states.get(sensor).attributes.get("recommended")

    await wait_for(hass, lambda: recommended() is not None, 30)
    assert recommended()["nozzle_temp"] == {"min": 230, "max": 250}
    assert "open_filament_database" in recommended()["sources"]
    # Bambu's own RFID spools need no lookup.
    assert (
        "recommended" not in hass.states.get(entity_id(hass, entry, "ams_0_tray_0_type")).attributes
    )


async def test_share_import_and_install(
    hass: HomeAssistant, filament_site: FilamentWeb, tmp_path: Path
) -> None:
    """A profile leaves as a share file, comes back as a new profile, and lands in a slicer
    folder without overwriting unless asked."""
    allowed = tmp_path / "desktop"
    allowed.mkdir()
    hass.config.allowlist_external_dirs = {str(allowed)}
    generated = await _call(
        hass, "generate_profile", {"filament": "eSUN PETG", "printers": ["X1C"]}
    )
    profile_id = generated["profile_id"]

    share = await _call(
        hass, "share_profile", {"profile_id": profile_id, "rating": 4, "enclosed": True}
    )
    shared = Path(share["path"])
    assert shared.is_relative_to(Path(hass.config.path(DOMAIN)))
    content = json.loads(shared.read_text())
    assert "4" in json.dumps(content)

    copy = allowed / "from-a-friend.json"
    copy.write_bytes(shared.read_bytes())
    imported = await _call(hass, "import_profile", {"path": str(copy)})
    assert imported["printer_presets"]
    listed = await _call(hass, "list_profiles", {})
    assert len(listed["profiles"]) == 2

    slicer = allowed / "BambuStudio" / "user" / "default"
    with pytest.raises(ServiceValidationError) as err:  # no folder named, none configured
        await _call(hass, "install_profile", {"profile_id": profile_id})
    assert err.value.translation_key == "slicer_folder_not_set"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "install_profile", {"profile_id": profile_id, "folder": str(slicer)})
    assert err.value.translation_key == "slicer_folder_missing"
    slicer.mkdir(parents=True)
    installed = await _call(
        hass, "install_profile", {"profile_id": profile_id, "folder": str(slicer)}
    )
    assert installed["files"]
    assert all(Path(f).is_file() for f in installed["files"])
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "install_profile", {"profile_id": profile_id, "folder": str(slicer)})
    assert err.value.translation_key == "preset_exists"
    again = await _call(
        hass,
        "install_profile",
        {"profile_id": profile_id, "folder": str(slicer), "overwrite": True},
    )
    assert again["files"] == installed["files"]

    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "install_profile", {"profile_id": profile_id, "folder": str(tmp_path)})
    assert err.value.translation_key == "path_not_allowed"
    garbage = allowed / "garbage.json"
    garbage.write_text("{}")
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "import_profile", {"path": str(garbage)})
    assert err.value.translation_key == "share_not_imported"
    with pytest.raises(ServiceValidationError) as err:
        await _call(hass, "share_profile", {"profile_id": "nope"})
    assert err.value.translation_key == "profile_not_found"


async def test_generate_profile_from_own_spec(
    hass: HomeAssistant, filament_site: FilamentWeb
) -> None:
    """A spec typed by the user is used as is, without a lookup."""
    spec = {"material_type": "PETG", "vendor": "Acme", "product_name": "Shop PETG",
            "nozzle_temp_min": 235, "nozzle_temp_max": 245}  # fmt: skip
    result = await _call(
        hass,
        "generate_profile",
        {"filament": "Acme Shop PETG", "spec": spec, "printers": ["X1C"], "allow_network": False},
    )
    preset = result["presets"][0]["preset"]
    assert preset["nozzle_temperature_range_low"] == ["235"]
    assert preset["nozzle_temperature_range_high"] == ["245"]
    assert filament_site.hits("/ofd/all.ndjson") == []  # no lookup happened
    with pytest.raises(vol.Invalid):
        await _call(
            hass,
            "generate_profile",
            {"filament": "x", "spec": {"vendor": "no material"}, "printers": ["X1C"]},
        )
