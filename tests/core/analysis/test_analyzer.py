"""End to end: photo bytes -> fake Claude through the real SDK -> rules -> stored result."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from custom_components.bambuprint_iq.core.analysis import (
    AnalysisStore,
    AnalyzerOptions,
    ClaudeVisionProvider,
    FilamentSpec,
    ImageRejected,
    NotAnImage,
    PhotoAnalyzer,
    PhotoRetakeRequired,
    PrintContext,
    PrinterProfile,
    TokenUsage,
    TooManyPhotos,
    VisionProvider,
    VisionReply,
    VisionRequest,
)
from tests.core.analysis.answers import answer, defect
from tests.core.analysis.conftest import ProviderFactory
from tests.core.analysis.synthetic_images import blurred, darkened, encode, print_photo
from tests.fakes.anthropic_api import FakeAnthropicApi, ToolAnswer

FIXED_NOW = datetime(2026, 11, 24, 10, 15, 0, tzinfo=UTC)
CONTEXT = PrintContext(
    filament=FilamentSpec("PLA", "Bambu PLA Basic", 190, 230),
    printer=PrinterProfile(model="X1C"),
    settings={"nozzle_temperature": 220, "retraction_length": 0.8},
    user_note="strings between the chimney and the cabin",
)


@pytest.fixture
def store(tmp_path: Path) -> AnalysisStore:
    return AnalysisStore(tmp_path / "analyses")


@pytest.fixture
def analyzer(provider: ClaudeVisionProvider, store: AnalysisStore) -> PhotoAnalyzer:
    return PhotoAnalyzer(provider, store=store, clock=lambda: FIXED_NOW)


async def test_photo_to_stored_diagnosis(
    analyzer: PhotoAnalyzer, fake_api: FakeAnthropicApi, store: AnalysisStore, good_jpeg: bytes
) -> None:
    fake_api.enqueue(
        ToolAnswer(
            answer(
                defect("stringing", severity="medium", confidence=0.82),
                defect("warping", present=False, severity="none", confidence=0.9),
                defect("z_banding", severity="low", confidence=0.3),
            )
        )
    )
    result = await analyzer.analyze([good_jpeg], CONTEXT, printer_id="printer-1")
    data = result.to_dict()

    assert data["id"] == result.analysis_id
    assert result.analysis_id.startswith("20261124T101500Z-")
    analysis = data["analysis"]
    assert isinstance(analysis, dict)
    assert analysis["overall_score"] == 8.0  # 10 - 2.5 x 0.82, rounded
    (stringing,) = analysis["defects"]
    assert stringing["type"] == "stringing"
    assert stringing["severity"] == "medium"
    assert stringing["confidence"] == 0.82
    assert [(r["setting"], r["current"], r["suggested"]) for r in stringing["recommendations"]] == [
        ("nozzle_temperature", 220, 215),
        ("filament_retraction_length", 0.8, 1.0),
    ]
    assert stringing["calibration"]["id"] == "temperature_tower"
    assert analysis["uncertain"] == [{"type": "z_banding", "severity": "low", "confidence": 0.3}]
    assert data["provider"] == "claude"
    assert data["model"] == "claude-fake-vision-1"
    tokens, images = data["tokens_used"], data["images"]
    assert isinstance(tokens, dict)
    assert isinstance(images, list)
    assert tokens["input"] > 1000
    assert images[0]["estimated_tokens"] == 1532
    assert data["image_quality_notes"] == []

    prompt = fake_api.requests[0].body["messages"][0]["content"][-1]["text"]
    assert "Bambu PLA Basic (PLA)" in prompt
    assert "X1C" in prompt
    assert "strings between the chimney" in prompt

    stored = await store.async_load(result.analysis_id)
    assert stored.printer_id == "printer-1"
    assert stored.result == data
    assert stored.filament_changes() == {
        "nozzle_temperature": 215,
        "filament_retraction_length": 1.0,
    }


async def test_bad_photo_asks_for_a_retake_without_calling_the_model(
    analyzer: PhotoAnalyzer, fake_api: FakeAnthropicApi, store: AnalysisStore
) -> None:
    with pytest.raises(PhotoRetakeRequired, match="too dark") as caught:
        await analyzer.analyze([encode(darkened(print_photo()))], CONTEXT)
    assert caught.value.reasons[0].startswith("it is too dark")
    assert fake_api.requests == []
    assert await store.async_list() == []


async def test_one_bad_photo_of_several_is_skipped_with_a_note(
    analyzer: PhotoAnalyzer, fake_api: FakeAnthropicApi, good_jpeg: bytes
) -> None:
    fake_api.enqueue(ToolAnswer(answer()))
    result = await analyzer.analyze([encode(blurred(print_photo(), 8.0)), good_jpeg], CONTEXT)
    assert result.image_quality_notes[0].startswith("photo 1 was not used: retake it because")
    assert len(fake_api.requests[0].body["messages"][0]["content"]) == 2  # one image + text
    assert result.overall_score == 10.0
    assert result.plan.advice == ()


async def test_all_bad_photos_name_each_photo(analyzer: PhotoAnalyzer) -> None:
    photos = [encode(darkened(print_photo())), encode(print_photo(200, 150))]
    with pytest.raises(PhotoRetakeRequired) as caught:
        await analyzer.analyze(photos)
    assert caught.value.reasons == (
        caught.value.reasons[0],
        "photo 2 it is only 200x150 px; use at least 320 px on the short side",
    )
    assert caught.value.reasons[0].startswith("photo 1 it is too dark")


async def test_input_errors_are_typed(analyzer: PhotoAnalyzer, good_jpeg: bytes) -> None:
    with pytest.raises(NotAnImage) as caught:
        await analyzer.analyze([good_jpeg, b"not a photo"])
    assert caught.value.photo_index == 2
    with pytest.raises(TooManyPhotos):
        await analyzer.analyze([good_jpeg] * 5)
    with pytest.raises(ImageRejected, match="no photo"):
        await analyzer.analyze([])


async def test_model_doubting_the_photo_is_noted(
    analyzer: PhotoAnalyzer, fake_api: FakeAnthropicApi, good_jpeg: bytes
) -> None:
    fake_api.enqueue(ToolAnswer(answer(quality_ok=False)))
    result = await analyzer.analyze([good_jpeg])
    assert "hard to judge" in result.image_quality_notes[0]


async def test_frame_check_scores_failures(
    analyzer: PhotoAnalyzer, fake_api: FakeAnthropicApi, good_jpeg: bytes
) -> None:
    fake_api.enqueue(
        ToolAnswer(
            answer(
                defect("spaghetti", severity="high", confidence=0.7),
                defect("detachment", severity="medium", confidence=0.9),
                defect("stringing", confidence=0.99),
            )
        )
    )
    check = await analyzer.check_frame(good_jpeg, CONTEXT)
    assert check.score == 0.9
    assert check.usage.input_tokens > 0
    prompt = fake_api.requests[0].body["messages"][0]["content"][-1]["text"]
    assert "while it prints" in prompt


async def test_frame_check_skips_frozen_and_unusable_frames(
    analyzer: PhotoAnalyzer, fake_api: FakeAnthropicApi, good_jpeg: bytes
) -> None:
    fake_api.enqueue(ToolAnswer(answer()))
    first = await analyzer.check_frame(good_jpeg)
    assert first.score == 0.0
    frozen = await analyzer.check_frame(good_jpeg, previous=first.frame)
    assert frozen.stale
    assert frozen.score is None
    dark = await analyzer.check_frame(encode(darkened(print_photo())))
    assert dark.score is None
    assert "too dark" in dark.reasons[0]
    assert len(fake_api.requests) == 1


async def test_off_centre_camera_frames_are_fine(
    provider: ClaudeVisionProvider, fake_api: FakeAnthropicApi
) -> None:
    analyzer = PhotoAnalyzer(provider, options=AnalyzerOptions())
    fake_api.enqueue(ToolAnswer(answer()))
    frame = encode(print_photo(1280, 720, centre=(0.2, 0.8), object_fraction=0.2))
    check = await analyzer.check_frame(frame)
    assert check.score == 0.0


async def test_analysis_without_a_store(
    fake_api: FakeAnthropicApi, make_provider: ProviderFactory, good_jpeg: bytes
) -> None:
    provider = await make_provider()
    fake_api.enqueue(ToolAnswer(answer(defect("spaghetti", severity="high", confidence=1.0))))
    result = await PhotoAnalyzer(provider).analyze([good_jpeg])
    assert result.overall_score == 1.0
    assert result.to_dict()["analysis"]["defects"][0]["type"] == "spaghetti"  # type: ignore[index]


class AnswerFromElsewhere:
    """A provider written outside the package, as a Home Assistant AI task backend would be:
    plain attributes, one coroutine, the answer as a dict."""

    name = "ai_task"
    model = "ai_task.local_vision"

    def __init__(self, raw: dict[str, object]) -> None:
        self.raw = raw
        self.seen: list[VisionRequest] = []

    async def analyze(self, request: VisionRequest) -> VisionReply:
        self.seen.append(request)
        return VisionReply(raw=self.raw, usage=TokenUsage(), model=self.model)


async def test_providers_from_outside_plug_in(good_jpeg: bytes) -> None:
    provider = AnswerFromElsewhere(answer(defect("warping", severity="high", confidence=0.9)))
    assert isinstance(provider, VisionProvider)
    result = await PhotoAnalyzer(provider).analyze([good_jpeg], CONTEXT)
    (request,) = provider.seen
    assert request.images[0].data.startswith(b"\xff\xd8")
    assert request.answer_schema["required"] == ["image_quality_ok", "defects"]
    assert "supports" in request.system_prompt
    assert result.provider == "ai_task"
    assert result.plan.advice[0].finding.type.value == "warping"
