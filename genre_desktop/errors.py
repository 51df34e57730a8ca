"""One family of errors, each naming the file and the reason in words a person understands."""

from __future__ import annotations

import os
from enum import StrEnum


class ErrorKind(StrEnum):
    """What went wrong, in a word: summaries group failures by this, never by their text."""

    UNREADABLE = "file could not be read"
    UNSUPPORTED = "not audio or unsupported"
    DECODE = "audio could not be decoded"
    TAG_READ = "tags could not be read"
    TAG_WRITE = "tag write refused or failed"
    MODEL = "model problem"
    LIBRARY = "library database problem"
    BUSY = "another writer is busy"
    OTHER = "other problem"


class GenreDesktopError(Exception):
    """Base class: carries the path concerned (if any), a human-readable reason, and the
    kind of error (each subclass has its own)."""

    kind = ErrorKind.OTHER

    def __init__(self, reason: str, path: str | os.PathLike[str] | None = None) -> None:
        self.path = os.fspath(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class UnsupportedFormatError(GenreDesktopError):
    """The file is not audio in a format we read."""

    kind = ErrorKind.UNSUPPORTED


class DecodeError(GenreDesktopError):
    """The audio could not be decoded (corrupt, truncated, vanished...)."""

    kind = ErrorKind.DECODE


class TagReadError(GenreDesktopError):
    """The tags could not be read."""

    kind = ErrorKind.TAG_READ


class TagWriteError(GenreDesktopError):
    """A tag write was refused or failed; the file is unchanged."""

    kind = ErrorKind.TAG_WRITE


class ModelError(GenreDesktopError):
    """The genre model is missing, damaged or does not match its card."""

    kind = ErrorKind.MODEL


class LibraryError(GenreDesktopError):
    """The library database could not be opened or updated."""

    kind = ErrorKind.LIBRARY


class BusyError(GenreDesktopError):
    """Another process holds the lock for this work."""

    kind = ErrorKind.BUSY
