"""Mapping between PrintRecord and table rows.

The recorder-owned part of a record is one JSON body plus a few columns copied out of it for
fast queries; the user's annotations live in their own columns, so saving a newer recorder
snapshot of a record never overwrites a rating or an outcome correction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
import json
from typing import Any

from ..errors import InvalidRecordError
from ..observation import RoomQuantity
from ..record import PrintRecord
from ..record_parts import Outcome

ANNOTATION_COLUMNS = ("user_outcome", "rating", "defect_tags", "snapshot_ids", "analysis_ids")
RECORDER_COLUMNS = (
    "printer_id",
    "started_at",
    "ended_at",
    "detected_outcome",
    "ams_humidity_pct",
    "ams_humidity_level",
    "room_humidity_pct",
    "room_temp_c",
    "body",
)
SELECT_RECORD = "SELECT record_id, body, " + ", ".join(ANNOTATION_COLUMNS) + " FROM prints"
_DERIVED_KEYS = frozenset({"actual_duration_s", "outcome", "filament_grams"})


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def record_columns(record: PrintRecord) -> dict[str, Any]:
    """Every column of the `prints` row for this record."""
    body = {
        k: v
        for k, v in record.as_dict().items()
        if k not in ANNOTATION_COLUMNS and k not in _DERIVED_KEYS
    }
    return {
        "record_id": record.record_id,
        "printer_id": record.printer_id,
        "started_at": record.started_at.timestamp(),
        "ended_at": None if record.ended_at is None else record.ended_at.timestamp(),
        "detected_outcome": (
            None if record.detected_outcome is None else record.detected_outcome.value
        ),
        "ams_humidity_pct": record.ams_humidity_percent,
        "ams_humidity_level": record.ams_humidity_level,
        "room_humidity_pct": record.room_mean(RoomQuantity.HUMIDITY),
        "room_temp_c": record.room_mean(RoomQuantity.TEMPERATURE),
        "body": _json(body),
        "user_outcome": None if record.user_outcome is None else record.user_outcome.value,
        "rating": record.rating,
        "defect_tags": _json(list(record.defect_tags)),
        "snapshot_ids": _json(list(record.snapshot_ids)),
        "analysis_ids": _json(list(record.analysis_ids)),
    }


def filament_rows(record: PrintRecord) -> list[tuple[Any, ...]]:
    """Rows of `print_filaments` for this record."""
    return [
        (record.record_id, position, f.tray_id, f.material, f.brand, f.grams)
        for position, f in enumerate(record.filaments)
    ]


def _str_list(raw: Any, column: str) -> tuple[str, ...]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError) as err:
        raise InvalidRecordError(f"{column} is not JSON") from err
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise InvalidRecordError(f"{column} must be a JSON list of strings")
    return tuple(value)


def row_to_record(row: Sequence[Any]) -> PrintRecord:
    """Rebuild a record from a row selected with SELECT_RECORD."""
    record_id, body, user_outcome, rating, tags, snapshots, analyses = row
    try:
        data = json.loads(body)
    except (TypeError, ValueError) as err:
        raise InvalidRecordError(f"record {record_id}: body is not JSON") from err
    record = PrintRecord.from_dict(data)
    if record.record_id != record_id:
        raise InvalidRecordError(f"record {record_id}: body belongs to {record.record_id}")
    return replace(
        record,
        user_outcome=None if user_outcome is None else Outcome.parse(user_outcome),
        rating=rating,
        defect_tags=_str_list(tags, "defect_tags"),
        snapshot_ids=_str_list(snapshots, "snapshot_ids"),
        analysis_ids=_str_list(analyses, "analysis_ids"),
    )
