"""Push coordinator: one per printer, fed by the MQTT connection, never polled.

transport (bytes) -> parser (merge into an immutable snapshot) -> coordinator -> entities.
The coordinator only forwards a snapshot when the parser produced a new one; entities then decide
for themselves whether what they show changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import (
    ConfigEntryAuthFailed,
    ConfigEntryError,
    ConfigEntryNotReady,
    HomeAssistantError,
)
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .cloud_setup import cloud_connection_args
from .const import (
    CONF_ACCESS_CODE,
    CONF_FINGERPRINT,
    CONF_FULL_REFRESH_MINUTES,
    CONF_METHOD,
    CONF_MODEL,
    CONF_MQTT_PORT,
    CONF_SERIAL,
    CONF_SKIP_TLS_VERIFY,
    DEFAULT_FULL_REFRESH_MINUTES,
    DEFAULT_MQTT_PORT,
    DOMAIN,
    ConnectionMethod,
)
from .core.printer.capabilities import Capabilities, resolve_capabilities
from .core.printer.commands import Command, SequenceIdGenerator
from .core.printer.connection import PrinterConnection
from .core.printer.errors import (
    CertificateMismatch,
    InvalidAccessCode,
    PrinterConnectionError,
    SerialMismatch,
)
from .core.printer.models import PrinterModel, model_from_serial
from .core.printer.parser import CommandAck, PrinterStateTracker
from .core.printer.state import PrinterState
from .core.printer.tls import InsecureSkipVerify, PinnedCertificate, TlsPolicy

if TYPE_CHECKING:
    from .failure_watch_runner import FailureWatchRunner
    from .history_recorder import PrinterHistoryRecorder
    from .tray_specs import TraySpecs

LOGGER = logging.getLogger(__package__)
FIRST_STATE_TIMEOUT = 30.0
COMMAND_TIMEOUT = 10.0


@dataclass(slots=True)
class WriteStats:
    """Counters that make the write-only-on-change rule measurable."""

    messages: int = 0
    snapshots: int = 0
    state_writes: int = 0
    written_by_key: dict[str, int] = field(default_factory=dict)

    def count_write(self, key: str) -> None:
        """One entity wrote its state; kept per description key to find noisy entities."""
        self.state_writes += 1
        self.written_by_key[key] = self.written_by_key.get(key, 0) + 1

    def as_dict(self) -> dict[str, int]:
        """Plain numbers for diagnostics and the benchmark."""
        return {
            "messages": self.messages,
            "snapshots": self.snapshots,
            "state_writes": self.state_writes,
        }


@dataclass(slots=True)
class BambuRuntimeData:
    """What a loaded printer entry owns."""

    coordinator: PrinterCoordinator
    recorder: PrinterHistoryRecorder
    tray_specs: TraySpecs | None = None
    failure_watch: FailureWatchRunner | None = None


type BambuConfigEntry = ConfigEntry[BambuRuntimeData]


def tls_policy_for(data: dict[str, Any]) -> TlsPolicy:
    """The pinned certificate from setup, unless the user explicitly opted out."""
    if data.get(CONF_SKIP_TLS_VERIFY):
        return InsecureSkipVerify()
    return PinnedCertificate(fingerprint=data[CONF_FINGERPRINT], serial=data[CONF_SERIAL])


class PrinterCoordinator(DataUpdateCoordinator[PrinterState]):
    """Owns the printer connection and the parsed state."""

    config_entry: BambuConfigEntry

    def __init__(self, hass: HomeAssistant, entry: BambuConfigEntry) -> None:
        """Build the connection; nothing touches the network until setup."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {entry.data[CONF_SERIAL]}",
            update_interval=None,
            always_update=False,
        )
        data = dict(entry.data)
        self.serial: str = data[CONF_SERIAL]
        self.method = ConnectionMethod(data[CONF_METHOD])
        self.model: PrinterModel | None = (
            PrinterModel(data[CONF_MODEL])
            if data.get(CONF_MODEL)
            else model_from_serial(self.serial)
        )
        self.write_stats = WriteStats()
        self.last_changed_fields: frozenset[str] | None = None
        """Fields changed by the latest update; ``None`` means "anything may have changed"."""
        self._sequence_ids = SequenceIdGenerator()
        self._pending_acks: dict[str, asyncio.Future[CommandAck]] = {}
        self.tracker = PrinterStateTracker(serial=self.serial, model=self.model)
        self._first_state = asyncio.Event()
        self._ready = asyncio.Event()  # first state arrived, or a fatal error ended the wait
        self._fatal: PrinterConnectionError | None = None
        self._credentials_unusable = False
        if self.method is ConnectionMethod.CLOUD:
            link = self._cloud_link(hass, data)
        else:
            link = {
                "host": data[CONF_HOST],
                "port": int(data.get(CONF_MQTT_PORT, DEFAULT_MQTT_PORT)),
                "access_code": data[CONF_ACCESS_CODE],
                "tls_policy": tls_policy_for(data),
            }
        self.connection = PrinterConnection(
            serial=self.serial,
            on_message=self._handle_message,
            on_availability=self._handle_availability,
            on_fatal_error=self._handle_fatal_error,
            **link,
        )

    def _cloud_link(self, hass: HomeAssistant, data: dict[str, Any]) -> dict[str, Any]:
        """The cloud broker instead of the printer; an expired token means reauth at setup."""
        try:
            link = cloud_connection_args(hass, data)
        except (KeyError, ValueError):
            self._credentials_unusable = True
            return {"host": "invalid", "access_code": "-", "tls_policy": InsecureSkipVerify()}
        self._credentials_unusable = link.pop("expired")
        return link

    @property
    def capabilities(self) -> Capabilities:
        """What this printer offers through the chosen method right now."""
        state = self.data
        return resolve_capabilities(
            self.method.value,
            model=self.model,
            signed_commands_required=state.signed_commands_required if state else None,
            firmware=state.firmware_version if state else None,
            has_ams=bool(state.ams) if state is not None and state.has_status else None,
        )

    async def async_send_command(
        self, build: Callable[[str], Command | tuple[Command, ...]]
    ) -> None:
        """Publish what ``build`` makes for a fresh sequence id and wait for the verdict.

        A refusal (e.g. a secured printer rejecting an unsigned command) becomes a translated
        error right away instead of a silent timeout.
        """
        sequence_id = self._sequence_ids.next()
        built = build(sequence_id)
        commands_to_send = built if isinstance(built, tuple) else (built,)
        waiter: asyncio.Future[CommandAck] = self.hass.loop.create_future()
        self._pending_acks[sequence_id] = waiter
        try:
            for command in commands_to_send:
                await self.connection.async_publish(command, qos=1)
            async with asyncio.timeout(COMMAND_TIMEOUT):
                ack = await waiter
        except PrinterConnectionError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="printer_offline"
            ) from err
        except TimeoutError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN, translation_key="command_timeout"
            ) from err
        finally:
            self._pending_acks.pop(sequence_id, None)
        if ack.success is False:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_rejected",
                translation_placeholders={"reason": ack.reason or str(ack.err_code or "")},
            )

    async def _async_setup(self) -> None:
        """Connect and wait for the first full status, so entities start with real values."""
        if self._credentials_unusable:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="cloud_token_expired"
            )
        await self.connection.async_start()
        try:
            async with asyncio.timeout(FIRST_STATE_TIMEOUT):
                await self._ready.wait()
        except TimeoutError as err:
            await self.connection.async_stop()
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN, translation_key="printer_not_responding"
            ) from err
        except BaseException:  # cancelled while Home Assistant shuts down
            await asyncio.shield(self.connection.async_stop())
            raise
        if self._fatal is not None:
            await self.connection.async_stop()
            self._raise_for_fatal(self._fatal)
        refresh = self.config_entry.options.get(
            CONF_FULL_REFRESH_MINUTES, DEFAULT_FULL_REFRESH_MINUTES
        )
        self.config_entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._async_full_refresh, timedelta(minutes=refresh)
            )
        )

    def _raise_for_fatal(self, fatal: PrinterConnectionError) -> None:
        if isinstance(fatal, InvalidAccessCode):
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_access_code"
            ) from fatal
        if isinstance(fatal, CertificateMismatch):
            async_create_certificate_issue(self.hass, self.config_entry, fatal.fingerprint)
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="certificate_changed"
            if isinstance(fatal, CertificateMismatch | SerialMismatch)
            else "printer_not_responding",
        ) from fatal

    async def _async_update_data(self) -> PrinterState:
        """Only reached on the first refresh; afterwards data arrives by push."""
        assert self.tracker.state is not None
        return self.tracker.state

    async def _async_full_refresh(self, _now: Any) -> None:
        await self.connection.async_request_pushall()

    async def async_shutdown(self) -> None:
        """Close the printer connection with the entry."""
        await super().async_shutdown()
        await self.connection.async_stop()

    @callback
    def _handle_message(self, payload: bytes) -> None:
        self.write_stats.messages += 1
        previous = self.tracker.state
        result = self.tracker.feed(payload)
        if result.ack is not None and result.ack.sequence_id in self._pending_acks:
            waiter = self._pending_acks[result.ack.sequence_id]
            if not waiter.done():
                waiter.set_result(result.ack)
        state = result.state
        if state is previous:
            return
        if not self._first_state.is_set():
            # Capabilities and optional entities depend on both the status (signing bit) and
            # the version list (firmware); start only when both are in.
            if not state.has_status or state.version is None:
                return
            self._first_state.set()
            self._ready.set()
            self.data = state
            self._update_developer_mode_issue(state)
            return
        if state.signed_commands_required != previous.signed_commands_required:
            self._update_developer_mode_issue(state)
        self.write_stats.snapshots += 1
        self.last_changed_fields = result.changed_fields
        self.async_set_updated_data(state)

    @callback
    def _update_developer_mode_issue(self, state: PrinterState) -> None:
        """Added for Developer Mode, but the printer demands signed commands: say how to fix."""
        issue_id = _developer_mode_issue_id(self.config_entry)
        if self.method is ConnectionMethod.DEVELOPER and state.signed_commands_required:
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                learn_more_url=DEVELOPER_MODE_URL,
                translation_key="developer_mode_off",
                translation_placeholders={"title": self.config_entry.title},
            )
        else:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)

    @callback
    def _handle_availability(self, available: bool) -> None:
        if not self._first_state.is_set():
            return
        self.last_update_success = available
        self.last_changed_fields = None
        self.async_update_listeners()

    @callback
    def _handle_fatal_error(self, error: PrinterConnectionError) -> None:
        """Errors only the user can fix: a new access code or a changed certificate."""
        self._fatal = error
        if not self._first_state.is_set():
            self._ready.set()
            return
        if isinstance(error, InvalidAccessCode):
            self.config_entry.async_start_reauth(self.hass)
        elif isinstance(error, CertificateMismatch):
            async_create_certificate_issue(self.hass, self.config_entry, error.fingerprint)
        self.last_update_success = False
        self.last_changed_fields = None
        self.async_update_listeners()


DEVELOPER_MODE_URL = "https://wiki.bambulab.com/en/software/third-party-integration"


def _developer_mode_issue_id(entry: ConfigEntry) -> str:
    return f"developer_mode_off_{entry.entry_id}"


def async_create_certificate_issue(
    hass: HomeAssistant, entry: ConfigEntry, new_fingerprint: str
) -> None:
    """A changed printer certificate is never accepted silently: the user decides."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        f"certificate_changed_{entry.entry_id}",
        is_fixable=True,
        severity=ir.IssueSeverity.ERROR,
        translation_key="certificate_changed",
        translation_placeholders={"title": entry.title},
        data={"entry_id": entry.entry_id, "fingerprint": new_fingerprint},
    )
