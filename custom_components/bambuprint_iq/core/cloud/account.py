"""Typed account data from the cloud's answers: bound printers and the profile. Pure parsing.

Each printer entry is validated on its own; a malformed entry is skipped (and logged without
its access code) so one odd printer does not hide the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import logging
import math
import re
from typing import Final

from ..printer.models import PrinterModel
from .errors import CloudResponseError
from .jwt_claims import normalize_uid
from .model_codes import model_from_names

_LOGGER = logging.getLogger(__name__)

_SERIAL_RE: Final = re.compile(r"[A-Za-z0-9]{6,32}")
_ACCESS_CODE_RE: Final = re.compile(r"[\x21-\x7e]{1,64}")
_MAX_TEXT: Final = 128


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudDevice:
    """One printer bound to the account (``/v1/iot-service/api/user/bind``).

    ``access_code`` is the printer's LAN access code (whitespace trimmed), None when the
    cloud did not send a usable one; it is left out of ``repr``.
    """

    serial: str
    name: str
    model: PrinterModel | None
    model_id: str | None
    """``dev_model_name`` as sent (a Studio model id such as ``C12``, or a name)."""
    product_name: str | None
    online: bool
    access_code: str | None = field(repr=False)
    print_status: str | None
    nozzle_diameter: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CloudProfile:
    """The account profile (``/v1/user-service/my/profile``); ``account`` is the e-mail."""

    uid: str
    account: str | None = field(repr=False)
    name: str | None
    product_models: tuple[str, ...]


def parse_device_list(body: Mapping[str, object]) -> tuple[CloudDevice, ...]:
    """Printers from a ``user/bind`` answer; raises :class:`CloudResponseError` if unusable."""
    devices = body.get("devices")
    if devices is None and body.get("message") == "success":
        return ()
    if not isinstance(devices, list):
        raise CloudResponseError("device list answer has no 'devices' array")
    parsed: dict[str, CloudDevice] = {}
    for index, entry in enumerate(devices):
        device = parse_device(entry) if isinstance(entry, dict) else None
        if device is None:
            _LOGGER.warning("Skipping cloud device entry %d: missing or invalid serial", index)
            continue
        parsed.setdefault(device.serial.upper(), device)
    return tuple(parsed.values())


def parse_device(entry: Mapping[str, object]) -> CloudDevice | None:
    """One device entry, or None when it has no valid serial (``dev_id``)."""
    serial = _text(entry.get("dev_id"))
    if serial is None or not _SERIAL_RE.fullmatch(serial):
        return None
    model_id = _text(entry.get("dev_model_name"))
    product_name = _text(entry.get("dev_product_name"))
    return CloudDevice(
        serial=serial,
        name=_text(entry.get("name")) or serial,
        model=model_from_names(model_id, product_name),
        model_id=model_id,
        product_name=product_name,
        online=entry.get("online") is True,
        access_code=_access_code(entry.get("dev_access_code")),
        print_status=_text(entry.get("print_status")),
        nozzle_diameter=_nozzle(entry.get("nozzle_diameter")),
    )


def parse_profile(body: Mapping[str, object]) -> CloudProfile:
    """The profile answer; raises :class:`CloudResponseError` without a usable uid."""
    uid = normalize_uid(body.get("uidStr")) or normalize_uid(body.get("uid"))
    if uid is None:
        raise CloudResponseError("profile answer has no account id")
    models = body.get("productModels")
    product_models = (
        tuple(text for item in models if (text := _text(item)) is not None)
        if isinstance(models, list)
        else ()
    )
    return CloudProfile(
        uid=uid,
        account=_text(body.get("account")),
        name=_text(body.get("name")),
        product_models=product_models,
    )


def parse_preference_uid(body: Mapping[str, object]) -> str:
    """The uid from ``/v1/design-user-service/my/preference``."""
    uid = normalize_uid(body.get("uid"))
    if uid is None:
        raise CloudResponseError("preference answer has no account id")
    return uid


def _text(value: object) -> str | None:
    """A stripped, printable, bounded string, or None."""
    if not isinstance(value, str):
        return None
    cleaned = "".join(char for char in value if char.isprintable()).strip()
    return cleaned[:_MAX_TEXT] or None


def _access_code(value: object) -> str | None:
    # The cloud has been seen sending the code with a trailing newline.
    if not isinstance(value, str):
        return None
    code = value.strip()
    return code if _ACCESS_CODE_RE.fullmatch(code) else None


def _nozzle(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        diameter = float(value)
    except ValueError:
        return None
    return diameter if math.isfinite(diameter) and 0 < diameter <= 2 else None
