"""Filament knowledge: recommended settings per brand and product, each with its source.

Entry point: ``FilamentLibrary.lookup`` / ``FilamentLibrary.correct``. Nothing here imports
Home Assistant; the integration passes its aiohttp session and a storage directory.
"""

from .corrections import Correction, CorrectionStore, JsonCorrectionStore
from .databases.cache import DatabaseStatus
from .drying import AMS_2_PRO_MAX_DRYING_C, BAMBU_SPOOL_MAX_C, DryingAdvice, drying_advice
from .errors import (
    BlockedHost,
    FetchError,
    FilamentError,
    HttpStatusError,
    InvalidSpecInput,
    ParseBudgetExceeded,
    RateLimited,
    ResponseTooLarge,
    RobotsDisallowed,
    StorageError,
)
from .library import FilamentLibrary, LibraryConfig
from .llm import ExtractionRequest, ExtractionUnavailable, SpecExtractor
from .matching import Candidate
from .provenance import Provenance, SourceKind
from .results import FilamentQuery, LookupResult, LookupStatus, SourceAttempt
from .serialize import FLAT_FIELDS
from .spec import FilamentSpec
from .tray import TrayData
from .values import DryingSchedule, PlateTemp, PlateType, Range, Requirement, SpecValues, SpeedBand
from .web.policy import FetchPolicy

__all__ = [
    "AMS_2_PRO_MAX_DRYING_C",
    "BAMBU_SPOOL_MAX_C",
    "FLAT_FIELDS",
    "BlockedHost",
    "Candidate",
    "Correction",
    "CorrectionStore",
    "DatabaseStatus",
    "DryingAdvice",
    "DryingSchedule",
    "ExtractionRequest",
    "ExtractionUnavailable",
    "FetchError",
    "FetchPolicy",
    "FilamentError",
    "FilamentLibrary",
    "FilamentQuery",
    "FilamentSpec",
    "HttpStatusError",
    "InvalidSpecInput",
    "JsonCorrectionStore",
    "LibraryConfig",
    "LookupResult",
    "LookupStatus",
    "ParseBudgetExceeded",
    "PlateTemp",
    "PlateType",
    "Provenance",
    "Range",
    "RateLimited",
    "Requirement",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "SourceAttempt",
    "SourceKind",
    "SpecExtractor",
    "SpecValues",
    "SpeedBand",
    "StorageError",
    "TrayData",
    "drying_advice",
]
