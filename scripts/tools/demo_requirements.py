"""Install what the demo's Home Assistant components need, once.

The test venv has Home Assistant but not the packages of its UI components (frontend, recorder).
Home Assistant would fetch them itself on first start; installing them here up front makes the
first start predictable and lets later starts skip pip entirely.
"""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import homeassistant

COMPONENTS = ("frontend", "recorder", "history", "logbook", "http", "isal", "ffmpeg", "stream")
STAMP = Path(__file__).resolve().parents[2] / ".demo" / "requirements.installed"


def component_requirements() -> list[str]:
    """Requirements declared by the components the demo configuration loads."""
    base = Path(homeassistant.__file__).parent / "components"
    wanted: list[str] = []
    for name in COMPONENTS:
        manifest = base / name / "manifest.json"
        if manifest.is_file():
            wanted.extend(json.loads(manifest.read_text()).get("requirements", []))
    return sorted(set(wanted))


def main() -> None:
    """Install missing requirements with the venv's pip; remember what was installed."""
    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    wanted = component_requirements()
    key = "\n".join(wanted)
    if STAMP.is_file() and STAMP.read_text() == key:
        return
    print("Installing Home Assistant UI components for the demo (first run only)...", flush=True)
    subprocess.run([python, "-m", "pip", "install", "-q", *wanted], check=True)
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(key)


if __name__ == "__main__":
    main()
