"""Photos handed to a Home Assistant AI task as short-lived media-source items.

AI tasks accept pictures only as media-source ids that resolve to a local file. Each photo
is written under ``<config>/bambuprint_iq/ai_task`` for the duration of one call and
removed afterwards, also when the call fails.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
import uuid

from homeassistant.core import HomeAssistant

from .const import DOMAIN
from .core.analysis import PreparedImage
from .media_files import ATTACHMENTS_FOLDER, MIME_TYPES, media_root

_SUFFIXES = {mime: suffix for suffix, mime in MIME_TYPES.items()}


def _write(directory: Path, files: Sequence[tuple[str, bytes]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (directory / name).write_bytes(data)


def _remove(directory: Path, names: Sequence[str]) -> None:
    for name in names:
        with suppress(OSError):
            (directory / name).unlink(missing_ok=True)


@asynccontextmanager
async def async_attachments(
    hass: HomeAssistant, images: Sequence[PreparedImage]
) -> AsyncIterator[list[dict[str, str]]]:
    """Yield the ``attachments`` list for ``ai_task.generate_data``; files vanish after."""
    directory = media_root(hass) / ATTACHMENTS_FOLDER
    files = [
        (f"{uuid.uuid4().hex}{_SUFFIXES.get(image.media_type, '.jpg')}", image.data)
        for image in images
    ]
    names = [name for name, _ in files]
    try:
        await hass.async_add_executor_job(_write, directory, files)
        yield [
            {
                "media_content_id": f"media-source://{DOMAIN}/{ATTACHMENTS_FOLDER}/{name}",
                "media_content_type": image.media_type,
            }
            for name, image in zip(names, images, strict=True)
        ]
    finally:
        await hass.async_add_executor_job(_remove, directory, names)
