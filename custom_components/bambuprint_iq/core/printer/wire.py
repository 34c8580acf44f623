"""JSON encoding for MQTT payloads.

orjson is several times faster than the standard library on the small status deltas the
printer sends every second or two; the standard library is the fallback so the core stays
importable without it.
"""

from __future__ import annotations

from typing import Any

try:
    import orjson

    def decode_json(payload: bytes | bytearray | memoryview | str) -> Any:
        """Decode one JSON document; raises ``ValueError`` on malformed input."""
        return orjson.loads(payload)

    def encode_json(value: Any) -> bytes:
        """Encode a command as compact UTF-8 JSON."""
        return orjson.dumps(value)

except ImportError:  # pragma: no cover - exercised only where orjson is missing
    import json

    def decode_json(payload: bytes | bytearray | memoryview | str) -> Any:
        """Decode one JSON document; raises ``ValueError`` on malformed input."""
        if isinstance(payload, memoryview):
            payload = payload.tobytes()
        return json.loads(payload)

    def encode_json(value: Any) -> bytes:
        """Encode a command as compact UTF-8 JSON."""
        return json.dumps(value, separators=(",", ":")).encode()
