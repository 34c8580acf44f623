"""Child process for the kill -9 test: commits records in a loop and reports each commit.

Run as `python -m tests.core.history.kill_writer DIR`. It imports the history library without
the integration package (and so without Home Assistant) to start quickly.
"""

from __future__ import annotations

from pathlib import Path
import sys
import types
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custom_components.bambuprint_iq.core.history import PrintRecord

BATCH_EVERY = 4
BATCH_SIZE = 100
ROOT = Path(__file__).resolve().parents[3]


def expected_record(record_id: str) -> PrintRecord:
    """The exact record the writer stores under `record_id`; bodies are a few kB."""
    from .factories import full_record

    return full_record(record_id, model_name=f"{record_id} " + "x" * 2000, rating=None)


def _import_core_without_integration() -> None:
    for name, path in (
        ("custom_components", ROOT / "custom_components"),
        ("custom_components.bambuprint_iq", ROOT / "custom_components" / "bambuprint_iq"),
        (
            "custom_components.bambuprint_iq.core",
            ROOT / "custom_components" / "bambuprint_iq" / "core",
        ),
    ):
        module = types.ModuleType(name)
        module.__path__ = [str(path)]
        sys.modules[name] = module


def main(directory: Path) -> None:
    """Write forever: a single-record commit, and every few rounds a large batch commit."""
    _import_core_without_integration()
    from custom_components.bambuprint_iq.core.history import HistoryStore

    store = HistoryStore.open(directory)
    start = store.count()
    i = start
    while True:
        store.save(expected_record(f"single-{i}"))
        print(f"single {i}", flush=True)
        if i % BATCH_EVERY == 0:
            store.save_many(expected_record(f"batch-{i}-{j}") for j in range(BATCH_SIZE))
            print(f"batch {i}", flush=True)
        i += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]))
