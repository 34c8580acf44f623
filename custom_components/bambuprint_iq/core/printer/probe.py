"""Log in once and learn who the printer is: what setup needs before it creates anything.

Used by the config flow (first setup, reconfigure, reauth). It opens one MQTT session with
the given TLS policy, asks for the version list and a full status, and returns as soon as both
are in, so a healthy printer answers in well under a second.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from . import commands
from .errors import ConnectionTimeout
from .models import PrinterModel, model_from_serial, spec_for
from .mqtt import PrinterMqttClient
from .parser import PrinterStateTracker
from .state import PrinterState
from .tls import TlsPolicy


class PrinterSilent(ConnectionTimeout):
    """The printer accepted the login but sent no version list and status in time."""


@dataclass(frozen=True, slots=True)
class PrinterIdentity:
    """What the printer told us about itself."""

    model: PrinterModel | None
    """``None`` for a model this library does not know yet."""
    firmware_version: str | None
    signed_commands_required: bool | None
    state: PrinterState

    @property
    def model_name(self) -> str:
        """Marketing name, e.g. "X1 Carbon"."""
        return spec_for(self.model).display_name if self.model else "Bambu Lab printer"


async def async_identify_printer(
    *,
    host: str,
    port: int,
    serial: str,
    access_code: str,
    tls_policy: TlsPolicy,
    timeout: float = 10.0,  # noqa: ASYNC109 - bounds the whole exchange, not one call
) -> PrinterIdentity:
    """Connect, request version and status, and return once both arrived.

    Raises the connection errors of :mod:`.errors` (:class:`~.errors.InvalidAccessCode`,
    :class:`~.errors.CannotConnect`, :class:`~.errors.CertificateMismatch`, ...), and
    :class:`PrinterSilent` when the printer accepts the login but stays silent.
    """
    tracker = PrinterStateTracker(serial=serial)
    complete = asyncio.Event()

    def _on_message(payload: bytes) -> None:
        state = tracker.feed(payload).state
        if state.has_status and state.version is not None:
            complete.set()

    client = PrinterMqttClient(
        host=host,
        port=port,
        serial=serial,
        access_code=access_code,
        tls_policy=tls_policy,
        on_message=_on_message,
        on_connection_change=lambda _connected: None,
    )
    try:
        await client.async_connect(timeout=timeout)
        await client.async_publish(commands.get_version())
        await client.async_publish(commands.pushall())
        async with asyncio.timeout(timeout):
            await complete.wait()
    except TimeoutError as err:
        raise PrinterSilent("the printer sent no version and status in time") from err
    finally:
        await client.async_disconnect()
    state = tracker.state
    return PrinterIdentity(
        model=state.model or model_from_serial(serial),
        firmware_version=state.firmware_version,
        signed_commands_required=state.signed_commands_required,
        state=state,
    )
