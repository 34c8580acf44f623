"""Merging status reports into the stored raw report.

Rules, chosen to match what the firmware sends:

* A full report (``msg`` 0) replaces the stored report.
* A delta (``msg`` 1 or no ``msg``) is merged key by key; nested objects recursively.
* Lists whose elements are all objects with an ``id`` (``ams.ams[]``, ``tray[]``,
  ``vir_slot[]``, ``device.extruder.info[]`` ...) are merged element by element by id, so a
  delta may carry only the unit or tray that changed. An element that carries nothing but
  its id replaces the stored one: that is how the printer reports an emptied tray.
* Every other list (``hms``, ``stg``, ``lights_report`` ...) is replaced.
* A value that would turn a stored object or list into something else is refused; it is
  always a malformed report, and keeping the old value is safer than losing a section.

All dicts involved belong to the tracker (they come from its own JSON decoding), so they
are updated in place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

ENVELOPE_KEYS = frozenset({"command", "msg", "sequence_id"})

_MISSING: Any = object()
_CONTAINERS = (dict, list)

Reject = Callable[[str], None]


def replace_status(
    stored: dict[str, Any], report: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Adopt a full report; returns the new stored report and the keys that differ."""
    fresh = {key: value for key, value in report.items() if key not in ENVELOPE_KEYS}
    changed = [key for key, value in fresh.items() if stored.get(key, _MISSING) != value]
    changed.extend(key for key in stored if key not in fresh)
    return fresh, changed


def merge_status(stored: dict[str, Any], delta: Mapping[str, Any], reject: Reject) -> list[str]:
    """Merge a delta into ``stored`` in place; returns the top-level keys that changed."""
    changed: list[str] = []
    for key, value in delta.items():
        if key in ENVELOPE_KEYS:
            continue
        old = stored.get(key, _MISSING)
        if type(old) is type(value) and type(value) not in _CONTAINERS:
            # Fast path for the scalars that make up nearly every delta.
            if old != value:
                stored[key] = value
                changed.append(key)
        elif _merge_key(stored, key, value, reject):
            changed.append(key)
    return changed


def _merge_key(target: dict[str, Any], key: str, new: Any, reject: Reject) -> bool:
    old = target.get(key, _MISSING)
    if old is _MISSING:
        target[key] = new
        return True
    old_type = type(old)
    if old_type is dict:
        if type(new) is not dict:
            reject(key)
            return False
        return _merge_dict(old, new, reject)
    if old_type is list:
        if type(new) is not list:
            reject(key)
            return False
        if new and old and _is_id_list(new) and _is_id_list(old):
            return _merge_id_list(old, new, reject)
        if old == new:
            return False
    elif old_type is type(new) and old == new:
        return False
    target[key] = new
    return True


def _merge_dict(target: dict[str, Any], delta: Mapping[str, Any], reject: Reject) -> bool:
    changed = False
    for key, value in delta.items():
        if _merge_key(target, key, value, reject):
            changed = True
    return changed


def _is_id_list(items: list[Any]) -> bool:
    return all(type(item) is dict and "id" in item for item in items)


def _merge_id_list(
    target: list[dict[str, Any]], delta: list[dict[str, Any]], reject: Reject
) -> bool:
    positions = {_id_key(item["id"]): index for index, item in enumerate(target)}
    changed = False
    for item in delta:
        key = _id_key(item["id"])
        index = positions.get(key)
        if index is None:
            positions[key] = len(target)
            target.append(item)
            changed = True
        elif len(item) == 1:
            if target[index] != item:
                target[index] = item
                changed = True
        elif _merge_dict(target[index], item, reject):
            changed = True
    return changed


def _id_key(value: Any) -> Any:
    """Ids arrive as "0" or 0 depending on firmware; compare them as text."""
    return str(value) if isinstance(value, int | str) else repr(value)
