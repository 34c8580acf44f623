"""Print-photo analysis: image intake and quality gate, vision providers, rule engine,
result store and the in-print failure watch. No Home Assistant imports.

Typical use::

    provider = await async_create_claude_provider(ClaudeSettings(api_key=..., model=...),
                                                  http_client)
    analyzer = PhotoAnalyzer(provider, store=AnalysisStore(directory))
    result = await analyzer.analyze([jpeg_bytes], PrintContext(filament=FilamentSpec("PLA")))
    result.to_dict()  # {"id": ..., "analysis": {"overall_score": ..., "defects": [...]}, ...}
"""

from .analysis_id import check_analysis_id, new_analysis_id
from .analyzer import AnalyzerOptions, FrameCheck, PhotoAnalyzer
from .answer_parser import parse_model_answer
from .answer_schema import ANSWER_TOOL_DESCRIPTION, ANSWER_TOOL_NAME, answer_schema
from .claude_provider import ClaudeVisionProvider, async_create_claude_provider
from .claude_settings import ClaudeSettings
from .context import (
    ExtruderKind,
    FilamentSpec,
    PlateType,
    PrintContext,
    PrinterProfile,
    PrintPhase,
    SettingValue,
    Slicer,
    material_family,
    normalize_settings,
)
from .errors import (
    AnalysisError,
    AnalysisNotFound,
    ApiKeyRejected,
    CorruptAnalysisRecord,
    CorruptImage,
    ImageRejected,
    ImageTooLarge,
    InvalidAnalysisId,
    InvalidModelOutput,
    InvalidPrintContext,
    InvalidProviderSettings,
    ModelRefused,
    NotAnImage,
    PhotoRetakeRequired,
    ProviderError,
    ProviderOverloaded,
    ProviderRateLimited,
    ProviderRequestRejected,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExhausted,
    TooManyPhotos,
    UnsupportedImageFormat,
)
from .failure_watch import FailureWatch, WatchLevel, WatchThresholds
from .findings import DefectFinding, ModelFindings, Region
from .image_prepare import (
    PreparedImage,
    ResizeLimits,
    async_prepare_photo,
    frame_difference,
    prepare_photo,
)
from .json_extract import extract_json_object
from .prompts import SYSTEM_PROMPT, build_user_prompt
from .provider import TokenUsage, VisionProvider, VisionReply, VisionRequest
from .quality_gate import QualityIssue, QualityReport, QualityThresholds
from .result import AnalysisResult, ImageSummary
from .retry import RetryPolicy
from .rules.defaults import bambu_generic_defaults
from .rules.engine import plan_adjustments
from .rules.plan import DefectAdvice, Recommendation, TuningPlan
from .spec_extraction import VisionSpecExtractor
from .store import AnalysisStore, StoredAnalysis
from .taxonomy import DefectType, Severity

__all__ = [
    "ANSWER_TOOL_DESCRIPTION",
    "ANSWER_TOOL_NAME",
    "SYSTEM_PROMPT",
    "AnalysisError",
    "AnalysisNotFound",
    "AnalysisResult",
    "AnalysisStore",
    "AnalyzerOptions",
    "ApiKeyRejected",
    "ClaudeSettings",
    "ClaudeVisionProvider",
    "CorruptAnalysisRecord",
    "CorruptImage",
    "DefectAdvice",
    "DefectFinding",
    "DefectType",
    "ExtruderKind",
    "FailureWatch",
    "FilamentSpec",
    "FrameCheck",
    "ImageRejected",
    "ImageSummary",
    "ImageTooLarge",
    "InvalidAnalysisId",
    "InvalidModelOutput",
    "InvalidPrintContext",
    "InvalidProviderSettings",
    "ModelFindings",
    "ModelRefused",
    "NotAnImage",
    "PhotoAnalyzer",
    "PhotoRetakeRequired",
    "PlateType",
    "PreparedImage",
    "PrintContext",
    "PrintPhase",
    "PrinterProfile",
    "ProviderError",
    "ProviderOverloaded",
    "ProviderRateLimited",
    "ProviderRequestRejected",
    "ProviderTimeout",
    "ProviderUnavailable",
    "QualityIssue",
    "QualityReport",
    "QualityThresholds",
    "QuotaExhausted",
    "Recommendation",
    "Region",
    "ResizeLimits",
    "RetryPolicy",
    "SettingValue",
    "Severity",
    "Slicer",
    "StoredAnalysis",
    "TokenUsage",
    "TooManyPhotos",
    "TuningPlan",
    "UnsupportedImageFormat",
    "VisionProvider",
    "VisionReply",
    "VisionRequest",
    "VisionSpecExtractor",
    "WatchLevel",
    "WatchThresholds",
    "answer_schema",
    "async_create_claude_provider",
    "async_prepare_photo",
    "bambu_generic_defaults",
    "build_user_prompt",
    "check_analysis_id",
    "extract_json_object",
    "frame_difference",
    "material_family",
    "new_analysis_id",
    "normalize_settings",
    "parse_model_answer",
    "plan_adjustments",
    "prepare_photo",
]
