"""A small JSON file store of analysis results, addressed by analysis id.

One file per analysis, ``<directory>/<id>.json``, written atomically (temporary file and
rename). File work runs in an executor; every method is async. Ids sort by time, so the
newest records are found without reading every file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime
from functools import partial
import json
import os
from pathlib import Path
import tempfile
from typing import Final, TypeVar

from .analysis_id import check_analysis_id
from .context import SettingValue
from .errors import AnalysisNotFound, CorruptAnalysisRecord, InvalidAnalysisId
from .result import AnalysisResult

RECORD_FORMAT: Final = "bambuprint_iq.analysis"
RECORD_VERSION: Final = 1
MAX_RECORD_BYTES: Final = 2 * 1024 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class StoredAnalysis:
    """A record read back from disk. ``result`` is ``AnalysisResult.to_dict()``."""

    analysis_id: str
    created_at: datetime
    printer_id: str | None
    print_job: str | None
    result: Mapping[str, object]

    @property
    def overall_score(self) -> float | None:
        """The score stored with the analysis."""
        analysis = self.result.get("analysis")
        score = analysis.get("overall_score") if isinstance(analysis, Mapping) else None
        return float(score) if isinstance(score, int | float) else None

    def filament_changes(self) -> dict[str, SettingValue]:
        """Concrete filament-profile values suggested by this analysis, first one wins."""
        changes: dict[str, SettingValue] = {}
        analysis = self.result.get("analysis")
        defects = analysis.get("defects") if isinstance(analysis, Mapping) else None
        for defect in defects if isinstance(defects, list) else []:
            recommendations = defect.get("recommendations") if isinstance(defect, Mapping) else []
            for item in recommendations if isinstance(recommendations, list) else []:
                if not isinstance(item, Mapping) or item.get("scope") != "filament":
                    continue
                setting, value = item.get("setting"), item.get("suggested")
                if isinstance(setting, str) and isinstance(value, str | int | float | bool):
                    changes.setdefault(setting, value)
        return changes


class AnalysisStore:
    """Analysis records under one directory chosen by the caller."""

    def __init__(
        self,
        directory: Path,
        *,
        max_records: int | None = 500,
        executor: Executor | None = None,
    ) -> None:
        self._directory = directory
        self._max_records = max_records
        self._executor = executor

    @property
    def directory(self) -> Path:
        """Where the records live."""
        return self._directory

    async def async_save(
        self,
        result: AnalysisResult,
        *,
        printer_id: str | None = None,
        print_job: str | None = None,
    ) -> StoredAnalysis:
        """Write the result; prunes the oldest records beyond ``max_records``."""
        record = StoredAnalysis(
            analysis_id=check_analysis_id(result.analysis_id),
            created_at=result.created_at,
            printer_id=printer_id,
            print_job=print_job,
            result=result.to_dict(),
        )
        await self._run(partial(self._write, record))
        return record

    async def async_load(self, analysis_id: str) -> StoredAnalysis:
        """Read one record; ``AnalysisNotFound`` or ``CorruptAnalysisRecord`` on failure."""
        checked = check_analysis_id(analysis_id)
        return await self._run(partial(self._read, checked))

    async def async_list(
        self, *, printer_id: str | None = None, limit: int = 50
    ) -> list[StoredAnalysis]:
        """Newest first, optionally only one printer's; unreadable files are skipped."""
        return await self._run(partial(self._list, printer_id, limit))

    async def async_delete(self, analysis_id: str) -> bool:
        """Remove a record; False when there was none."""
        path = self._path(check_analysis_id(analysis_id))
        return await self._run(partial(_unlink, path))

    async def _run(self, job: Callable[[], _T]) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, job)

    def _path(self, analysis_id: str) -> Path:
        return self._directory / f"{analysis_id}.json"

    def _ids(self) -> list[str]:
        if not self._directory.is_dir():
            return []
        ids = []
        for path in self._directory.glob("*.json"):
            try:
                ids.append(check_analysis_id(path.stem))
            except InvalidAnalysisId:
                continue  # not one of ours; leave it alone
        return sorted(ids, reverse=True)

    def _write(self, record: StoredAnalysis) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "id": record.analysis_id,
            "created_at": record.created_at.isoformat(),
            "printer_id": record.printer_id,
            "print_job": record.print_job,
            "result": record.result,
        }
        handle, temp_name = tempfile.mkstemp(dir=self._directory, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(payload, file, ensure_ascii=False, indent=1)
            os.replace(temp_name, self._path(record.analysis_id))
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        if self._max_records is not None:
            for old in self._ids()[self._max_records :]:
                self._path(old).unlink(missing_ok=True)

    def _read(self, analysis_id: str) -> StoredAnalysis:
        path = self._path(analysis_id)
        try:
            if path.stat().st_size > MAX_RECORD_BYTES:
                raise CorruptAnalysisRecord(f"analysis {analysis_id} is implausibly large")
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AnalysisNotFound(f"no analysis {analysis_id}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise CorruptAnalysisRecord(f"analysis {analysis_id} is unreadable: {err}") from None
        return _parse_record(data, analysis_id)

    def _list(self, printer_id: str | None, limit: int) -> list[StoredAnalysis]:
        found: list[StoredAnalysis] = []
        for analysis_id in self._ids():
            if len(found) >= limit:
                break
            try:
                record = self._read(analysis_id)
            except (AnalysisNotFound, CorruptAnalysisRecord):
                continue
            if printer_id is None or record.printer_id == printer_id:
                found.append(record)
        return found


def _parse_record(data: object, analysis_id: str) -> StoredAnalysis:
    def bad(why: str) -> CorruptAnalysisRecord:
        return CorruptAnalysisRecord(f"analysis {analysis_id}: {why}")

    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise bad("not an analysis record")
    if data.get("version") != RECORD_VERSION:
        raise bad(f"unsupported record version {data.get('version')!r}")
    if data.get("id") != analysis_id:
        raise bad("the id inside does not match the file name")
    try:
        created_at = datetime.fromisoformat(str(data.get("created_at")))
    except ValueError:
        raise bad("invalid creation time") from None
    result = data.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("analysis"), dict):
        raise bad("missing analysis")
    printer_id, print_job = data.get("printer_id"), data.get("print_job")
    return StoredAnalysis(
        analysis_id=analysis_id,
        created_at=created_at,
        printer_id=printer_id if isinstance(printer_id, str) else None,
        print_job=print_job if isinstance(print_job, str) else None,
        result=result,
    )


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
