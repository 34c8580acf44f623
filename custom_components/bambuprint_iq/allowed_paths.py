"""Files the user names in an action must lie where Home Assistant is allowed to touch them."""

from __future__ import annotations

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN


def allowed_path(hass: HomeAssistant, raw: str) -> Path:
    """The path, if absolute and inside ``allowlist_external_dirs``; a translated error if not."""
    path = Path(raw)
    if not path.is_absolute() or not hass.config.is_allowed_path(str(path)):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="path_not_allowed",
            translation_placeholders={"path": raw},
        )
    return path
