"""One family of errors, each naming the file and the reason in words a person understands."""

from __future__ import annotations

import os


class GenreDesktopError(Exception):
    """Base class: carries the path concerned (if any) and a human-readable reason."""

    def __init__(self, reason: str, path: str | os.PathLike[str] | None = None) -> None:
        self.path = os.fspath(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class UnsupportedFormatError(GenreDesktopError):
    """The file is not audio in a format we read."""


class DecodeError(GenreDesktopError):
    """The audio could not be decoded (corrupt, truncated, vanished...)."""


class TagReadError(GenreDesktopError):
    """The tags could not be read."""


class TagWriteError(GenreDesktopError):
    """A tag write was refused or failed; the file is unchanged."""


class ModelError(GenreDesktopError):
    """The genre model is missing, damaged or does not match its card."""


class LibraryError(GenreDesktopError):
    """The library database could not be opened or updated."""


class BusyError(GenreDesktopError):
    """Another process holds the lock for this work."""
