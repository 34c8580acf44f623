"""Share format: a profile's presets plus what others need to judge them (printer,
filament, print conditions, rating) in one JSON file, with personal data removed.

Names and serials of the user's printers never go in: the metadata has no field for
them, free text is scrubbed of serial-like tokens, e-mail and IP addresses and of any
term the caller asks to redact, and preset keys outside the filament schema are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
import json
import math
import re
from types import MappingProxyType

from .errors import PresetParseError, ShareFormatError
from .models import PlateType
from .parse import document_from_json_object
from .results import preset_json_dict
from .schema import FORBIDDEN_ID_KEYS, META_KEYS, option_schema
from .validator import validate_preset
from .values import PresetValue

SHARE_FORMAT = "bambuprint_iq.filament_profile"
SHARE_FORMAT_VERSION = 1
MAX_SHARE_BYTES = 4_000_000
MAX_SHARED_PRESETS = 64
MAX_TEXT = 2000
REDACTED = "[redacted]"

_SERIAL = re.compile(r"\b(?=[0-9A-Z]*\d{5})[0-9A-Z]{12,16}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_IPV4 = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b")

type Document = Mapping[str, PresetValue]


@dataclass(frozen=True, slots=True)
class PrintConditions:
    """Conditions the profile was tuned in (all optional)."""

    ambient_temp_c: float | None = None
    humidity_pct: float | None = None
    plate: PlateType | None = None
    enclosed: bool | None = None
    notes: str = ""

    def __post_init__(self) -> None:
        for name, value, low, high in (
            ("ambient_temp_c", self.ambient_temp_c, -20, 80),
            ("humidity_pct", self.humidity_pct, 0, 100),
        ):
            if value is not None and not (math.isfinite(value) and low <= value <= high):
                raise ShareFormatError(f"{name}={value!r} outside {low}..{high}")
        if len(self.notes) > MAX_TEXT:
            raise ShareFormatError("condition notes too long")


@dataclass(frozen=True, slots=True)
class ShareInfo:
    """Metadata of a shared profile."""

    filament_name: str
    vendor: str
    filament_type: str
    printer_presets: tuple[str, ...]
    conditions: PrintConditions
    rating: int | None

    def __post_init__(self) -> None:
        if self.rating is not None and (isinstance(self.rating, bool) or not 1 <= self.rating <= 5):
            raise ShareFormatError("rating must be 1..5")


@dataclass(frozen=True, slots=True)
class SharedProfile:
    """A decoded share file."""

    info: ShareInfo
    documents: tuple[Document, ...]


def scrub_text(text: str, redact: Iterable[str] = ()) -> str:
    """Remove serial-like tokens, e-mail/IP addresses and the given terms."""
    for term in sorted(
        {t.strip() for t in redact if t and len(t.strip()) >= 3}, key=len, reverse=True
    ):
        text = re.sub(re.escape(term), REDACTED, text, flags=re.IGNORECASE)
    text = _EMAIL.sub(REDACTED, text)
    text = _IPV4.sub(REDACTED, text)
    return _SERIAL.sub(REDACTED, text)


def _clean_document(document: Document, redact: Iterable[str]) -> Document:
    schema = option_schema()
    kept: dict[str, PresetValue] = {}
    for key, value in document.items():
        if key in FORBIDDEN_ID_KEYS or (key not in schema and key not in META_KEYS):
            continue
        kept[key] = (
            scrub_text(value, redact)
            if key == "filament_notes" and isinstance(value, str)
            else value
        )
    return MappingProxyType(kept)


def build_share(
    documents: Sequence[Document], info: ShareInfo, redact: Iterable[str] = ()
) -> bytes:
    """Serialise a share file (UTF-8 JSON)."""
    terms = tuple(redact)
    conditions = info.conditions
    payload = {
        "format": SHARE_FORMAT,
        "format_version": SHARE_FORMAT_VERSION,
        "filament": {"name": info.filament_name, "vendor": info.vendor, "type": info.filament_type},
        "printers": list(info.printer_presets),
        "conditions": {
            "ambient_temp_c": conditions.ambient_temp_c,
            "humidity_pct": conditions.humidity_pct,
            "plate": conditions.plate.value if conditions.plate else None,
            "enclosed": conditions.enclosed,
            "notes": scrub_text(conditions.notes, terms),
        },
        "rating": info.rating,
        "presets": [preset_json_dict(_clean_document(d, terms)) for d in documents],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False).encode()


def _text(mapping: Mapping[str, object], key: str) -> str:
    value = mapping.get(key)
    if not isinstance(value, str):
        raise ShareFormatError(f"{key}: expected a string")
    return value


def _optional(mapping: Mapping[str, object], key: str, kind: type[object]) -> object:
    value = mapping.get(key)
    if value is None:
        return None
    bool_for_number = isinstance(value, bool) and kind is not bool
    if bool_for_number or not isinstance(value, kind):
        raise ShareFormatError(f"{key}: expected {kind.__name__}")
    return value


def _mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise ShareFormatError(f"{where}: expected an object")
    return value


def _conditions(raw: Mapping[str, object]) -> PrintConditions:
    def number(key: str) -> float | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ShareFormatError(f"conditions.{key}: expected a number")
        return float(value)

    plate = _optional(raw, "plate", str)
    enclosed = _optional(raw, "enclosed", bool)
    try:
        plate_type = PlateType(plate) if isinstance(plate, str) else None
    except ValueError as err:
        raise ShareFormatError(f"conditions.plate: unknown plate {plate!r}") from err
    notes = _optional(raw, "notes", str)
    return PrintConditions(
        ambient_temp_c=number("ambient_temp_c"),
        humidity_pct=number("humidity_pct"),
        plate=plate_type,
        enclosed=enclosed if isinstance(enclosed, bool) else None,
        notes=notes if isinstance(notes, str) else "",
    )


def read_share(data: bytes) -> SharedProfile:
    """Decode and check a share file; every preset must pass the validator."""
    if len(data) > MAX_SHARE_BYTES:
        raise ShareFormatError("share file too large")
    try:
        decoded: object = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as err:
        raise ShareFormatError(f"not a JSON share file: {err}") from err
    raw = _mapping(decoded, "share")
    if raw.get("format") != SHARE_FORMAT or raw.get("format_version") != SHARE_FORMAT_VERSION:
        raise ShareFormatError("not a BambuPrint IQ filament profile share (format/version)")
    filament = _mapping(raw.get("filament"), "filament")
    printers = raw.get("printers")
    if not isinstance(printers, list) or not all(isinstance(p, str) for p in printers):
        raise ShareFormatError("printers: expected a list of strings")
    rating = _optional(raw, "rating", int)
    info = ShareInfo(
        filament_name=_text(filament, "name"),
        vendor=_text(filament, "vendor"),
        filament_type=_text(filament, "type"),
        printer_presets=tuple(printers),
        conditions=_conditions(_mapping(raw.get("conditions", {}), "conditions")),
        rating=rating if isinstance(rating, int) else None,
    )
    presets_raw = raw.get("presets")
    if not isinstance(presets_raw, list) or not 1 <= len(presets_raw) <= MAX_SHARED_PRESETS:
        raise ShareFormatError(f"presets: expected 1..{MAX_SHARED_PRESETS} preset objects")
    documents: list[Document] = []
    for index, item in enumerate(presets_raw):
        try:
            document = document_from_json_object(item, f"preset {index}")
        except PresetParseError as err:
            raise ShareFormatError(str(err)) from err
        report = validate_preset(preset_json_dict(document))
        if report.errors:
            raise ShareFormatError(f"preset {index}: " + "; ".join(report.errors))
        documents.append(document)
    return SharedProfile(info, tuple(documents))
