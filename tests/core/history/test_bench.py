"""Benchmark: insights over 10,000 synthetic prints (target < 200 ms; asserted only < 2 s)."""

from __future__ import annotations

from pathlib import Path
import random
import time

from custom_components.bambuprint_iq.core.history import HistoryStore, compute_insights

from .factories import synthetic_record, synthetic_rows


def test_insights_over_10000_prints() -> None:
    rows = list(synthetic_rows(10_000, seed=1, humid_effect=0.8))
    start = time.perf_counter()
    report = compute_insights(rows)
    elapsed = time.perf_counter() - start
    print(f"\ncompute_insights over {len(rows)} prints: {elapsed * 1000:.0f} ms (target < 200 ms)")
    assert report.decided_prints == 10_000
    assert report.predictor.available
    assert elapsed < 2.0


def test_load_and_compute_from_sqlite_at_10000_prints(tmp_path: Path) -> None:
    rng = random.Random(2)
    store = HistoryStore.open(tmp_path)
    try:
        start = time.perf_counter()
        store.save_many(synthetic_record(i, rng) for i in range(10_000))
        saved = time.perf_counter()
        rows = store.insight_rows()
        loaded = time.perf_counter()
        report = compute_insights(rows)
        done = time.perf_counter()
        single = time.perf_counter()
        store.save(synthetic_record(10_000, rng))
        single_done = time.perf_counter()
    finally:
        store.close()
    print(
        f"\nsqlite, 10,000 prints: bulk save {saved - start:.2f} s, load insight rows "
        f"{(loaded - saved) * 1000:.0f} ms, compute {(done - loaded) * 1000:.0f} ms, "
        f"one more save {(single_done - single) * 1000:.1f} ms"
    )
    assert len(rows) == 10_000
    assert report.total_prints == 10_000
    assert loaded - saved < 2.0
    assert single_done - single < 1.0
