"""The checks hassfest and HACS would run, done locally (hassfest itself ships only in Docker).

Manifest keys and order, translations for everything the code refers to, services.yaml,
translations and icons agreeing, brand images, PARALLEL_UPDATES per platform, and the rule that
the core library never imports Home Assistant.
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path
import re
from typing import Any

from PIL import Image
import pytest
import yaml

from custom_components.bambuprint_iq import PLATFORMS
from custom_components.bambuprint_iq.const import DOMAIN

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "custom_components" / DOMAIN
EN = json.loads((PACKAGE / "translations" / "en.json").read_text())
ICONS = json.loads((PACKAGE / "icons.json").read_text())
MANIFEST = json.loads((PACKAGE / "manifest.json").read_text())


def _source(name: str) -> str:
    return (PACKAGE / name).read_text()


def test_manifest_keys_and_order() -> None:
    """domain, name, then alphabetical; everything HACS and hassfest require is present."""
    keys = list(MANIFEST)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    for required in ("codeowners", "documentation", "issue_tracker", "iot_class", "version"):
        assert MANIFEST[required], required
    assert MANIFEST["domain"] == PACKAGE.name
    assert MANIFEST["iot_class"] == "local_push"
    assert MANIFEST["integration_type"] == "device"
    assert MANIFEST["config_flow"] is True
    assert re.fullmatch(r"\d+\.\d+\.\d+", MANIFEST["version"])
    allowed = {
        "domain", "name", "after_dependencies", "codeowners", "config_flow", "dependencies",
        "documentation", "integration_type", "iot_class", "issue_tracker", "loggers",
        "quality_scale", "requirements", "single_config_entry", "ssdp", "version",
    }  # fmt: skip
    assert set(keys) <= allowed


HA_PINNED = ("paho-mqtt", "anthropic", "numpy", "pillow")


def test_requirements_are_compatible_with_home_assistant_pins() -> None:
    """Packages Home Assistant pins itself get ranges (its pin wins, whatever the version);
    every third-party package the code imports is declared."""
    names = {re.split(r"[<>=]", r)[0].lower() for r in MANIFEST["requirements"]}
    for requirement in MANIFEST["requirements"]:
        name = re.split(r"[<>=]", requirement)[0].lower()
        if name in HA_PINNED:
            assert "==" not in requirement, requirement
    assert {"paho-mqtt", "anthropic", "protego", "pypdf", "numpy", "pillow"} <= names


def test_hacs_json() -> None:
    """Only keys HACS knows; the minimum Home Assistant version is the one we test against."""
    hacs = json.loads((REPO / "hacs.json").read_text())
    assert hacs["name"] == MANIFEST["name"]
    assert hacs["homeassistant"] == "2025.4.0"
    assert set(hacs) <= {
        "name", "content_in_root", "zip_release", "filename", "hide_default_branch",
        "country", "homeassistant", "hacs", "persistent_directory",
    }  # fmt: skip


@pytest.mark.parametrize(("name", "size"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_brand_icons(name: str, size: int) -> None:
    """Square PNG icons at the sizes Home Assistant's brand folder expects."""
    with Image.open(PACKAGE / "brand" / name) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)


def test_brand_logo() -> None:
    """A landscape logo at the conventional height."""
    with Image.open(PACKAGE / "brand" / "logo.png") as image:
        assert image.format == "PNG"
        assert image.height == 256
        assert image.width > image.height


def _descriptions() -> list[tuple[str, Any]]:
    """Every entity description the platforms define, with its platform."""
    found: list[tuple[str, Any]] = []
    for platform in PLATFORMS:
        module = importlib.import_module(f"custom_components.{DOMAIN}.{platform.value}")
        modules = [module]
        if platform.value == "sensor":
            modules.append(importlib.import_module(f"custom_components.{DOMAIN}.sensor_ams"))
        for mod in modules:
            for value in vars(mod).values():
                items = value if isinstance(value, tuple) else (value,)
                found.extend(
                    (platform.value, item)
                    for item in items
                    if hasattr(item, "translation_key") and hasattr(item, "key")
                )
    return found


def _translation_keys_in_sources() -> set[tuple[str, str]]:
    """translation_key arguments written directly in entity classes."""
    keys: set[tuple[str, str]] = set()
    for platform in PLATFORMS:
        for path in PACKAGE.glob(f"{platform.value}*.py"):
            for key in re.findall(r'translation_key="([a-z0-9_]+)"', path.read_text()):
                keys.add((platform.value, key))
    return keys


def test_every_entity_translation_key_is_translated() -> None:
    """Entity names come from translations; an untranslated key would show a raw id."""
    used = {(p, d.translation_key) for p, d in _descriptions() if d.translation_key}
    used |= _translation_keys_in_sources()
    assert used
    for platform, key in used:
        assert key in EN["entity"].get(platform, {}), f"{platform}.{key} missing in en.json"
        assert EN["entity"][platform][key]["name"]


def test_enum_options_have_state_translations() -> None:
    """Every option of an enum sensor or select has a translated state."""
    for platform, description in _descriptions():
        options = getattr(description, "options", None)
        if not options or not description.translation_key:
            continue
        states = EN["entity"][platform][description.translation_key].get("state", {})
        assert set(options) <= set(states), description.key


def test_icons_refer_to_translated_entities() -> None:
    """icons.json has no stale keys."""
    for platform, entries in ICONS.get("entity", {}).items():
        for key in entries:
            assert key in EN["entity"].get(platform, {}), f"icon for unknown {platform}.{key}"


def test_config_flow_strings() -> None:
    """Every step, error and abort reason the flow uses is translated."""
    flow_modules = sorted(path.name for path in PACKAGE.glob("config_flow*.py"))
    flow_modules += ["options_flow.py", "options_flow_assistant.py"]
    source = "".join(_source(name) for name in flow_modules)
    steps = set(re.findall(r'step_id="([a-z_]+)"', source))
    steps |= {"developer", "local"}  # shown with step_id=method.value
    for step in steps:
        if step == "init":
            assert "init" in EN["options"]["step"]
        else:
            assert step in EN["config"]["step"], step
    step_methods = set(re.findall(r"async def async_step_([a-z_]+)", source))
    errors = re.findall(r'(?:CONF_[A-Z_]+|"base"): "([a-z_]+)"\}', source)
    errors += re.findall(r'return "([a-z_]+)" if', source) + re.findall(
        r'else "([a-z_]+)"\n', source
    )
    assert errors
    for error in errors:
        if error not in EN["config"]["abort"] and error not in step_methods:  # "… else step"
            assert error in EN["config"]["error"], error
    for reason in re.findall(r'reason="([a-z_]+)"', source):
        assert reason in EN["config"]["abort"], reason


def test_exception_and_issue_keys_are_translated() -> None:
    """Translated errors and repair issues referenced in code exist in en.json."""
    for path in PACKAGE.glob("*.py"):
        source = path.read_text()
        for key in re.findall(r'translation_key="([a-z_]+)"', source):
            if "HomeAssistantError" in source or "ConfigEntry" in source:
                in_exceptions = key in EN.get("exceptions", {})
                in_issues = key in EN.get("issues", {})
                in_entities = any(key in entries for entries in EN["entity"].values())
                in_selectors = key in EN.get("selector", {})
                assert in_exceptions or in_issues or in_entities or in_selectors, (
                    f"{path.name}: {key}"
                )


def test_services_agree_with_translations_and_icons() -> None:
    """services.yaml, the services section of en.json and icons.json name the same actions."""
    services_file = PACKAGE / "services.yaml"
    services = yaml.safe_load(services_file.read_text()) if services_file.exists() else {}
    services = services or {}
    assert set(services) == set(EN.get("services", {}))
    assert set(services) == set(ICONS.get("services", {}))
    for name, spec in services.items():
        translated = EN["services"][name]
        assert translated["name"]
        assert translated["description"]
        assert set((spec or {}).get("fields", {})) <= set(translated.get("fields", {}))


def test_every_platform_sets_parallel_updates() -> None:
    """Quality-scale rule: each platform declares how many updates may run at once."""
    for platform in PLATFORMS:
        module = importlib.import_module(f"custom_components.{DOMAIN}.{platform.value}")
        assert isinstance(module.PARALLEL_UPDATES, int), platform


def test_core_never_imports_home_assistant() -> None:
    """core/ is a standalone library; the HA adapters live one level up."""
    for path in (PACKAGE / "core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "homeassistant" for n in names), path


def test_translations_are_valid_json_with_required_sections() -> None:
    """The file Home Assistant reads for custom integrations."""
    assert {"config", "options", "entity", "exceptions", "issues"} <= set(EN)
