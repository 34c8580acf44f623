"""End-to-end lookups and corrections over the loopback databases and pages."""

from __future__ import annotations

from collections.abc import Mapping
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from custom_components.bambuprint_iq.core.filament import (
    ExtractionRequest,
    FetchPolicy,
    FilamentLibrary,
    FilamentQuery,
    InvalidSpecInput,
    LibraryConfig,
    LookupStatus,
    Range,
    SourceKind,
    TrayData,
)
from tests.fakes.filament_web import FilamentWeb, datasheet_pdf, product_page


def _library(
    storage_dir: Path,
    session: aiohttp.ClientSession | None,
    config: LibraryConfig,
    **kwargs: Any,
) -> FilamentLibrary:
    return FilamentLibrary(storage_dir, session, config=config, **kwargs)


def _source(result: Any, field: str) -> SourceKind:
    provenance = result.spec.source_of(field)
    assert provenance is not None, field
    return provenance.source  # type: ignore[no-any-return]


async def test_lookup_merges_databases_field_by_field_with_provenance(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """OFD wins where it speaks, SpoolmanDB fills its gaps, defaults fill the rest (low)."""
    result = await _library(storage_dir, session, config).lookup("eSUN PETG")
    assert result.status is LookupStatus.FOUND
    assert result.match is not None
    assert (result.match.brand, result.match.product) == ("eSUN", "PETG")
    spec = result.spec
    assert spec is not None
    assert spec.values.nozzle_temp == Range(230, 250)
    assert _source(result, "nozzle_temp") is SourceKind.OPEN_FILAMENT_DATABASE
    assert spec.values.nozzle_temp_recommended == 240
    assert _source(result, "nozzle_temp_recommended") is SourceKind.SPOOLMANDB
    assert _source(result, "drying_temp") is SourceKind.MATERIAL_DEFAULT
    nozzle = spec.source_of("nozzle_temp")
    assert nozzle is not None
    assert nozzle.url == config.ofd_url
    assert nozzle.retrieved_at.tzinfo is not None
    drying = spec.source_of("drying_temp")
    assert drying is not None
    assert drying.confidence < nozzle.confidence
    encoded = json.loads(json.dumps(result.as_dict()))
    assert encoded["spec"]["settings"]["nozzle_temp"]["value"] == {"min": 230, "max": 250}
    assert encoded["spec"]["settings"]["nozzle_temp"]["source"] == "open_filament_database"


async def test_typos_still_match_with_lower_confidence(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """ "polymker polytera pla" finds PolyTerra PLA, with a confidence below an exact match."""
    library = _library(storage_dir, session, config)
    exact = await library.lookup("Polymaker PolyTerra PLA")
    typo = await library.lookup(FilamentQuery(brand="polymker", product="polytera pla"))
    assert exact.match is not None
    assert typo.match is not None
    assert typo.match.product == "PolyTerra PLA"
    assert typo.match.score < exact.match.score
    assert typo.spec is not None
    assert typo.spec.values.density == 1.31
    alias = await library.lookup("bambu pla matte")
    assert alias.match is not None
    assert alias.match.brand == "Bambu Lab"


async def test_ambiguous_input_returns_candidates(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """Two equally good products: no silent pick, the candidates come back instead."""
    result = await _library(storage_dir, session, config).lookup("Example Works Silk PLA")
    assert result.status is LookupStatus.AMBIGUOUS
    assert result.match is None
    assert {candidate.product for candidate in result.candidates[:2]} == {
        "Silk PLA Red",
        "Silk PLA Blue",
    }
    assert result.spec is not None
    assert {provenance.source for provenance in result.spec.provenance.values()} == {
        SourceKind.MATERIAL_DEFAULT
    }
    assert result.as_dict()["candidates"][0]["confidence"] > 0.5


async def test_unknown_filament_is_not_found(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """No match and no material: status not_found and no spec."""
    result = await _library(storage_dir, session, config).lookup("Zyxwv Qqqq")
    assert result.status is LookupStatus.NOT_FOUND
    assert result.spec is None


async def test_user_correction_is_preferred_and_persisted(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """A correction wins over every database, survives a restart and merges with later ones."""
    library = _library(storage_dir, session, config)
    stored = await library.correct(
        "esun", "petg", {"nozzle_temp_min": 235, "nozzle_temp_max": 245}, note="my spool"
    )
    assert (stored.brand, stored.product, stored.material) == ("eSUN", "PETG", "PETG")
    await library.correct("eSUN", "PETG", {"drying_temp": 60, "drying_time_h": 6})

    restarted = _library(storage_dir, session, config)
    result = await restarted.lookup("eSUN PETG")
    assert result.spec is not None
    assert result.spec.values.nozzle_temp == Range(235, 245)
    assert _source(result, "nozzle_temp") is SourceKind.USER
    assert result.spec.values.drying_temp == Range.point(60)
    assert _source(result, "bed_temp") is SourceKind.OPEN_FILAMENT_DATABASE
    assert await restarted.remove_correction("eSUN", "PETG")
    after = await restarted.lookup("eSUN PETG")
    assert after.spec is not None
    assert _source(after, "nozzle_temp") is SourceKind.OPEN_FILAMENT_DATABASE


async def test_bad_corrections_are_refused_with_a_clear_error(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """Unknown keys, wrong types, implausible values and empty input are all rejected."""
    library = _library(storage_dir, session, config)
    for values, material in (
        ({"nozzle_temperature": 200}, None),
        ({"nozzle_temp_min": "hot"}, None),
        ({"nozzle_temp_min": 300, "nozzle_temp_max": 320}, "PLA"),
        ({"nozzle_temp_min": 230, "nozzle_temp_max": 200}, None),
        ({"enclosure": "maybe"}, None),
        ({}, None),
    ):
        with pytest.raises(InvalidSpecInput):
            await library.correct("eSUN", "PETG", values, material=material)
    with pytest.raises(InvalidSpecInput, match="nozzle_temp"):
        # No material given: the database match says PLA, so 280 °C is implausible.
        await library.correct("esun", "pla+", {"nozzle_temp": 280})


async def test_damaged_corrections_file_is_kept_aside(
    config: LibraryConfig, storage_dir: Path
) -> None:
    """A broken corrections file is not overwritten silently: it is kept as ``.corrupt``."""
    storage_dir.mkdir(parents=True)
    (storage_dir / "corrections.json").write_text("{broken")
    library = _library(storage_dir, None, config)
    result = await library.lookup("eSUN PETG")
    assert result.status is LookupStatus.NOT_FOUND
    assert (storage_dir / "corrections.json.corrupt").read_text() == "{broken"


async def test_bambu_rfid_tray_beats_databases_and_presets_rank_low(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """RFID tag data is second only to the user; a third-party preset echo ranks near last."""
    library = _library(storage_dir, session, config)
    rfid = TrayData.from_report(
        {
            "tray_type": "PLA",
            "tray_info_idx": "GFA00",
            "tag_uid": "A1B2C3D4E5F60708",
            "nozzle_temp_min": "190",
            "nozzle_temp_max": "230",
            "drying_temp": "55",
            "drying_time": "8",
            "bed_temp": "0",
            "tray_diameter": "1.75",
        }
    )
    result = await library.lookup(FilamentQuery(brand="Bambu Lab", product="PLA Basic", tray=rfid))
    assert result.spec is not None
    assert _source(result, "drying_temp") is SourceKind.RFID
    assert _source(result, "nozzle_temp") is SourceKind.RFID
    assert _source(result, "bed_temp") is SourceKind.OPEN_FILAMENT_DATABASE

    preset = TrayData.from_report(
        {
            "tray_type": "PLA",
            "tray_info_idx": "GFL99",
            "tag_uid": "0000000000000000",
            "nozzle_temp_min": "190",
            "nozzle_temp_max": "240",
            "drying_temp": "0",
        }
    )
    tray_only = await library.lookup(FilamentQuery(tray=preset))
    assert tray_only.status is LookupStatus.NOT_FOUND
    assert tray_only.spec is not None
    assert _source(tray_only, "nozzle_temp") is SourceKind.PRINTER_PRESET
    assert _source(tray_only, "drying_temp") is SourceKind.MATERIAL_DEFAULT
    named = await library.lookup(FilamentQuery(brand="eSUN", product="PLA+", tray=preset))
    assert _source(named, "nozzle_temp") is SourceKind.OPEN_FILAMENT_DATABASE


async def test_manufacturer_page_fills_database_gaps_and_is_cached(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """A product the databases know without settings is completed from its maker's page."""
    databases.add(
        "/products/alpha-pla",
        product_page(
            title="Alpha PLA",
            spec_rows=[("Nozzle Temperature", "200-225 °C")],
            datasheet_href="/files/alpha-tds.pdf",
        ),
    )
    databases.add("/files/alpha-tds.pdf", datasheet_pdf(), "application/pdf")
    library = _library(storage_dir, session, config)
    result = await library.lookup("Example Works Alpha PLA")
    assert result.status is LookupStatus.FOUND
    assert result.spec is not None
    assert result.spec.values.nozzle_temp == Range(200, 225)
    assert _source(result, "nozzle_temp") is SourceKind.MANUFACTURER_HTML
    assert _source(result, "drying_temp") is SourceKind.MANUFACTURER_DATASHEET
    evidence = result.spec.source_of("nozzle_temp")
    assert evidence is not None
    assert evidence.evidence is not None
    assert "Nozzle Temperature" in evidence.evidence
    before = len(databases.requests)
    again = await _library(storage_dir, session, config).lookup("Example Works Alpha PLA")
    assert again.spec is not None
    assert again.spec.values.drying_temp == Range.point(55)
    page_requests = [r for r in databases.requests[before:] if not r.path.endswith(".json")]
    assert [r.path for r in page_requests if r.path != "/robots.txt"] == []


async def test_unreachable_databases_are_reported_not_fatal(
    session: aiohttp.ClientSession,
    fast_policy: FetchPolicy,
    storage_dir: Path,
    socket_enabled: None,
) -> None:
    """With the database host down, the lookup still answers and says why data is missing."""
    async with FilamentWeb() as gone:
        config = LibraryConfig(
            ofd_url=gone.url("/ofd/all.ndjson"),
            spoolmandb_url=gone.url("/spoolmandb/filaments.json"),
            fetch_policy=fast_policy,
        )
    result = await _library(storage_dir, session, config).lookup("eSUN PETG")
    assert result.status is LookupStatus.NOT_FOUND
    assert result.spec is not None
    assert _source(result, "nozzle_temp") is SourceKind.MATERIAL_DEFAULT
    reported = {a.source for a in result.attempts if a.outcome.startswith("using cached copy")}
    assert reported == {SourceKind.OPEN_FILAMENT_DATABASE, SourceKind.SPOOLMANDB}


async def test_offline_mode_makes_no_requests(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """``allow_network=False`` uses only what is already on disk."""
    result = await _library(storage_dir, session, config).lookup("eSUN PETG", allow_network=False)
    assert databases.requests == []
    assert result.status is LookupStatus.NOT_FOUND


class _StubModel:
    """Stands in for the analysis provider's model, which cannot run in tests."""

    def __init__(self, answer: Mapping[str, Any] | Exception) -> None:
        self.answer = answer
        self.requests: list[ExtractionRequest] = []

    async def extract_filament_spec(self, request: ExtractionRequest) -> Mapping[str, Any]:
        self.requests.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_model_extraction_is_grounded_and_validated(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """Only values that appear in the page text survive; the rest is dropped as a guess."""
    databases.add(
        "/products/alpha-pla",
        product_page(
            title="Alpha PLA",
            filler="Our lab's hotend sweet spot runs from 205 up until 215, cool plate friendly.",
        ),
    )
    model = _StubModel(
        {"nozzle_temp_min": 205, "nozzle_temp_max": 215, "bed_temp": 999, "drying_temp": 55}
    )
    result = await _library(storage_dir, session, config, extractor=model).lookup(
        "Example Works Alpha PLA"
    )
    assert model.requests
    assert "205 up until 215" in model.requests[0].text
    assert "nozzle_temp_min" in model.requests[0].instructions
    assert result.spec is not None
    assert result.spec.values.nozzle_temp == Range(205, 215)
    assert _source(result, "nozzle_temp") is SourceKind.LLM
    assert _source(result, "bed_temp") is SourceKind.MATERIAL_DEFAULT
    assert _source(result, "drying_temp") is SourceKind.MATERIAL_DEFAULT
    cached = await _library(storage_dir, session, config).lookup("Example Works Alpha PLA")
    assert cached.spec is not None
    assert _source(cached, "nozzle_temp") is SourceKind.LLM


async def test_model_failure_does_not_break_the_lookup(
    databases: FilamentWeb, session: aiohttp.ClientSession, config: LibraryConfig, storage_dir: Path
) -> None:
    """A failing or nonsensical model is reported in the attempts and otherwise ignored."""
    databases.add("/products/alpha-pla", product_page(title="Alpha PLA", filler="No numbers."))
    answers: tuple[Mapping[str, Any] | Exception, ...] = (
        RuntimeError("provider down"),
        {"nozzle_temp": "very hot"},
    )
    for index, answer in enumerate(answers):
        result = await _library(
            storage_dir / str(index), session, config, extractor=_StubModel(answer)
        ).lookup("Example Works Alpha PLA")
        assert result.spec is not None
        assert _source(result, "nozzle_temp") is SourceKind.MATERIAL_DEFAULT
        outcomes = [a.outcome for a in result.attempts if a.source is SourceKind.LLM]
        assert outcomes
        assert outcomes[0].startswith(("model extraction failed", "model output rejected"))


def test_query_validation() -> None:
    """Empty or oversized queries are refused with a clear error."""
    with pytest.raises(InvalidSpecInput):
        FilamentQuery()
    with pytest.raises(InvalidSpecInput):
        FilamentQuery(product="x" * 500)
    assert FilamentQuery.from_text("  eSUN   PETG ").product == "eSUN PETG"
