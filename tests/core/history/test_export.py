"""CSV and JSON export, including the async file export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from custom_components.bambuprint_iq.core.history import (
    AsyncHistoryStore,
    ExportFormat,
    InvalidRecordError,
)
from custom_components.bambuprint_iq.core.history.storage import (
    records_from_json,
    records_to_csv,
    records_to_json,
)

from .factories import T0, full_record


def test_json_export_round_trips_and_is_plain_json() -> None:
    records = [
        full_record("a"),
        full_record("b", rating=None, ended_at=None, detected_outcome=None),
    ]
    text = records_to_json(records)
    document = json.loads(text)
    assert document["format"] == "bambuprint_iq.print_history"
    assert len(document["records"]) == 2
    assert document["records"][0]["filament_grams"] == 55.0
    assert records_from_json(text) == records


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "{not json",
        '{"format": "x", "version": 1, "records": []}',
        '{"format": "bambuprint_iq.print_history", "version": 9, "records": []}',
    ],
)
def test_foreign_json_is_rejected(text: str) -> None:
    with pytest.raises(InvalidRecordError):
        records_from_json(text)


def test_csv_has_one_flat_row_per_print_and_defuses_formulas() -> None:
    record = full_record(model_name='=HYPERLINK("http://x")', defect_tags=("stringing", "blobs"))
    rows = list(csv.DictReader(io.StringIO(records_to_csv([record]))))
    assert len(rows) == 1
    row = rows[0]
    assert row["model_name"].startswith("'=")
    assert row["materials"] == "PLA;PETG"
    assert row["defect_tags"] == "stringing;blobs"
    assert row["outcome"] == "success"
    assert row["filament_grams"] == "55.0"
    assert row["actual_duration_s"] == "7200.0"
    assert row["room_humidity_pct"] == "55.0"


async def test_async_export_to_file(tmp_path: Path) -> None:
    store = await AsyncHistoryStore.open(tmp_path / "db")
    try:
        await store.save_many([full_record("a"), full_record("b", printer_id="other")])
        target = await store.export_to_file(
            tmp_path / "exports", ExportFormat.CSV, T0, printer_id="other"
        )
        assert target.name == "print_history_20250301T120000.csv"
        lines = target.read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2
        assert lines[1].startswith("b,other,")
        assert not [p for p in target.parent.iterdir() if p.name.startswith(".export-")]
        text = await store.export(ExportFormat.JSON)
        assert [r.record_id for r in records_from_json(text)] == ["a", "b"]
    finally:
        await store.close()
