"""Structural operations on status objects: delta computation and delta merging.

P1/A1 printers publish `msg:1` reports that carry only what changed; lists of objects with
an `id` (AMS units, trays) are sent as the changed entries, each with its `id` and only its
changed fields. `status_delta` produces exactly that from two full snapshots, and
`merge_status` is the inverse a client applies; tests check one against the other.
An entry that carries nothing but its `id` means "this slot is now empty", as on real
printers, so merging replaces the entry instead of keeping stale fields.
"""

from __future__ import annotations

import copy
from typing import Any

JsonDict = dict[str, Any]


def _is_id_list(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and "id" in item for item in value)
    )


def _id_list_delta(old: list[JsonDict], new: list[JsonDict]) -> list[JsonDict] | None:
    """Changed entries only; None when entries were removed (then the caller sends it all)."""
    old_by_id = {item["id"]: item for item in old}
    if not {item["id"] for item in new} >= set(old_by_id):
        return None
    changed: list[JsonDict] = []
    for item in new:
        previous = old_by_id.get(item["id"])
        if previous is None or not set(previous) <= set(item):
            changed.append(copy.deepcopy(item))  # new, or lost fields (an emptied slot)
        elif previous != item:
            changed.append({"id": item["id"], **status_delta(previous, item)})
    return changed


def status_delta(old: JsonDict, new: JsonDict) -> JsonDict:
    """Keys of `new` that differ from `old`, recursing into objects and id-keyed lists.

    Keys missing from `new` are not reported: the wire format cannot express removal.
    """
    delta: JsonDict = {}
    for key, value in new.items():
        if key not in old:
            delta[key] = copy.deepcopy(value)
            continue
        previous = old[key]
        if previous == value:
            continue
        if isinstance(value, dict) and isinstance(previous, dict):
            delta[key] = status_delta(previous, value)
        elif _is_id_list(value) and _is_id_list(previous):
            entries = _id_list_delta(previous, value)
            delta[key] = copy.deepcopy(value) if entries is None else entries
        else:
            delta[key] = copy.deepcopy(value)
    return delta


def merge_status(base: JsonDict, patch: JsonDict) -> JsonDict:
    """Return a new object: `patch` merged into `base` (objects recursively, lists by `id`)."""
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        current = merged.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merged[key] = merge_status(current, value)
        elif isinstance(current, list) and _is_id_list(value) and _is_id_list(current):
            by_id = {item["id"]: index for index, item in enumerate(current)}
            for item in value:
                index = by_id.get(item["id"])
                if index is None:
                    current.append(copy.deepcopy(item))
                elif set(item) == {"id"}:
                    current[index] = copy.deepcopy(item)
                else:
                    current[index] = merge_status(current[index], item)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
