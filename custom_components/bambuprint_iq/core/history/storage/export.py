"""Export print records to JSON (complete, re-importable) or CSV (one flat row per print)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
import csv
from datetime import datetime
from enum import StrEnum
import io
import json
import os
from pathlib import Path
import tempfile
from typing import Any

from ..errors import HistoryStorageError, InvalidRecordError
from ..observation import RoomQuantity
from ..record import PrintRecord

EXPORT_FORMAT_ID = "bambuprint_iq.print_history"
EXPORT_FORMAT_VERSION = 1
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportFormat(StrEnum):
    """Supported export file formats."""

    CSV = "csv"
    JSON = "json"


def records_to_json(records: Iterable[PrintRecord]) -> str:
    """All fields of every record, wrapped with a format id and version."""
    document = {
        "format": EXPORT_FORMAT_ID,
        "version": EXPORT_FORMAT_VERSION,
        "records": [record.as_dict() for record in records],
    }
    return json.dumps(document, ensure_ascii=False, allow_nan=False, indent=1)


def records_from_json(text: str) -> list[PrintRecord]:
    """Parse `records_to_json` output (for restore), validating every record."""
    try:
        document = json.loads(text)
    except ValueError as err:
        raise InvalidRecordError("export is not valid JSON") from err
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT_ID:
        raise InvalidRecordError("not a BambuPrint IQ history export")
    if document.get("version") != EXPORT_FORMAT_VERSION:
        raise InvalidRecordError(f"unsupported export version {document.get('version')!r}")
    records = document.get("records")
    if not isinstance(records, list):
        raise InvalidRecordError("export has no record list")
    return [PrintRecord.from_dict(item) for item in records]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _join(values: Iterable[str | None]) -> str:
    return ";".join(v for v in values if v)


CSV_COLUMNS: tuple[tuple[str, Callable[[PrintRecord], Any]], ...] = (
    ("record_id", lambda r: r.record_id),
    ("printer_id", lambda r: r.printer_id),
    ("model_name", lambda r: r.model_name),
    ("file_name", lambda r: r.file_name),
    ("plate", lambda r: r.plate),
    ("started_at", lambda r: _iso(r.started_at)),
    ("ended_at", lambda r: _iso(r.ended_at)),
    ("estimated_duration_s", lambda r: r.estimated_duration_s),
    ("actual_duration_s", lambda r: r.actual_duration_s),
    ("outcome", lambda r: r.outcome),
    ("detected_outcome", lambda r: r.detected_outcome),
    ("user_outcome", lambda r: r.user_outcome),
    ("materials", lambda r: _join(r.materials)),
    ("brands", lambda r: _join(r.brands)),
    ("colours", lambda r: _join(f.colour for f in r.filaments)),
    ("filament_grams", lambda r: r.filament_grams),
    ("nozzle_target_c", lambda r: r.settings.nozzle_target_c),
    ("bed_target_c", lambda r: r.settings.bed_target_c),
    ("speed_profile", lambda r: r.settings.speed_profile),
    ("hms_codes", lambda r: _join(h.code for h in r.hms)),
    ("ams_humidity_pct", lambda r: r.ams_humidity_percent),
    ("ams_humidity_level", lambda r: r.ams_humidity_level),
    ("room_humidity_pct", lambda r: r.room_mean(RoomQuantity.HUMIDITY)),
    ("room_temp_c", lambda r: r.room_mean(RoomQuantity.TEMPERATURE)),
    ("rating", lambda r: r.rating),
    ("defect_tags", lambda r: _join(r.defect_tags)),
    ("snapshot_ids", lambda r: _join(r.snapshot_ids)),
    ("analysis_ids", lambda r: _join(r.analysis_ids)),
)


def _cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (file names are user input)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, float):
        return round(value, 3)
    return value


def records_to_csv(records: Iterable[PrintRecord]) -> str:
    """One row per print with the columns of CSV_COLUMNS."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(name for name, _ in CSV_COLUMNS)
    for record in records:
        writer.writerow(_cell(getter(record)) for _, getter in CSV_COLUMNS)
    return buffer.getvalue()


def export_records(records: Iterable[PrintRecord], fmt: ExportFormat) -> str:
    """Serialise records in the chosen format."""
    return records_to_csv(records) if fmt is ExportFormat.CSV else records_to_json(records)


def write_export(directory: Path, text: str, fmt: ExportFormat, now: datetime) -> Path:
    """Write an export file atomically (temp file + rename); blocking."""
    name = f"print_history_{now.strftime('%Y%m%dT%H%M%S')}.{fmt.value}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".export-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            target = directory / name
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise HistoryStorageError(f"cannot write export to {directory}: {err}") from err
    return target
