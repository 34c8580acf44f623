"""Fuzzy brand and product matching with a confidence score.

Users type "polymker polytera pla", "Bambu PLA Basic" or "esun petg". Brands are resolved
first (aliases, then edit similarity on the leading words), then products of that brand by
word-level similarity. When the best two products score almost the same, the answer is
"ambiguous" with both as candidates rather than a silent pick.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache
import re
from typing import Any
import unicodedata

from .materials import MATERIAL_WORD, material_family, materials_in

BRAND_ALIASES: dict[str, str] = {
    "bambu": "bambu lab",
    "bambulab": "bambu lab",
    "bbl": "bambu lab",
    "prusa": "prusament",
    "prusa research": "prusament",
    "esun3d": "esun",
    "sunlu3d": "sunlu",
    "overture3d": "overture",
    "eryone3d": "eryone",
    "jayo3d": "jayo",
    "proto pasta": "protopasta",
    "creality3d": "creality",
    "color fabb": "colorfabb",
    "fiberlogy": "fiberlogy",
    "das filament": "dasfilament",
}
"""Common spellings → the normalised brand name used by the databases."""

BRAND_ACCEPT = 0.8
WORD_ACCEPT = 0.75
QUERY_COVER_ACCEPT = 0.75
MATCH_ACCEPT = 0.55
AMBIGUITY_MARGIN = 0.04
MAX_CANDIDATES = 5


_MARKS = str.maketrans("", "", "\u2122\u00ae\u00a9")


def normalise_name(text: str) -> str:
    """Lowercase words only: "PolyTerra™ PLA+" → "polyterra pla plus"."""
    text = text.translate(_MARKS)
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = folded.lower().replace("+", " plus ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


@lru_cache(maxsize=65536)
def _similar(a: str, b: str) -> float:
    """Edit similarity of two words; weak resemblance ("polyterra"/"polylite") counts as none."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < WORD_ACCEPT:
        return 0.0
    matcher = SequenceMatcher(None, a, b)
    if matcher.real_quick_ratio() < WORD_ACCEPT or matcher.quick_ratio() < WORD_ACCEPT:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= WORD_ACCEPT else 0.0


def coverage(query: Sequence[str], candidate: Sequence[str]) -> tuple[float, float]:
    """Share of query words found in the candidate, and of candidate words in the query."""
    if not query or not candidate:
        return 0.0, 0.0
    query_cover = sum(max(_similar(q, c) for c in candidate) for q in query) / len(query)
    candidate_cover = sum(max(_similar(c, q) for q in query) for c in candidate) / len(candidate)
    return query_cover, candidate_cover


def token_similarity(query: Sequence[str], candidate: Sequence[str]) -> float:
    """How well the query words are covered by the candidate words (and vice versa)."""
    query_cover, candidate_cover = coverage(query, candidate)
    return 0.7 * query_cover + 0.3 * candidate_cover


class MatchStatus(StrEnum):
    """Outcome of a match."""

    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One product line known to the databases."""

    brand: str
    product: str
    material: str | None
    key: str

    @property
    def words(self) -> tuple[str, ...]:
        """Normalised product words, with the material appended when the name lacks it."""
        words = normalise_name(self.product).split()
        if self.material and not MATERIAL_WORD.search(self.product):
            words += normalise_name(self.material).split()
        return tuple(words)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible match and how sure the matcher is (0-1)."""

    brand: str
    product: str
    material: str | None
    score: float
    key: str
    exact: bool = False
    """True when the query words are exactly the product's words (typos excluded)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "brand": self.brand,
            "product": self.product,
            "material": self.material,
            "confidence": round(self.score, 3),
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Best candidate (when unambiguous) and the runners-up."""

    status: MatchStatus
    best: Candidate | None
    candidates: tuple[Candidate, ...]


def entry_key(brand: str, product: str) -> str:
    """Stable key of a brand/product pair, insensitive to case, ™ and punctuation."""
    return f"{normalise_name(brand)}|{normalise_name(product)}"


class Catalog:
    """All product lines of the databases, indexed by brand."""

    def __init__(self, entries: Iterable[CatalogEntry]) -> None:
        """Index entries by normalised brand; duplicates across databases collapse."""
        self._by_brand: dict[str, dict[str, CatalogEntry]] = {}
        self._brand_names: dict[str, str] = {}
        for entry in entries:
            brand_key = normalise_name(entry.brand)
            if not brand_key:
                continue
            self._brand_names.setdefault(brand_key, entry.brand)
            self._by_brand.setdefault(brand_key, {}).setdefault(entry.key, entry)

    def __len__(self) -> int:
        """Number of distinct product lines."""
        return sum(len(products) for products in self._by_brand.values())

    def resolve_brand(self, words: Sequence[str]) -> tuple[str | None, float, int]:
        """Best brand for the leading query words: (brand key, score, words used)."""
        best: tuple[str | None, float, int] = (None, 0.0, 0)
        for used in range(min(3, len(words)), 0, -1):
            phrase = " ".join(words[:used])
            alias = BRAND_ALIASES.get(phrase) or BRAND_ALIASES.get(phrase.replace(" ", ""))
            if alias in self._by_brand:
                return alias, 1.0, used
            for brand in self._by_brand:
                score = max(
                    _similar(phrase, brand),
                    _similar(phrase.replace(" ", ""), brand.replace(" ", "")),
                )
                if score < 1.0 and used == 1 and brand.split()[0] == phrase:
                    score = max(score, 0.9)
                if score > best[1] + 1e-9 or (score == best[1] and used > best[2]):
                    best = (brand, score, used)
        return best if best[1] >= BRAND_ACCEPT else (None, 0.0, 0)

    def match(
        self, brand: str | None, product: str | None, material: str | None = None
    ) -> MatchResult:
        """Match a brand and product (either may be missing; free text goes in ``product``)."""
        words = normalise_name(" ".join(part for part in (brand, product) if part)).split()
        if not words:
            return MatchResult(MatchStatus.NOT_FOUND, None, ())
        brand_key, brand_score, used = self.resolve_brand(words)
        query_material = material or next(iter(materials_in(" ".join(words))), None)
        if brand_key is None:
            pools = list(self._by_brand.items())
            product_words = words
            brand_score = 1.0
        else:
            pools = [(brand_key, self._by_brand[brand_key])]
            product_words = words[used:]
            if not product_words:
                return self._whole_brand(self._by_brand[brand_key], query_material)
        scored = [
            self._score(entry, product_words, query_material, brand_score, brand_key is None)
            for _, entries in pools
            for entry in entries.values()
        ]
        scored.sort(key=lambda candidate: -candidate.score)
        top = tuple(scored[:MAX_CANDIDATES])
        if not top or top[0].score < MATCH_ACCEPT:
            return MatchResult(MatchStatus.NOT_FOUND, None, top)
        exact = [c for c in top if c.exact]
        if len(exact) == 1:
            return MatchResult(MatchStatus.MATCHED, exact[0], top)
        if len(top) > 1 and top[0].score - top[1].score < AMBIGUITY_MARGIN:
            return MatchResult(MatchStatus.AMBIGUOUS, None, top)
        return MatchResult(MatchStatus.MATCHED, top[0], top)

    @staticmethod
    def _whole_brand(entries: dict[str, CatalogEntry], material: str | None) -> MatchResult:
        """A brand alone names no product: list its products as candidates."""
        chosen = [
            entry
            for entry in entries.values()
            if material is None or material_family(entry.material) == material_family(material)
        ]
        candidates = tuple(
            Candidate(entry.brand, entry.product, entry.material, 0.5, entry.key)
            for entry in sorted(chosen, key=lambda entry: entry.product)[:MAX_CANDIDATES]
        )
        return MatchResult(MatchStatus.AMBIGUOUS, None, candidates)

    @staticmethod
    def _score(
        entry: CatalogEntry,
        product_words: Sequence[str],
        material: str | None,
        brand_score: float,
        include_brand: bool,
    ) -> Candidate:
        candidate_words = list(entry.words)
        if include_brand:
            candidate_words = normalise_name(entry.brand).split() + candidate_words
        if product_words:
            query_cover, candidate_cover = coverage(product_words, candidate_words)
            score = 0.7 * query_cover + 0.3 * candidate_cover
            if query_cover < QUERY_COVER_ACCEPT:
                score = min(score, MATCH_ACCEPT - 0.01)
        else:
            score = 0.5
        if include_brand:
            score *= 0.9
        if (
            material
            and entry.material
            and material_family(material) != material_family(entry.material)
        ):
            score *= 0.5
        exact = not include_brand and set(product_words) == set(candidate_words)
        return Candidate(
            entry.brand, entry.product, entry.material, score * brand_score, entry.key, exact
        )
