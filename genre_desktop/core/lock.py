"""An exclusive, non-blocking lock file, so two batch writers never share a library.

The file's layout is the same on every system: the holder's pid as text at the start
(bytes 0 .. PID_BYTES), and the lock itself on one byte at LOCK_OFFSET, past the text.
On Windows a byte-range lock is mandatory (a read of a locked byte fails with
PermissionError), so the lock must never cover the bytes a second writer reads to say who
holds it; on POSIX `flock` locks the whole file but is advisory, so reads always work.
"""

from __future__ import annotations

import os
from pathlib import Path

from genre_desktop.errors import BusyError

PID_BYTES = 64  # the holder's "pid N" text lives in [0, PID_BYTES)
LOCK_OFFSET = 4096  # the locked byte (Windows): well past the text, never written
LOCK_LENGTH = 1


def lock_region(os_name: str = os.name) -> tuple[int, int] | None:
    """The byte range (offset, length) the lock covers on `os_name`; None for a
    whole-file advisory lock (POSIX flock)."""
    return (LOCK_OFFSET, LOCK_LENGTH) if os_name == "nt" else None


def _lock(fd: int, os_name: str) -> None:
    """Take the lock or raise OSError (held elsewhere)."""
    region = lock_region(os_name)
    if region is not None:
        import msvcrt

        # msvcrt.locking locks from the current position; a region beyond the end of
        # the file is allowed on Windows, so the pid text is never under the lock
        os.lseek(fd, region[0], os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, region[1])  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_holder(path: Path) -> str:
    """Who holds the lock, as its text says ('' if unknown). Reads only the pid bytes,
    never the locked byte, so it works while the holder has the lock on any system."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(PID_BYTES)
    except OSError:
        return ""
    return raw.decode("ascii", "replace").strip("\0 \r\n")


class WriteLock:
    """Held while a process writes tags for a library; released on exit or death (the OS
    drops the lock with the process, so a killed writer never leaves it stuck)."""

    def __init__(self, path: Path, os_name: str = os.name) -> None:
        self.path = path
        self.os_name = os_name
        self._fd: int | None = None

    def acquire(self) -> WriteLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # no O_TRUNC, no O_APPEND: a holder's text stays until we hold the lock ourselves
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
        fd = os.open(self.path, flags, 0o644)
        try:
            _lock(fd, self.os_name)
        except OSError as exc:
            os.close(fd)
            holder = read_holder(self.path) or "another process"
            raise BusyError(
                f"another genre-desktop is writing tags for this library ({holder}); try again when it has finished",
                self.path,
            ) from exc
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"pid {os.getpid()}".encode()[:PID_BYTES])
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock (flock and msvcrt alike)
            self._fd = None

    def __enter__(self) -> WriteLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
