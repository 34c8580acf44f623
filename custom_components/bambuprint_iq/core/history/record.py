"""One print, from start to end, with everything needed to learn from it later."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import _parse as p
from .errors import InvalidObservationError, InvalidRecordError
from .observation import GcodeState, HmsEntry, HmsSeverity, RoomQuantity
from .record_parts import AmsSummary, FilamentUsage, Outcome, RoomSummary, SettingsSnapshot

MAX_TAGS = 32
MAX_TAG_LENGTH = 64
MAX_MEDIA_IDS = 64


def check_rating(rating: int | None) -> int | None:
    """A user rating is 1..5 stars, or None for "not rated"."""
    if rating is None:
        return None
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidObservationError(f"rating must be an integer 1..5, got {rating!r}")
    return rating


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Lower-case, trimmed, de-duplicated defect tags such as "stringing" or "warping"."""
    result: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise InvalidObservationError(f"defect tag must be a string, got {tag!r}")
        clean = " ".join(tag.split()).lower()
        if not clean or len(clean) > MAX_TAG_LENGTH or not clean.isprintable():
            raise InvalidObservationError(f"defect tag must be 1..{MAX_TAG_LENGTH} printable chars")
        if clean not in result:
            result.append(clean)
    if len(result) > MAX_TAGS:
        raise InvalidObservationError(f"at most {MAX_TAGS} defect tags")
    return tuple(result)


@dataclass(frozen=True, slots=True)
class PrintRecord:
    """A print job. While `ended_at` is None the record is open and still being filled in."""

    record_id: str
    printer_id: str
    started_at: datetime
    last_seen_at: datetime
    start_observed: bool = True
    ended_at: datetime | None = None
    end_observed: bool = False
    task_id: str | None = None
    subtask_id: str | None = None
    model_name: str | None = None
    file_name: str | None = None
    plate: int | None = None
    estimated_duration_s: float | None = None
    progress_percent: float | None = None
    layer: int | None = None
    total_layers: int | None = None
    final_state: GcodeState | None = None
    print_error: int | None = None
    detected_outcome: Outcome | None = None
    user_outcome: Outcome | None = None
    skipped_objects: int = 0
    filaments: tuple[FilamentUsage, ...] = ()
    settings: SettingsSnapshot = field(default_factory=SettingsSnapshot)
    hms: tuple[HmsEntry, ...] = ()
    ams: tuple[AmsSummary, ...] = ()
    room: tuple[RoomSummary, ...] = ()
    snapshot_ids: tuple[str, ...] = ()
    """Camera media of the print: snapshot files and its timelapse video."""
    analysis_ids: tuple[str, ...] = ()
    rating: int | None = None
    defect_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("record_id", "printer_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value or len(value) > 512:
                raise InvalidRecordError(f"{name} must be a non-empty string")
        for moment in (self.started_at, self.last_seen_at, self.ended_at):
            if moment is not None and moment.tzinfo is None:
                raise InvalidRecordError("record timestamps must be timezone-aware")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise InvalidRecordError("ended_at is before started_at")
        try:
            check_rating(self.rating)
            object.__setattr__(self, "defect_tags", normalise_tags(self.defect_tags))
        except InvalidObservationError as err:
            raise InvalidRecordError(str(err)) from err
        if len(self.snapshot_ids) > MAX_MEDIA_IDS or len(self.analysis_ids) > MAX_MEDIA_IDS:
            raise InvalidRecordError(f"at most {MAX_MEDIA_IDS} snapshot or analysis ids")

    @property
    def is_open(self) -> bool:
        """The print has not ended (or its end has not been recorded yet)."""
        return self.ended_at is None

    @property
    def outcome(self) -> Outcome | None:
        """The user's verdict when given, else the detected one; None while open."""
        return self.user_outcome or self.detected_outcome

    @property
    def actual_duration_s(self) -> float | None:
        """Wall time from start to end; None unless both ends were observed."""
        if self.ended_at is None or not self.start_observed or not self.end_observed:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def materials(self) -> tuple[str, ...]:
        """Distinct filament types used, in first-use order."""
        return tuple(dict.fromkeys(f.material for f in self.filaments if f.material))

    @property
    def brands(self) -> tuple[str, ...]:
        """Distinct filament brands used."""
        return tuple(dict.fromkeys(f.brand for f in self.filaments if f.brand))

    @property
    def filament_grams(self) -> float | None:
        """Total grams over trays where usage is known."""
        known = [g for g in (f.grams for f in self.filaments) if g is not None]
        return round(sum(known), 1) if known else None

    @property
    def severe_hms(self) -> bool:
        """A fatal or serious HMS message appeared during the print."""
        return any(h.severity.is_severe for h in self.hms)

    def _feeding_units(self) -> tuple[AmsSummary, ...]:
        used = {f.ams_unit_id for f in self.filaments if f.ams_unit_id}
        feeding = tuple(a for a in self.ams if a.unit_id in used)
        return feeding or self.ams

    @property
    def ams_humidity_percent(self) -> float | None:
        """Mean relative humidity of the AMS units that fed the print (all units if unknown)."""
        values = [a.humidity_percent.mean for a in self._feeding_units() if a.humidity_percent]
        return sum(values) / len(values) if values else None

    @property
    def ams_humidity_level(self) -> float | None:
        """Mean humidity level (5 = driest) of the feeding AMS units."""
        values = [a.humidity_level.mean for a in self._feeding_units() if a.humidity_level]
        return sum(values) / len(values) if values else None

    def room_mean(self, quantity: RoomQuantity) -> float | None:
        """Mean over the room sensors of one quantity."""
        values = [r.stats.mean for r in self.room if r.quantity is quantity]
        return sum(values) / len(values) if values else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; also the export and storage format."""
        return {
            "record_id": self.record_id,
            "printer_id": self.printer_id,
            "started_at": self.started_at.isoformat(),
            "last_seen_at": self.last_seen_at.isoformat(),
            "start_observed": self.start_observed,
            "ended_at": None if self.ended_at is None else self.ended_at.isoformat(),
            "end_observed": self.end_observed,
            "task_id": self.task_id,
            "subtask_id": self.subtask_id,
            "model_name": self.model_name,
            "file_name": self.file_name,
            "plate": self.plate,
            "estimated_duration_s": self.estimated_duration_s,
            "actual_duration_s": self.actual_duration_s,
            "progress_percent": self.progress_percent,
            "layer": self.layer,
            "total_layers": self.total_layers,
            "final_state": None if self.final_state is None else self.final_state.value,
            "print_error": self.print_error,
            "detected_outcome": _enum_value(self.detected_outcome),
            "user_outcome": _enum_value(self.user_outcome),
            "outcome": _enum_value(self.outcome),
            "skipped_objects": self.skipped_objects,
            "filaments": [f.as_dict() for f in self.filaments],
            "filament_grams": self.filament_grams,
            "settings": self.settings.as_dict(),
            "hms": [{"code": h.code, "severity": int(h.severity)} for h in self.hms],
            "ams": [a.as_dict() for a in self.ams],
            "room": [r.as_dict() for r in self.room],
            "snapshot_ids": list(self.snapshot_ids),
            "analysis_ids": list(self.analysis_ids),
            "rating": self.rating,
            "defect_tags": list(self.defect_tags),
        }

    @classmethod
    def from_dict(cls, data: Any) -> PrintRecord:
        """Parse `as_dict` output; derived fields are recomputed rather than trusted."""
        d = p.obj(data, "record")
        try:
            return cls(
                record_id=p.req_str(d, "record_id"),
                printer_id=p.req_str(d, "printer_id"),
                started_at=p.req_time(d, "started_at"),
                last_seen_at=p.req_time(d, "last_seen_at"),
                start_observed=p.req_bool(d, "start_observed", True),
                ended_at=p.opt_time(d, "ended_at"),
                end_observed=p.req_bool(d, "end_observed", False),
                task_id=p.opt_str(d, "task_id"),
                subtask_id=p.opt_str(d, "subtask_id"),
                model_name=p.opt_str(d, "model_name"),
                file_name=p.opt_str(d, "file_name"),
                plate=p.opt_int(d, "plate"),
                estimated_duration_s=p.opt_float(d, "estimated_duration_s"),
                progress_percent=p.opt_float(d, "progress_percent"),
                layer=p.opt_int(d, "layer"),
                total_layers=p.opt_int(d, "total_layers"),
                final_state=_opt_state(d.get("final_state")),
                print_error=p.opt_int(d, "print_error"),
                detected_outcome=_opt_outcome(d.get("detected_outcome")),
                user_outcome=_opt_outcome(d.get("user_outcome")),
                skipped_objects=p.opt_int(d, "skipped_objects") or 0,
                filaments=tuple(FilamentUsage.from_dict(f) for f in p.obj_list(d, "filaments")),
                settings=SettingsSnapshot.from_dict(p.obj(d.get("settings", {}), "settings")),
                hms=tuple(_hms(h) for h in p.obj_list(d, "hms")),
                ams=tuple(AmsSummary.from_dict(a) for a in p.obj_list(d, "ams")),
                room=tuple(RoomSummary.from_dict(r) for r in p.obj_list(d, "room")),
                snapshot_ids=p.str_list(d, "snapshot_ids"),
                analysis_ids=p.str_list(d, "analysis_ids"),
                rating=p.opt_int(d, "rating"),
                defect_tags=p.str_list(d, "defect_tags"),
            )
        except InvalidObservationError as err:
            raise InvalidRecordError(str(err)) from err


def _enum_value(outcome: Outcome | None) -> str | None:
    return None if outcome is None else outcome.value


def _opt_outcome(raw: Any) -> Outcome | None:
    return None if raw is None else Outcome.parse(raw)


def _opt_state(raw: Any) -> GcodeState | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise InvalidRecordError("final_state must be a string")
    return GcodeState.parse(raw)


def _hms(data: Mapping[str, Any]) -> HmsEntry:
    severity = p.opt_int(data, "severity")
    if severity not in (0, 1, 2, 3, 4):
        raise InvalidRecordError(f"bad HMS severity {severity!r}")
    return HmsEntry(code=p.req_str(data, "code"), severity=HmsSeverity(severity))
