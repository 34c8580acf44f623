"""TLS for the cloud MQTT broker: ordinary public-CA chain and host name verification.

Unlike a printer (private CA, trust-on-first-use pin), ``*.mqtt.bambulab.com`` presents a
certificate from a public CA, so the standard checks apply. The CA bundle is certifi's
(what Home Assistant uses) or, for tests, a given CA file. Loading a bundle reads files, so
contexts are built in the executor and cached per policy.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import ssl


@dataclass(frozen=True, slots=True)
class PublicCaVerification:
    """Verify the chain against public CAs (or only ``ca_file``) and the host name."""

    ca_file: str | None = None
    """PEM file of the only CAs to trust instead of the public bundle (tests)."""


def _default_ca_file() -> str | None:
    try:
        # Optional: without certifi the system store is used.
        import certifi
    except ImportError:
        return None
    return certifi.where()


def build_public_ca_context(policy: PublicCaVerification) -> ssl.SSLContext:
    """Create the client context. Blocking (reads the CA bundle): call from an executor."""
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=policy.ca_file or _default_ca_file()
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # create_default_context already sets these; stated so a refactor cannot loosen them.
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context


_CONTEXTS: dict[PublicCaVerification, ssl.SSLContext] = {}


async def async_public_ca_context(policy: PublicCaVerification) -> ssl.SSLContext:
    """The cached context for ``policy``, built in the executor the first time."""
    if (context := _CONTEXTS.get(policy)) is None:
        loop = asyncio.get_running_loop()
        context = await loop.run_in_executor(None, build_public_ca_context, policy)
        context = _CONTEXTS.setdefault(policy, context)
    return context
