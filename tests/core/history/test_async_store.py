"""The asyncio front: one worker thread, concurrent callers, closed-store errors."""

from __future__ import annotations

import asyncio
from pathlib import Path
import threading

import pytest

from custom_components.bambuprint_iq.core.history import (
    AsyncHistoryStore,
    HistoryStorageError,
    Outcome,
    RetentionPolicy,
)

from .factories import T0, full_record


async def test_concurrent_calls_are_serialised_on_one_thread(tmp_path: Path) -> None:
    store = await AsyncHistoryStore.open(tmp_path)
    try:
        await asyncio.gather(*(store.save(full_record(f"r{i:02d}")) for i in range(40)))
        assert await store.count() == 40
        await asyncio.gather(
            store.set_rating("r01", 3),
            store.set_user_outcome("r02", Outcome.FAILED),
            store.set_defect_tags("r03", ["spaghetti"]),
            store.add_media_id("r04", snapshot_id="snap"),
        )
        assert (await store.get("r01")).rating == 3
        assert (await store.get("r02")).outcome is Outcome.FAILED
        assert (await store.get("r03")).defect_tags == ("spaghetti",)
        assert (await store.get("r04")).snapshot_ids == ("snap-1", "snap")
        assert await store.delete("r05")
        assert len(await store.list_records(limit=5)) == 5
        assert await store.open_record("nobody") is None
        assert len(await store.insight_rows()) == 39
        assert await store.apply_retention(RetentionPolicy(max_records=10), T0) == 29
        threads = {
            t.name for t in threading.enumerate() if t.name.startswith("bambuprint_iq_history")
        }
        assert len(threads) == 1
    finally:
        await store.close()
    with pytest.raises(HistoryStorageError):
        await store.count()
    await store.close()  # closing twice is harmless


async def test_insights_are_computed_off_the_loop(tmp_path: Path) -> None:
    store = await AsyncHistoryStore.open(tmp_path)
    try:
        await store.save_many(full_record(f"r{i}") for i in range(12))
        report = await store.insights()
        assert report.decided_prints == 12
        assert report.overall.successes == 12
        assert not report.predictor.available
    finally:
        await store.close()


async def test_open_failure_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(HistoryStorageError):
        await AsyncHistoryStore.open(blocker / "sub")
