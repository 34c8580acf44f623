"""The analysis pipeline: photos -> quality gate -> vision model -> validation -> rules.

``PhotoAnalyzer.analyze`` diagnoses photos of a finished print and stores the result;
``PhotoAnalyzer.check_frame`` scores one camera frame for the in-print failure watch.
All image work runs in an executor; the model call is the only network I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from .analysis_id import new_analysis_id
from .answer_parser import parse_model_answer
from .answer_schema import ANSWER_TOOL_DESCRIPTION, ANSWER_TOOL_NAME, answer_schema
from .context import PrintContext, PrintPhase
from .errors import ImageRejected, PhotoRetakeRequired, TooManyPhotos
from .findings import DefectFinding
from .image_prepare import PreparedImage, ResizeLimits, async_prepare_photo, frame_difference
from .prompts import SYSTEM_PROMPT, build_user_prompt
from .provider import TokenUsage, VisionProvider, VisionRequest
from .quality_gate import QualityThresholds
from .result import AnalysisResult, ImageSummary
from .rules.engine import MIN_CONFIDENCE, plan_adjustments
from .scoring import overall_score
from .store import AnalysisStore
from .taxonomy import PRINT_FAILURES

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class AnalyzerOptions:
    """Tunables; the defaults suit phone photos and built-in printer cameras."""

    photo_thresholds: QualityThresholds = field(default_factory=QualityThresholds)
    frame_thresholds: QualityThresholds = field(
        default_factory=lambda: QualityThresholds(check_centring=False)
    )
    limits: ResizeLimits = field(default_factory=ResizeLimits)
    min_confidence: float = MIN_CONFIDENCE
    max_photos: int = 4
    stale_frame_difference: float = 1.0


@dataclass(frozen=True, slots=True)
class FrameCheck:
    """Result of scoring one camera frame.

    ``score`` is the failure confidence (0-1) for spaghetti or detachment, or None when
    the frame was not sent to the model (``reasons`` says why). Keep ``frame`` and pass it
    as ``previous`` next time so a frozen camera is noticed without paying for a call.
    """

    score: float | None
    frame: PreparedImage
    findings: tuple[DefectFinding, ...] = ()
    usage: TokenUsage = field(default_factory=TokenUsage)
    reasons: tuple[str, ...] = ()
    stale: bool = False


class PhotoAnalyzer:
    """Runs analyses with one provider; optionally stores every finished result."""

    def __init__(
        self,
        provider: VisionProvider,
        *,
        store: AnalysisStore | None = None,
        options: AnalyzerOptions | None = None,
        executor: Executor | None = None,
        clock: Clock = _utc_now,
    ) -> None:
        self._provider = provider
        self._store = store
        self._options = options or AnalyzerOptions()
        self._executor = executor
        self._clock = clock

    async def analyze(
        self,
        photos: Sequence[bytes],
        context: PrintContext | None = None,
        *,
        printer_id: str | None = None,
        print_job: str | None = None,
    ) -> AnalysisResult:
        """Diagnose 1-4 photos of a print and return (and store) the result.

        Raises ``ImageRejected`` for unusable bytes, ``PhotoRetakeRequired`` when every
        photo fails the quality gate, and ``ProviderError`` subclasses from the model.
        """
        context = context or PrintContext()
        if not photos:
            raise ImageRejected("no photo was given")
        if len(photos) > self._options.max_photos:
            raise TooManyPhotos(f"at most {self._options.max_photos} photos per analysis")
        prepared = await self._prepare_all(photos, self._options.photo_thresholds)
        accepted, notes = _split_by_quality(prepared)
        if not accepted:
            raise PhotoRetakeRequired(_retake_reasons(prepared))
        reply = await self._provider.analyze(_request(accepted, context))
        findings = parse_model_answer(reply.raw)
        if findings.image_quality_ok is False:
            notes.append("the model found the photos hard to judge; treat the result with care")
        plan = plan_adjustments(
            findings.defects, context, min_confidence=self._options.min_confidence
        )
        created = self._clock()
        result = AnalysisResult(
            analysis_id=new_analysis_id(created),
            created_at=created,
            phase=context.phase,
            provider=self._provider.name,
            model=reply.model,
            overall_score=overall_score(a.finding for a in plan.advice),
            plan=plan,
            usage=reply.usage,
            images=tuple(ImageSummary.of(image) for image in accepted),
            image_quality_notes=(*notes, *reply.notes),
            model_output_repairs=findings.repairs,
            view_notes=findings.view_notes,
        )
        if self._store is not None:
            await self._store.async_save(result, printer_id=printer_id, print_job=print_job)
        return result

    async def check_frame(
        self,
        frame: bytes,
        context: PrintContext | None = None,
        *,
        previous: PreparedImage | None = None,
    ) -> FrameCheck:
        """Score one camera frame for spaghetti/detachment (no storage, no rules)."""
        context = replace(context or PrintContext(), phase=PrintPhase.IN_PROGRESS)
        prepared = await async_prepare_photo(
            frame,
            thresholds=self._options.frame_thresholds,
            limits=self._options.limits,
            executor=self._executor,
        )
        if not prepared.quality.ok:
            return FrameCheck(score=None, frame=prepared, reasons=prepared.quality.reasons)
        if (
            previous is not None
            and frame_difference(previous, prepared) < self._options.stale_frame_difference
        ):
            return FrameCheck(
                score=None,
                frame=prepared,
                reasons=("the camera image has not changed since the last frame",),
                stale=True,
            )
        reply = await self._provider.analyze(_request((prepared,), context))
        findings = parse_model_answer(reply.raw)
        failures = [
            f.confidence for f in findings.defects if f.present and f.type in PRINT_FAILURES
        ]
        return FrameCheck(
            score=max(failures, default=0.0),
            frame=prepared,
            findings=findings.defects,
            usage=reply.usage,
        )

    async def _prepare_all(
        self, photos: Sequence[bytes], thresholds: QualityThresholds
    ) -> list[PreparedImage]:
        prepared: list[PreparedImage] = []
        for index, photo in enumerate(photos, start=1):
            try:
                prepared.append(
                    await async_prepare_photo(
                        photo,
                        thresholds=thresholds,
                        limits=self._options.limits,
                        executor=self._executor,
                    )
                )
            except ImageRejected as err:
                if len(photos) > 1:
                    err.photo_index = index
                raise
        return prepared


def _split_by_quality(prepared: list[PreparedImage]) -> tuple[list[PreparedImage], list[str]]:
    accepted = [p for p in prepared if p.quality.ok]
    notes = [
        f"photo {index} was not used: retake it because {'; '.join(p.quality.reasons)}"
        for index, p in enumerate(prepared, start=1)
        if not p.quality.ok
    ]
    return accepted, notes


def _retake_reasons(prepared: list[PreparedImage]) -> list[str]:
    if len(prepared) == 1:
        return list(prepared[0].quality.reasons)
    return [
        f"photo {index} {reason}"
        for index, p in enumerate(prepared, start=1)
        for reason in p.quality.reasons
    ]


def _request(images: Sequence[PreparedImage], context: PrintContext) -> VisionRequest:
    return VisionRequest(
        images=tuple(images),
        system_prompt=SYSTEM_PROMPT,
        user_prompt=build_user_prompt(context, len(images)),
        answer_schema=answer_schema(),
        answer_name=ANSWER_TOOL_NAME,
        answer_description=ANSWER_TOOL_DESCRIPTION,
    )
