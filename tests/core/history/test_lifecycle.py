"""Print start/end detection and outcome classification from synthetic observation streams."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.bambuprint_iq.core.history import (
    GcodeState,
    InvalidObservationError,
    LifecycleEvent,
    LifecycleEventKind,
    Outcome,
    PrintObservation,
    PrintRecord,
    PrintTracker,
    RoomQuantity,
    RoomSample,
)

from .factories import PRINTER, RUNOUT_HMS, SEVERE_HMS, T0, job_stream, obs, running

Kind = LifecycleEventKind


def feed(tracker: PrintTracker, stream: list[PrintObservation]) -> list[LifecycleEvent]:
    return [event for o in stream for event in tracker.observe(o)]


def ended(events: list[LifecycleEvent]) -> list[PrintRecord]:
    return [e.record for e in events if e.kind is Kind.ENDED]


def test_successful_print_is_one_complete_record() -> None:
    tracker = PrintTracker(PRINTER, new_record_id=lambda: "job-1")
    events = feed(tracker, job_stream(GcodeState.FINISH))
    kinds = [e.kind for e in events]
    assert kinds[0] is Kind.STARTED
    assert kinds[-1] is Kind.ENDED
    assert kinds.count(Kind.STARTED) == 1
    assert kinds.count(Kind.ENDED) == 1
    record = events[-1].record
    assert record.record_id == "job-1"
    assert record.outcome is Outcome.SUCCESS
    assert record.end_observed
    assert record.start_observed
    assert record.started_at == T0 + timedelta(minutes=1)  # PREPARE, not the IDLE before it
    assert record.ended_at == T0 + timedelta(minutes=60)
    assert record.actual_duration_s == 59 * 60
    # First RUNNING sample at minute 2 says 58 min remain: 1 min elapsed + 58 min.
    assert record.estimated_duration_s == 59 * 60
    assert record.model_name == "Benchy"
    assert record.plate == 1
    assert record.settings.nozzle_target_c == 220.0
    assert record.settings.speed_profile == "standard"
    (usage,) = record.filaments
    assert (usage.material, usage.k, usage.remain_start_percent) == ("PLA", 0.02, 80.0)
    assert usage.grams == 100.0  # 80 % -> 70 % of a 1000 g spool
    (ams,) = record.ams
    assert ams.humidity_percent is not None
    assert ams.humidity_percent.mean == 35.0
    assert ams.humidity_percent.count == 58
    assert tracker.record is None


def test_updates_are_throttled_to_the_checkpoint_interval() -> None:
    tracker = PrintTracker(PRINTER, checkpoint_interval=timedelta(minutes=10))
    events = feed(tracker, job_stream(GcodeState.FINISH))
    updates = [e for e in events if e.kind is Kind.UPDATED]
    # PREPARE->RUNNING is a state change (1 update), then one every 10 minutes of 58.
    assert 5 <= len(updates) <= 7


@pytest.mark.parametrize(
    ("end_fields", "expected"),
    [
        ({"print_error": 0x0300400C}, Outcome.CANCELLED),
        ({"print_error": 0x0500400E}, Outcome.CANCELLED),
        ({}, Outcome.CANCELLED),
        ({"print_error": 0x03008016}, Outcome.FAILED),
        ({"hms": (SEVERE_HMS,)}, Outcome.FAILED),
    ],
)
def test_failed_state_is_classified_from_error_and_hms(
    end_fields: dict[str, object], expected: Outcome
) -> None:
    tracker = PrintTracker(PRINTER)
    fields = {"progress_percent": 40.0, **end_fields}
    events = feed(tracker, job_stream(GcodeState.FAILED, end_fields=fields))
    (record,) = ended(events)
    assert record.detected_outcome is expected
    assert record.final_state is GcodeState.FAILED


def test_finish_with_skipped_objects_is_partial() -> None:
    events = feed(
        PrintTracker(PRINTER), job_stream(GcodeState.FINISH, end_fields={"skipped_objects": 2})
    )
    assert ended(events)[0].detected_outcome is Outcome.PARTIAL


def test_hms_codes_seen_mid_print_are_kept_once() -> None:
    stream = job_stream(GcodeState.FINISH)
    stream[10] = running(10, 14.0, hms=(RUNOUT_HMS,))
    stream[11] = running(11, 16.0, hms=(RUNOUT_HMS, SEVERE_HMS))
    events = feed(PrintTracker(PRINTER, checkpoint_interval=timedelta(hours=1)), stream)
    record = ended(events)[0]
    assert [h.code for h in record.hms] == [RUNOUT_HMS.code, SEVERE_HMS.code]
    # Each new HMS code forces a checkpoint even inside the interval.
    assert sum(e.kind is Kind.UPDATED for e in events) >= 2


def test_pause_and_unknown_state_do_not_end_the_print() -> None:
    stream = job_stream(GcodeState.FINISH)
    stream[20] = obs(GcodeState.PAUSE, 20, progress_percent=34.0)
    stream[21] = obs(GcodeState.UNKNOWN, 21)
    events = feed(PrintTracker(PRINTER), stream)
    assert [e.kind for e in events].count(Kind.STARTED) == 1
    assert ended(events)[0].outcome is Outcome.SUCCESS


def test_restart_mid_print_resumes_the_same_record() -> None:
    stream = job_stream(GcodeState.FINISH)
    first = PrintTracker(PRINTER, new_record_id=lambda: "job-1")
    persisted = [e.record for e in feed(first, stream[:30])][-1]  # last record written to disk
    assert persisted.is_open
    second = PrintTracker(PRINTER, open_record=persisted, new_record_id=lambda: "duplicate")
    events = feed(second, stream[33:])  # a few observations were missed during the restart
    assert events[0].kind is Kind.RESUMED
    assert all(e.kind is not Kind.STARTED for e in events)
    record = ended(events)[0]
    assert record.record_id == "job-1"
    assert record.started_at == T0 + timedelta(minutes=1)
    assert record.end_observed
    assert record.outcome is Outcome.SUCCESS
    assert record.filaments[0].remain_start_percent == 80.0  # carried over from before


def test_restart_after_the_print_finished_closes_it_without_a_new_one() -> None:
    stream = job_stream(GcodeState.FINISH)
    persisted = [e.record for e in feed(PrintTracker(PRINTER), stream[:30])][-1]
    tracker = PrintTracker(PRINTER, open_record=persisted)
    events = feed(tracker, [obs(GcodeState.FINISH, 90, progress_percent=100.0)])
    (record,) = ended(events)
    assert record.outcome is Outcome.SUCCESS
    assert not record.end_observed
    assert record.actual_duration_s is None
    assert record.ended_at == persisted.last_seen_at


def test_restart_to_an_idle_printer_records_an_unknown_end() -> None:
    persisted = [e.record for e in feed(PrintTracker(PRINTER), job_stream(GcodeState.FINISH)[:30])][
        -1
    ]
    events = feed(PrintTracker(PRINTER, open_record=persisted), [obs(GcodeState.IDLE, 200)])
    assert ended(events)[0].detected_outcome is Outcome.UNKNOWN


def test_a_different_job_after_restart_closes_the_old_and_starts_a_new_record() -> None:
    persisted = [e.record for e in feed(PrintTracker(PRINTER), job_stream(GcodeState.FINISH)[:30])][
        -1
    ]
    other = running(300, 66.0, model_name="Desk organiser", file_name="desk.gcode.3mf")
    events = feed(PrintTracker(PRINTER, open_record=persisted), [other])
    assert [e.kind for e in events] == [Kind.ENDED, Kind.STARTED]
    assert events[0].record.detected_outcome is Outcome.UNKNOWN
    assert events[1].record.model_name == "Desk organiser"
    assert not events[1].record.start_observed  # joined at 66 %


def test_same_lan_file_restarted_is_a_new_print() -> None:
    tracker = PrintTracker(PRINTER)
    feed(tracker, job_stream(GcodeState.FINISH)[:40])
    events = feed(tracker, [running(45, 3.0)])  # same file, progress fell from ~70 % to 3 %
    assert [e.kind for e in events] == [Kind.ENDED, Kind.STARTED]


def test_cloud_task_id_decides_identity() -> None:
    tracker = PrintTracker(PRINTER)
    feed(tracker, [obs(GcodeState.IDLE, 0), running(1, 10.0, task_id="111")])
    same = [e.kind for e in feed(tracker, [running(2, 1.0, task_id="111")])]
    assert same == [Kind.UPDATED]  # same task despite the progress drop
    kinds = [e.kind for e in feed(tracker, [running(3, 50.0, task_id="222")])]
    assert kinds == [Kind.ENDED, Kind.STARTED]


def test_room_samples_are_summarised_per_sensor_during_the_print() -> None:
    tracker = PrintTracker(PRINTER)
    stream = job_stream(GcodeState.FINISH)
    assert not tracker.observe_room(RoomSample("sensor.rh", RoomQuantity.HUMIDITY, 50.0, T0))
    feed(tracker, stream[:10])
    for minute, value in ((10, 58.0), (11, 62.0), (12, 66.0)):
        sample = RoomSample(
            "sensor.rh", RoomQuantity.HUMIDITY, value, T0 + timedelta(minutes=minute)
        )
        assert tracker.observe_room(sample)
    tracker.observe_room(
        RoomSample("sensor.t", RoomQuantity.TEMPERATURE, 21.5, T0 + timedelta(minutes=12))
    )
    record = ended(feed(tracker, stream[10:]))[0]
    assert record.room_mean(RoomQuantity.HUMIDITY) == pytest.approx(62.0)
    humidity = next(r for r in record.room if r.sensor_id == "sensor.rh")
    assert (humidity.stats.minimum, humidity.stats.maximum, humidity.stats.count) == (58.0, 66.0, 3)
    assert record.room_mean(RoomQuantity.TEMPERATURE) == 21.5


def test_wrong_printer_and_foreign_open_record_are_rejected() -> None:
    tracker = PrintTracker("other-printer")
    with pytest.raises(InvalidObservationError):
        tracker.observe(obs(GcodeState.IDLE, 0))
    closed = ended(feed(PrintTracker(PRINTER), job_stream(GcodeState.FINISH)))[0]
    with pytest.raises(InvalidObservationError):
        PrintTracker(PRINTER, open_record=closed)


def test_printer_first_seen_running_marks_start_as_unobserved() -> None:
    events = feed(PrintTracker(PRINTER), [running(5, 30.0)])
    assert events[0].kind is Kind.STARTED
    assert not events[0].record.start_observed
    assert events[0].record.estimated_duration_s is None
