"""Builders for observations, records and synthetic history used across the history tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
import random

from custom_components.bambuprint_iq.core.history import (
    AmsSummary,
    AmsUnitObservation,
    FilamentUsage,
    GcodeState,
    HmsEntry,
    Outcome,
    PrintObservation,
    PrintRecord,
    RoomQuantity,
    RoomSummary,
    SettingsSnapshot,
    StatSummary,
    TrayObservation,
)
from custom_components.bambuprint_iq.core.history.insights import InsightRow

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
PRINTER = "01P00A000000001"


def tray(remain: float = 80.0, **overrides: object) -> TrayObservation:
    """A PLA tray in AMS unit 0 with a 1 kg spool."""
    base = TrayObservation(
        tray_id="ams0-1",
        material="PLA",
        brand="Bambu PLA Basic",
        colour="F7D959FF",
        spec_ref="GFA00",
        ams_unit_id="0",
        remain_percent=remain,
        spool_weight_g=1000.0,
        k=0.02,
        n=1.0,
        nozzle_temp_min_c=190.0,
        nozzle_temp_max_c=240.0,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def obs(state: GcodeState, minute: float, **fields: object) -> PrintObservation:
    """An observation of PRINTER `minute` minutes after T0."""
    base: dict[str, object] = {
        "printer_id": PRINTER,
        "at": T0 + timedelta(minutes=minute),
        "gcode_state": state,
        "task_id": "0",
        "subtask_id": "0",
    }
    base.update(fields)
    return PrintObservation(**base)  # type: ignore[arg-type]


def running(minute: float, progress: float, **fields: object) -> PrintObservation:
    """A RUNNING observation of the Benchy job, with the tray feeding and the AMS humid at 35 %."""
    defaults: dict[str, object] = {
        "model_name": "Benchy",
        "file_name": "Benchy.gcode.3mf",
        "plate": 1,
        "progress_percent": progress,
        "remaining_minutes": max(0.0, 60.0 - minute),
        "layer": int(progress * 2),
        "total_layers": 200,
        "nozzle_temp_c": 220.0,
        "nozzle_target_c": 220.0,
        "bed_temp_c": 55.0,
        "bed_target_c": 55.0,
        "speed_level": 2,
        "trays": (tray(remain=80.0 - progress / 10.0),),
        "active_tray_id": "ams0-1",
        "ams_units": (
            AmsUnitObservation("0", humidity_level=4, humidity_percent=35.0, temperature_c=24.0),
        ),
    }
    defaults.update(fields)
    return obs(GcodeState.RUNNING, minute, **defaults)


def job_stream(
    end: GcodeState, *, minutes: int = 60, end_fields: dict[str, object] | None = None
) -> list[PrintObservation]:
    """IDLE, PREPARE, RUNNING once a minute, then the end state."""
    stream = [
        obs(GcodeState.IDLE, 0),
        obs(GcodeState.PREPARE, 1, model_name="Benchy", file_name="Benchy.gcode.3mf"),
    ]
    stream += [running(m, progress=100.0 * (m - 2) / (minutes - 2)) for m in range(2, minutes)]
    final = {"progress_percent": 100.0, "trays": (tray(remain=70.0),)}
    final.update(end_fields or {})
    stream.append(obs(end, minutes, **final))
    return stream


SEVERE_HMS = HmsEntry.from_raw(0x03000100, 0x00020001)  # severity 2 = serious
RUNOUT_HMS = HmsEntry.from_raw(0x07002000, 0x00020001)  # AMS A slot 1 ran out


def full_record(record_id: str = "rec-1", **overrides: object) -> PrintRecord:
    """A finished record with every field set, for storage round trips."""
    base = PrintRecord(
        record_id=record_id,
        printer_id=PRINTER,
        started_at=T0,
        last_seen_at=T0 + timedelta(hours=2),
        ended_at=T0 + timedelta(hours=2),
        end_observed=True,
        task_id="123456",
        subtask_id="654321",
        model_name="Calibration cube",
        file_name="cube.gcode.3mf",
        plate=2,
        estimated_duration_s=7000.0,
        progress_percent=100.0,
        layer=120,
        total_layers=120,
        final_state=GcodeState.FINISH,
        print_error=0,
        detected_outcome=Outcome.SUCCESS,
        filaments=(
            FilamentUsage(
                "ams0-1",
                "PLA",
                "Bambu PLA Basic",
                "FFFFFFFF",
                "GFA00",
                "0",
                1000.0,
                80.0,
                75.5,
                0.02,
                1.0,
                190.0,
                240.0,
            ),
            FilamentUsage("ext", "PETG", "Generic", "000000FF", None, None, 1000.0, 50.0, 49.0),
        ),
        settings=SettingsSnapshot(nozzle_target_c=220.0, bed_target_c=55.0, speed_level=3),
        hms=(SEVERE_HMS,),
        ams=(
            AmsSummary(
                "0",
                StatSummary(10, 41.5, 38.0, 45.0),
                StatSummary(10, 3.2, 3.0, 4.0),
                StatSummary(10, 25.0, 24.0, 26.0),
            ),
        ),
        room=(
            RoomSummary(
                "sensor.office_temperature",
                RoomQuantity.TEMPERATURE,
                StatSummary(5, 21.0, 20.0, 22.0),
            ),
            RoomSummary(
                "sensor.office_humidity", RoomQuantity.HUMIDITY, StatSummary(5, 55.0, 50.0, 60.0)
            ),
        ),
        snapshot_ids=("snap-1",),
        analysis_ids=("analysis-1",),
        rating=4,
        defect_tags=("stringing",),
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


MATERIALS = ("PLA", "PETG", "ABS", "TPU")
BRANDS = ("Bambu", "Polymaker", "eSun")


def synthetic_rows(count: int, seed: int = 7, *, humid_effect: float = 0.0) -> Iterator[InsightRow]:
    """Rows with a known failure process: logit p = -2.2 + humid_effect * [room RH > 60]."""
    rng = random.Random(seed)
    for i in range(count):
        room_rh = rng.uniform(30.0, 80.0)
        logit = -2.2 + (humid_effect if room_rh > 60.0 else 0.0)
        failed = rng.random() < 1.0 / (1.0 + 2.718281828**-logit)
        yield InsightRow(
            printer_id=f"printer-{i % 3}",
            started_at=T0.timestamp() + i * 3600.0,
            outcome=Outcome.FAILED if failed else Outcome.SUCCESS,
            materials=(rng.choice(MATERIALS),),
            brands=(rng.choice(BRANDS),),
            ams_humidity_pct=rng.uniform(10.0, 70.0),
            ams_humidity_level=float(rng.randint(1, 5)),
            room_humidity_pct=room_rh,
            room_temp_c=rng.uniform(15.0, 28.0),
        )


def synthetic_record(i: int, rng: random.Random) -> PrintRecord:
    """A plausible finished record for bulk storage tests."""
    start = T0 + timedelta(hours=3 * i)
    material = rng.choice(MATERIALS)
    return full_record(
        f"bulk-{i:05d}",
        printer_id=f"printer-{i % 3}",
        started_at=start,
        last_seen_at=start + timedelta(hours=2),
        ended_at=start + timedelta(hours=2),
        detected_outcome=Outcome.FAILED if rng.random() < 0.15 else Outcome.SUCCESS,
        filaments=(
            FilamentUsage(
                "ams0-1", material, rng.choice(BRANDS), "FFFFFFFF", None, "0", 1000.0, 80.0, 78.0
            ),
        ),
        rating=None,
        defect_tags=(),
    )
