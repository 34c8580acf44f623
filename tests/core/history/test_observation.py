"""Input types: parsing, HMS decoding, humidity letters and validation errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
import json

import pytest

from custom_components.bambuprint_iq.core.history import (
    AmsUnitObservation,
    GcodeState,
    HmsEntry,
    HmsSeverity,
    InvalidObservationError,
    InvalidRecordError,
    PrintRecord,
    RoomQuantity,
    RoomSample,
    StatSummary,
)
from custom_components.bambuprint_iq.core.history.observation import level_from_percent

from .factories import T0, full_record, obs, tray


def test_gcode_state_parsing() -> None:
    assert GcodeState.parse("running") is GcodeState.RUNNING
    assert GcodeState.parse("SLICING") is GcodeState.UNKNOWN
    assert GcodeState.parse(None) is GcodeState.UNKNOWN
    assert GcodeState.PAUSE.is_active
    assert GcodeState.FAILED.is_terminal


def test_hms_decoding_matches_the_protocol_examples() -> None:
    entry = HmsEntry.from_raw(50331904, 65543)
    assert entry.code == "0300_0100_0001_0007"
    assert entry.severity is HmsSeverity.FATAL
    a1 = HmsEntry.from_raw(301998592, 196610)
    assert a1.code == "1200_2200_0003_0002"
    assert a1.severity is HmsSeverity.COMMON
    assert a1.module == 0x12
    assert a1.low_code == 0x00030002
    with pytest.raises(InvalidObservationError):
        HmsEntry.from_raw(-1, 0)
    with pytest.raises(InvalidObservationError):
        HmsEntry("0300-0100", HmsSeverity.INFO)


def test_humidity_letters_and_levels() -> None:
    assert [AmsUnitObservation("0", humidity_level=lv).letter for lv in (5, 4, 3, 2, 1)] == list(
        "ABCDE"
    )
    assert [level_from_percent(p) for p in (5, 25, 45, 65, 95)] == [5, 4, 3, 2, 1]
    assert AmsUnitObservation("0", humidity_percent=19.9).letter == "A"
    assert AmsUnitObservation("0").letter is None
    with pytest.raises(InvalidObservationError):
        AmsUnitObservation("0", humidity_level=0)


@pytest.mark.parametrize(
    "fields",
    [
        {"at": datetime(2025, 1, 1)},
        {"progress_percent": 101.0},
        {"nozzle_temp_c": float("nan")},
        {"printer_id": ""},
        {"layer": -1},
        {"trays": [tray()]},
        {"speed_level": True},
    ],
)
def test_bad_observations_raise_typed_errors(fields: dict[str, object]) -> None:
    with pytest.raises(InvalidObservationError):
        obs(GcodeState.RUNNING, 0, **fields)


def test_room_sample_ranges() -> None:
    RoomSample("sensor.t", RoomQuantity.TEMPERATURE, -5.0, T0)
    with pytest.raises(InvalidObservationError):
        RoomSample("sensor.rh", RoomQuantity.HUMIDITY, 120.0, T0)


def test_record_dict_round_trip_is_json_and_rejects_garbage() -> None:
    record = full_record()
    data = json.loads(json.dumps(record.as_dict(), allow_nan=False))
    assert PrintRecord.from_dict(data) == record
    bad: object
    for bad in (
        {**data, "rating": 9},
        {**data, "started_at": "yesterday"},
        {**data, "started_at": "2025-03-01T12:00:00"},  # no offset
        {**data, "hms": [{"code": "nope", "severity": 1}]},
        {**data, "filaments": "PLA"},
        {**data, "user_outcome": "great"},
        {**data, "ended_at": "2020-01-01T00:00:00+00:00"},  # before the start
        [],
    ):
        with pytest.raises(InvalidRecordError):
            PrintRecord.from_dict(bad)


def test_stat_summary_is_exact() -> None:
    summary = StatSummary.of(2.0).add(4.0).add(9.0)
    assert (summary.count, summary.mean, summary.minimum, summary.maximum) == (3, 5.0, 2.0, 9.0)
    assert StatSummary.from_dict(summary.as_dict()) == summary
    with pytest.raises(InvalidRecordError):
        StatSummary.from_dict({"count": 0, "mean": 1, "min": 1, "max": 1})


def test_record_rejects_bad_annotations() -> None:
    with pytest.raises(InvalidRecordError):
        replace(full_record(), rating=0)
    with pytest.raises(InvalidRecordError):
        replace(full_record(), defect_tags=("",))
