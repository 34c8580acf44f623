"""Print history and insights, free of Home Assistant.

Flow: the integration converts printer state into `PrintObservation`s and feeds them (and
room-sensor `RoomSample`s) to a `PrintTracker` per printer; the tracker emits lifecycle events
whose records go into an `AsyncHistoryStore`. `compute_insights` turns finished prints into
success rates, comparisons and a calibrated failure predictor; `drying_advice` and the
`alerts` evaluators work on live observations. Every result has a JSON-ready `as_dict()`.
"""

from .drying import DryingAdvice, DryingUrgency, drying_advice
from .errors import (
    HistoryError,
    HistorySchemaError,
    HistoryStorageError,
    InvalidObservationError,
    InvalidRecordError,
    RecordNotFoundError,
)
from .exposure import TrayExposure, track_exposure
from .insights import InsightConfig, InsightReport, PredictionQuery, compute_insights
from .lifecycle import LifecycleEvent, LifecycleEventKind, PrintTracker
from .observation import (
    AmsUnitObservation,
    GcodeState,
    HmsEntry,
    HmsSeverity,
    PrintObservation,
    RoomQuantity,
    RoomSample,
    TrayObservation,
)
from .record import PrintRecord
from .record_parts import AmsSummary, FilamentUsage, Outcome, RoomSummary, SettingsSnapshot
from .storage import AsyncHistoryStore, ExportFormat, HistoryStore, RetentionPolicy
from .summary import StatSummary

__all__ = [
    "AmsSummary",
    "AmsUnitObservation",
    "AsyncHistoryStore",
    "DryingAdvice",
    "DryingUrgency",
    "ExportFormat",
    "FilamentUsage",
    "GcodeState",
    "HistoryError",
    "HistorySchemaError",
    "HistoryStorageError",
    "HistoryStore",
    "HmsEntry",
    "HmsSeverity",
    "InsightConfig",
    "InsightReport",
    "InvalidObservationError",
    "InvalidRecordError",
    "LifecycleEvent",
    "LifecycleEventKind",
    "Outcome",
    "PredictionQuery",
    "PrintObservation",
    "PrintRecord",
    "PrintTracker",
    "RecordNotFoundError",
    "RetentionPolicy",
    "RoomQuantity",
    "RoomSample",
    "RoomSummary",
    "SettingsSnapshot",
    "StatSummary",
    "TrayExposure",
    "TrayObservation",
    "compute_insights",
    "drying_advice",
    "track_exposure",
]
