"""The file-system half of a safe tag write, per system: a temporary copy beside the file
that carries everything but the tag (data, mode, extended attributes, Finder tags,
alternate data streams), a flush that really reaches the disk, and a replace that waits out
the programs that hold a file open for a moment on Windows.

Every function takes the system (`sys.platform`) as a parameter, so the choice is tested
here for all three; the calls into a system's own API are made only on that system.

What is carried over to the new file:
- Linux: data, mode, every extended attribute we may set (user.*; security.* and
  trusted.* when permitted).
- macOS: data, mode, extended attributes and ACLs through the system's copyfile()
  (COPYFILE_XATTR | COPYFILE_ACL): Finder tags and colours, comments, the quarantine flag,
  resource forks.
- Windows: CopyFileW makes the copy, which carries every alternate data stream
  (Zone.Identifier, a downloaded file's "mark of the web", and any other named stream) and
  the file attributes; os.replace (MoveFileEx) then puts the copy, streams and all, in
  place. What is not kept there: the original's security descriptor when it differs from
  the folder's inherited one, and its creation time (the copy's is the new one).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from genre_desktop.errors import TagWriteError

# Windows: ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION, which a
# replace gets while another program (a player, Explorer's preview, an antivirus scanner,
# OneDrive) has the file open for a moment
_WIN_BUSY = {5, 32, 33}
REPLACE_ATTEMPTS = 10
REPLACE_FIRST_DELAY = 0.05  # seconds, doubled each time: 10 attempts wait about 2.5 s
WINDOWS_MAX_PATH = 260


def make_temp(original: Path, suffix: str, platform: str = sys.platform) -> Path:
    """An empty temporary file beside `original` (same folder, so the replace is atomic).
    A folder we cannot write or a path too long for it raises TagWriteError saying so."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{original.name}.", suffix=suffix, dir=original.parent)
    except OSError as exc:
        raise TagWriteError(
            f"cannot make the temporary copy a safe write needs beside the file: {temp_reason(exc, original, platform)}",
            original,
        ) from exc
    os.close(fd)
    return Path(name)


def temp_reason(exc: OSError, original: Path, platform: str = sys.platform) -> str:
    """Why the temporary copy could not be made, in words."""
    too_long = exc.errno == errno.ENAMETOOLONG or getattr(exc, "winerror", None) == 206
    if platform == "win32" and len(str(original)) + 16 >= WINDOWS_MAX_PATH:
        too_long = True
    if too_long:
        return "the path is too long (move the file to a shorter path or rename it)"
    if isinstance(exc, PermissionError):
        return "the folder is read-only or access is denied"
    return exc.strerror or str(exc)


def discard(tmp: Path | None) -> None:
    if tmp is not None:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def copy_file(src: Path, dst: Path, platform: str = sys.platform) -> None:
    """Copy `src` over `dst` with everything but the data we later change: mode, extended
    attributes / Finder tags (macOS), alternate data streams (Windows)."""
    if platform == "win32":
        _win_copy(src, dst)
        return
    shutil.copyfile(src, dst)
    shutil.copymode(src, dst)
    if platform == "darwin":
        _mac_copy_metadata(src, dst)
    else:
        copy_xattrs(src, dst)


def copy_xattrs(src: Path, dst: Path) -> list[str]:
    """Linux extended attributes from src to dst; returns the names copied. One the file
    system or our rights refuse (security.*, trusted.*) is left, never an error."""
    if not hasattr(os, "listxattr"):
        return []
    try:
        names = os.listxattr(src)
    except OSError:
        return []
    copied = []
    for name in names:
        try:
            os.setxattr(dst, name, os.getxattr(src, name))
            copied.append(name)
        except OSError:
            continue
    return copied


def _mac_copy_metadata(src: Path, dst: Path) -> None:
    import ctypes

    copyfile_acl, copyfile_xattr = 1 << 0, 1 << 2
    libc = ctypes.CDLL("/usr/lib/libSystem.B.dylib", use_errno=True)
    fn = libc.copyfile
    fn.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_uint32]
    fn.restype = ctypes.c_int
    if fn(os.fsencode(src), os.fsencode(dst), None, copyfile_acl | copyfile_xattr) != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOTSUP, errno.EOPNOTSUPP):
            return  # a volume without extended attributes: there are none to lose
        raise OSError(err, f"copying extended attributes failed: {os.strerror(err)}")


def _win_copy(src: Path, dst: Path) -> None:
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    fn = kernel32.CopyFileW
    fn.argtypes = [ctypes.c_wchar_p, ctypes.c_wchar_p, ctypes.c_int]
    fn.restype = ctypes.c_int
    if not fn(str(src), str(dst), 0):  # 0: overwrite the empty temp file
        err = ctypes.get_last_error()  # type: ignore[attr-defined]
        raise ctypes.WinError(err)  # type: ignore[attr-defined]


def durable_sync(fd: int, platform: str = sys.platform) -> str:
    """Flush a file to the disk itself. On macOS fsync only reaches the drive's cache;
    F_FULLFSYNC asks the drive to write it (a file system without it falls back to
    fsync). Returns which call made it durable."""
    if platform == "darwin":
        import fcntl

        full = getattr(fcntl, "F_FULLFSYNC", None)
        if full is not None:
            try:
                fcntl.fcntl(fd, full)
                return "F_FULLFSYNC"
            except OSError:
                pass  # e.g. SMB or FAT volumes: fsync is the best there is
    os.fsync(fd)
    return "fsync"


def sync_file(path: Path, platform: str = sys.platform) -> str:
    with open(path, "rb+") as fh:
        return durable_sync(fh.fileno(), platform)


def sync_dir(folder: Path, platform: str = sys.platform) -> None:
    """Make a rename durable (POSIX); Windows cannot open a folder for this."""
    if platform == "win32":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        durable_sync(fd, platform)
    finally:
        os.close(fd)


def is_busy(exc: OSError, platform: str = sys.platform) -> bool:
    """A replace refused because another program has the file open (Windows only)."""
    if platform != "win32" or not isinstance(exc, PermissionError):
        return False
    winerror = getattr(exc, "winerror", None)
    return winerror is None or winerror in _WIN_BUSY


def replace(
    src: Path,
    dst: Path,
    platform: str = sys.platform,
    *,
    attempts: int = REPLACE_ATTEMPTS,
    first_delay: float = REPLACE_FIRST_DELAY,
    rename: Callable[[Path, Path], None] = os.replace,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """os.replace, retried on Windows while another program holds `dst` (or `src`) open
    for a moment; the last refusal is raised. Returns how many attempts it took."""
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            rename(src, dst)
            return attempt
        except OSError as exc:
            if attempt == attempts or not is_busy(exc, platform):
                raise
        sleep(delay)
        delay *= 2
    raise AssertionError("unreachable")
