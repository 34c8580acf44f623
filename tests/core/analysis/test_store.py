"""The JSON analysis store: ids, atomic files, listing, pruning and damaged records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from pathlib import Path

import pytest

from custom_components.bambuprint_iq.core.analysis import (
    AnalysisNotFound,
    AnalysisResult,
    AnalysisStore,
    CorruptAnalysisRecord,
    DefectFinding,
    DefectType,
    FilamentSpec,
    InvalidAnalysisId,
    PrintContext,
    PrintPhase,
    Severity,
    TokenUsage,
    check_analysis_id,
    new_analysis_id,
    plan_adjustments,
)

START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def make_result(minutes: int = 0) -> AnalysisResult:
    created = START + timedelta(minutes=minutes)
    context = PrintContext(filament=FilamentSpec("PLA"), settings={"nozzle_temperature": 220})
    finding = DefectFinding(DefectType.STRINGING, True, Severity.MEDIUM, 0.8)
    return AnalysisResult(
        analysis_id=new_analysis_id(created),
        created_at=created,
        phase=PrintPhase.FINISHED,
        provider="claude",
        model="claude-fake-vision-1",
        overall_score=8.0,
        plan=plan_adjustments([finding], context),
        usage=TokenUsage(input_tokens=1600, output_tokens=120),
        images=(),
    )


async def test_round_trip(tmp_path: Path) -> None:
    store = AnalysisStore(tmp_path / "bambuprint_iq" / "analyses")
    result = make_result()
    saved = await store.async_save(result, printer_id="p1", print_job="benchy.3mf")
    loaded = await store.async_load(result.analysis_id)
    assert loaded == saved
    assert loaded.result == result.to_dict()
    assert loaded.overall_score == 8.0
    assert loaded.print_job == "benchy.3mf"
    assert loaded.filament_changes() == {"nozzle_temperature": 215}
    files = list(store.directory.iterdir())
    assert [f.name for f in files] == [f"{result.analysis_id}.json"]


async def test_list_is_newest_first_and_filters_by_printer(tmp_path: Path) -> None:
    store = AnalysisStore(tmp_path)
    results = [make_result(m) for m in range(4)]
    for index, result in enumerate(results):
        await store.async_save(result, printer_id="p1" if index % 2 else "p2")
    listed = await store.async_list()
    assert [r.analysis_id for r in listed] == [r.analysis_id for r in reversed(results)]
    only_p1 = await store.async_list(printer_id="p1", limit=1)
    assert [r.analysis_id for r in only_p1] == [results[3].analysis_id]


async def test_oldest_records_are_pruned(tmp_path: Path) -> None:
    store = AnalysisStore(tmp_path, max_records=2)
    results = [make_result(m) for m in range(3)]
    for result in results:
        await store.async_save(result)
    with pytest.raises(AnalysisNotFound):
        await store.async_load(results[0].analysis_id)
    assert len(await store.async_list()) == 2


@pytest.mark.parametrize(
    "bad_id", ["../../secrets", "20261124T090000Z-zzzzzzzz", "", "20261124T090000Z-1234abcd.json"]
)
async def test_ids_that_are_not_ids_are_refused(tmp_path: Path, bad_id: str) -> None:
    store = AnalysisStore(tmp_path)
    with pytest.raises(InvalidAnalysisId):
        await store.async_load(bad_id)
    with pytest.raises(InvalidAnalysisId):
        check_analysis_id(bad_id)


async def test_missing_and_deleted_records(tmp_path: Path) -> None:
    store = AnalysisStore(tmp_path)
    result = make_result()
    with pytest.raises(AnalysisNotFound):
        await store.async_load(result.analysis_id)
    await store.async_save(result)
    assert await store.async_delete(result.analysis_id) is True
    assert await store.async_delete(result.analysis_id) is False


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"format": "something else"}),
        json.dumps({"format": "bambuprint_iq.analysis", "version": 99}),
        json.dumps({"format": "bambuprint_iq.analysis", "version": 1, "id": "other"}),
    ],
    ids=["broken", "list", "foreign", "future-version", "id-mismatch"],
)
async def test_damaged_records_are_reported_and_skipped(tmp_path: Path, content: str) -> None:
    store = AnalysisStore(tmp_path)
    good = make_result(1)
    await store.async_save(good)
    damaged_id = new_analysis_id(START)
    (tmp_path / f"{damaged_id}.json").write_text(content, encoding="utf-8")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")  # not ours: ignored
    with pytest.raises(CorruptAnalysisRecord):
        await store.async_load(damaged_id)
    assert [r.analysis_id for r in await store.async_list()] == [good.analysis_id]


def test_ids_sort_by_time() -> None:
    early, late = new_analysis_id(START), new_analysis_id(START + timedelta(seconds=1))
    assert early < late
    assert check_analysis_id(early) == early
