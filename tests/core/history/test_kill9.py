"""kill -9 in the middle of writing loses nothing that was committed, and the file reopens.

A child process commits records in a loop (single-record transactions plus large batch
transactions) and reports each commit on stdout after COMMIT returns. The test SIGKILLs it
at a varying moment, usually inside a write, then checks: the database opens cleanly, passes
SQLite's integrity check, holds every reported record byte for byte, and every batch is
either complete or absent.
"""

from __future__ import annotations

import os
from pathlib import Path
import signal
import sqlite3
import subprocess
import sys
import time

from custom_components.bambuprint_iq.core.history import HistoryStore
from custom_components.bambuprint_iq.core.history.storage import DB_FILENAME

from .kill_writer import BATCH_SIZE, ROOT, expected_record


def _run_and_kill(directory: Path, commits_before_kill: int, extra_delay_s: float) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.core.history.kill_writer", str(directory)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    reported: list[str] = []
    try:
        deadline = time.monotonic() + 20
        while sum(line.startswith("single") for line in reported) < commits_before_kill:
            line = child.stdout.readline()
            assert line, f"writer died early: {child.stderr.read() if child.stderr else ''}"
            reported.append(line.strip())
            assert time.monotonic() < deadline, "writer too slow"
        time.sleep(extra_delay_s)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        rest, _ = child.communicate(timeout=10)
    assert child.returncode == -signal.SIGKILL
    return reported + [line for line in rest.splitlines() if line]


def test_sigkill_mid_write_keeps_every_committed_record(tmp_path: Path) -> None:
    directory = tmp_path / "bambuprint_iq"
    acknowledged: list[str] = []
    for round_no, (commits, delay) in enumerate(((6, 0.0), (10, 0.013), (14, 0.031))):
        acknowledged += _run_and_kill(directory, commits, delay)
        wal = directory / (DB_FILENAME + "-wal")
        assert wal.exists()
        assert wal.stat().st_size > 0  # died with uncheckpointed writes
        store = HistoryStore.open(directory)  # must open cleanly after the kill
        try:
            assert store.integrity_ok(), f"integrity check failed after round {round_no}"
            singles = [line.split()[1] for line in acknowledged if line.startswith("single")]
            batches = [line.split()[1] for line in acknowledged if line.startswith("batch")]
            assert singles
            assert batches
            for i in singles:
                assert store.get(f"single-{i}") == expected_record(f"single-{i}")
            for i in batches:
                for j in (0, BATCH_SIZE // 2, BATCH_SIZE - 1):
                    assert store.get(f"batch-{i}-{j}") == expected_record(f"batch-{i}-{j}")
        finally:
            store.close()
        with sqlite3.connect(directory / DB_FILENAME) as conn:
            stored = [row[0] for row in conn.execute("SELECT record_id FROM prints")]
        batch_ids = {rid.rsplit("-", 1)[0] for rid in stored if rid.startswith("batch-")}
        for batch in batch_ids:  # an interrupted batch is all or nothing
            count = sum(rid.startswith(batch + "-") for rid in stored)
            assert count == BATCH_SIZE, f"{batch} is partial: {count} of {BATCH_SIZE}"
