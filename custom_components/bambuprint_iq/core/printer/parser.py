"""The report parser: every MQTT message from a printer passes through :meth:`feed`.

:class:`PrinterStateTracker` decodes a payload once, merges status reports into its raw
copy of the printer's ``print`` object, and derives a new immutable
:class:`~.state.PrinterState` incrementally. It is synchronous, CPU-only and cheap (tens of
microseconds per delta), so it is meant to be called directly from the MQTT callback; one
tracker serves one printer and must be fed from one thread or task at a time.

``feed`` never raises: undecodable payloads and malformed fields are skipped and logged
once per kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .context import BuildContext
from .convert import as_int, as_str, as_text
from .merge import merge_status, replace_status
from .models import PrinterModel, model_from_serial
from .snapshot import rebuild
from .state import PrinterState
from .versions import VersionInfo, parse_version_info
from .wire import decode_json

MAX_PAYLOAD_BYTES = 1 << 20
"""Largest report accepted; real full reports are around 25 kB."""

_ACK_SECTIONS = frozenset(
    {"print", "system", "info", "pushing", "camera", "upgrade", "xcam", "security"}
)
_STATUS_COMMAND = "push_status"
_CLOUD_EVENTS = {"client.connected": True, "client.disconnected": False}
_SUCCESS_RESULTS = frozenset({"success", "0"})
_FAILURE_RESULTS = frozenset({"fail", "failed", "failure", "error"})


class MessageKind(StrEnum):
    """What a fed message turned out to be."""

    STATUS_FULL = "status_full"
    STATUS_DELTA = "status_delta"
    VERSION = "version"
    COMMAND_ACK = "command_ack"
    LOG = "log"
    EVENT = "event"
    IGNORED = "ignored"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class CommandAck:
    """The printer's reply to a command we (or another client) sent."""

    section: str
    """Request section: "print", "system", "info", ..."""
    command: str
    sequence_id: str | None
    result: str | None
    """Lower-cased ``result``; integer results (camera) as their decimal text."""
    reason: str | None
    err_code: int | None

    @property
    def success(self) -> bool | None:
        """True/False when the reply says so; ``None`` when it carries no verdict."""
        if self.result in _SUCCESS_RESULTS:
            return not self.err_code
        if self.result in _FAILURE_RESULTS or self.err_code:
            return False
        return None


@dataclass(frozen=True, slots=True)
class FeedResult:
    """Outcome of feeding one message."""

    state: PrinterState
    """The current state: the previous object itself when nothing changed."""
    kind: MessageKind
    changed_fields: frozenset[str] = frozenset()
    """Names of :class:`PrinterState` fields whose values changed."""
    changed_sections: frozenset[str] = frozenset()
    """Top-level keys of the ``print`` report whose raw values changed."""
    ack: CommandAck | None = None

    @property
    def changed(self) -> bool:
        """True when :attr:`state` differs from the state before this message."""
        return bool(self.changed_fields)


class PrinterStateTracker:
    """Keeps the merged raw report and the current snapshot of one printer."""

    def __init__(
        self,
        *,
        serial: str | None = None,
        model: PrinterModel | None = None,
        label: str | None = None,
    ) -> None:
        """Start empty. ``model`` defaults to a guess from the serial prefix.

        ``label`` names the printer in log lines; it defaults to the last four characters
        of the serial so logs never carry the full number.
        """
        model = model or model_from_serial(serial)
        self._serial = serial
        self._ctx = BuildContext(model=model, label=label or _short_label(serial))
        self._raw: dict[str, Any] = {}
        self._state = PrinterState(model=model, serial=serial)
        self._rebuild_all = True

    @property
    def state(self) -> PrinterState:
        """The current snapshot."""
        return self._state

    def feed(self, payload: bytes | bytearray | memoryview | str) -> FeedResult:
        """Decode and apply one MQTT message from the report topic."""
        if len(payload) > MAX_PAYLOAD_BYTES:
            return self._invalid("oversized payload")
        try:
            message = decode_json(payload)
        except ValueError:
            return self._invalid("payload that is not JSON")
        if not isinstance(message, dict):
            return self._invalid("payload that is not a JSON object")
        return self.feed_message(message)

    def feed_message(self, message: Mapping[str, Any]) -> FeedResult:
        """Apply an already decoded message. The tracker takes ownership of its dicts."""
        try:
            return self._dispatch(message)
        except Exception:  # a parser bug must not take the MQTT loop down
            self._rebuild_all = True
            self._ctx.invalid("report (internal parser error)", exc_info=True)
            return FeedResult(self._state, MessageKind.INVALID)

    def _dispatch(self, message: Mapping[str, Any]) -> FeedResult:
        if len(message) == 1:  # the usual case: one section per message
            ((section, body),) = message.items()
            return self._section(section, body) or FeedResult(self._state, MessageKind.IGNORED)
        outcomes = [
            outcome
            for section, body in message.items()
            if (outcome := self._section(section, body)) is not None
        ]
        if not outcomes:
            return FeedResult(self._state, MessageKind.IGNORED)
        result = outcomes[0]
        for outcome in outcomes[1:]:
            result = _combine(result, outcome)
        return result

    def _section(self, section: str, body: Any) -> FeedResult | None:
        if body is None:
            return None  # the printer occasionally sends {"print": null}
        if not isinstance(body, dict):
            self._ctx.invalid(f"{section} section")
            return FeedResult(self._state, MessageKind.INVALID)
        command = body.get("command")
        if section == "print" and command in (None, _STATUS_COMMAND):
            return self._status(body)
        if section == "info" and command == "get_version":
            return self._version(body)
        if section == "mc_print":
            return FeedResult(self._state, MessageKind.LOG)
        if section == "event":
            return self._event(body)
        if section in _ACK_SECTIONS and command is not None:
            return FeedResult(self._state, MessageKind.COMMAND_ACK, ack=_ack(section, body))
        return None

    def _status(self, body: dict[str, Any]) -> FeedResult:
        full = as_int(body.get("msg")) == 0
        if full:
            self._raw, changed = replace_status(self._raw, body)
        else:
            changed = merge_status(self._raw, body, self._reject)
        extra = None if self._state.has_status else {"has_status": True}
        keys = None if self._rebuild_all else changed
        self._rebuild_all = False
        self._state, fields = rebuild(self._state, self._raw, self._ctx, keys, extra)
        kind = MessageKind.STATUS_FULL if full else MessageKind.STATUS_DELTA
        return FeedResult(self._state, kind, fields, frozenset(changed))

    def _version(self, body: dict[str, Any]) -> FeedResult:
        version = parse_version_info(body)
        ack = _ack("info", body)
        if version is None:
            self._ctx.invalid("get_version reply")
            return FeedResult(self._state, MessageKind.INVALID, ack=ack)
        fields = self._apply_version(version)
        return FeedResult(self._state, MessageKind.VERSION, fields, ack=ack)

    def _apply_version(self, version: VersionInfo) -> frozenset[str]:
        model = version.model or self._ctx.model
        if version == self._ctx.version and model == self._ctx.model:
            return frozenset()
        self._ctx.version = version
        self._ctx.model = model
        extra = {"version": version, "model": model, "serial": self._serial or version.serial}
        self._state, fields = rebuild(self._state, self._raw, self._ctx, None, extra)
        return fields

    def _event(self, body: dict[str, Any]) -> FeedResult:
        connected = _CLOUD_EVENTS.get(as_text(body.get("event")) or "")
        if connected is None:
            return FeedResult(self._state, MessageKind.EVENT)
        self._state, fields = rebuild(
            self._state, self._raw, self._ctx, (), {"cloud_connected": connected}
        )
        return FeedResult(self._state, MessageKind.EVENT, fields)

    def _reject(self, key: str) -> None:
        self._ctx.invalid(f"type change of {key!r}")

    def _invalid(self, kind: str) -> FeedResult:
        self._ctx.invalid(kind)
        return FeedResult(self._state, MessageKind.INVALID)


def _ack(section: str, body: Mapping[str, Any]) -> CommandAck:
    result = as_str(body.get("result"))
    return CommandAck(
        section=section,
        command=as_text(body.get("command")) or "",
        sequence_id=as_str(body.get("sequence_id")),
        result=result.lower() if result is not None else None,
        reason=as_text(body.get("reason")),
        err_code=as_int(body.get("err_code")),
    )


def _combine(first: FeedResult, second: FeedResult) -> FeedResult:
    """Merge outcomes of a message that carried several sections (rare)."""
    return FeedResult(
        state=second.state,
        kind=first.kind,
        changed_fields=first.changed_fields | second.changed_fields,
        changed_sections=first.changed_sections | second.changed_sections,
        ack=first.ack or second.ack,
    )


def _short_label(serial: str | None) -> str:
    return f"printer …{serial[-4:]}" if serial and len(serial) > 4 else "printer"
