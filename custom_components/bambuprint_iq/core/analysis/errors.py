"""Typed errors of the photo analysis engine.

Every failure a caller can act on has its own class, so the Home Assistant layer can map
them to repair issues, service validation errors or retries without parsing messages.
No message ever contains an API key or other secret.
"""

from __future__ import annotations

from collections.abc import Sequence


class AnalysisError(Exception):
    """Base class for every error raised by the analysis engine."""


# --- image intake -------------------------------------------------------------------------


class ImageRejected(AnalysisError):
    """The bytes given as a photo cannot be used at all.

    ``photo_index`` (1-based) is set when the photo was one of several.
    """

    photo_index: int | None = None


class NotAnImage(ImageRejected):
    """The bytes are not an image in any format we recognise."""


class UnsupportedImageFormat(ImageRejected):
    """A real image, but in a format the engine does not accept (only JPEG, PNG, WebP)."""

    def __init__(self, detected: str) -> None:
        super().__init__(f"unsupported image format {detected}; send a JPEG, PNG or WebP photo")
        self.detected = detected


class CorruptImage(ImageRejected):
    """The header looks like a supported image but the data cannot be decoded."""


class ImageTooLarge(ImageRejected):
    """Too many bytes or pixels: refuse before decoding (decompression-bomb guard)."""


class TooManyPhotos(ImageRejected):
    """More photos were passed in one analysis than the engine allows."""


class PhotoRetakeRequired(AnalysisError):
    """Every photo failed the quality gate; the message says why, so the user can retake it."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("Retake the photo because " + "; ".join(self.reasons))


# --- vision provider ----------------------------------------------------------------------


class InvalidProviderSettings(AnalysisError):
    """Provider settings that cannot work (empty key, odd model id, bad base URL)."""


class ProviderError(AnalysisError):
    """The vision model could not deliver a usable answer."""


class ApiKeyRejected(ProviderError):
    """The provider refused the credentials (HTTP 401). The user must fix the key."""


class QuotaExhausted(ProviderError):
    """Billing or spend limit reached: retrying will not help until the account changes."""


class ProviderRateLimited(ProviderError):
    """Still rate limited after the allowed retries, or asked to wait longer than allowed."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProviderOverloaded(ProviderError):
    """The provider stayed overloaded (HTTP 529) through every allowed retry."""


class ProviderUnavailable(ProviderError):
    """Server errors or connection failures: the provider could not be reached properly."""


class ProviderTimeout(ProviderError):
    """The provider did not answer within the configured time."""


class ProviderRequestRejected(ProviderError):
    """The provider refused the request itself (bad model id, request too large, ...)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ModelRefused(ProviderError):
    """The model declined to answer (stop reason ``refusal``)."""


class InvalidModelOutput(ProviderError):
    """The answer could not be parsed or repaired into the defect schema."""


# --- storage ------------------------------------------------------------------------------


class AnalysisNotFound(AnalysisError):
    """No stored analysis has the requested id."""


class InvalidAnalysisId(AnalysisError):
    """The id does not have the shape of an analysis id (guards against path tricks)."""


class CorruptAnalysisRecord(AnalysisError):
    """A stored analysis file exists but does not hold a valid record."""


# --- context ------------------------------------------------------------------------------


class InvalidPrintContext(AnalysisError):
    """Filament, printer or settings input that cannot be used (wrong type, out of range)."""
