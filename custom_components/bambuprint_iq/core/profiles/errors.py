"""Typed failures of the filament profile generator and its on-disk library."""

from __future__ import annotations


class ProfileError(Exception):
    """Base class: every failure raised by this package derives from it."""


class InvalidSpecError(ProfileError, ValueError):
    """A filament spec value is missing, out of range or inconsistent."""


class InvalidAdjustmentError(ProfileError, ValueError):
    """An adjustment is malformed (not finite, wrong kind for its key)."""


class UnsupportedMaterialError(ProfileError):
    """The material type maps to no Bambu Studio generic filament."""


class UnknownPrinterError(ProfileError):
    """The printer model or nozzle diameter is not in the Bambu Lab printer table."""


class NoSystemPresetError(ProfileError):
    """Bambu Studio ships no preset of this material for the printer preset."""


class PresetValidationError(ProfileError):
    """A preset document breaks an import rule; the message lists every problem."""

    def __init__(self, preset_name: str, problems: tuple[str, ...]) -> None:
        super().__init__(f"{preset_name}: " + "; ".join(problems))
        self.preset_name = preset_name
        self.problems = problems


class ProfileNotFoundError(ProfileError, KeyError):
    """No stored profile (or version) with that id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "profile not found"


class ProfileStoreError(ProfileError):
    """The on-disk library is unreadable or a stored file is corrupt."""


class ShareFormatError(ProfileError, ValueError):
    """A shared profile file is not in the expected format."""


class PresetParseError(ProfileError, ValueError):
    """A preset file is not strict UTF-8 JSON of strings and arrays of strings."""


class PresetExistsError(ProfileError, FileExistsError):
    """Copying into a slicer folder would overwrite presets and overwriting was not allowed."""
