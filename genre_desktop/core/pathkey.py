"""One key per file, however its path is spelled.

Windows and macOS file systems are case-insensitive (NTFS, APFS and HFS+ by default), and
macOS hands out names in the normalisation they were created in (NFD from HFS+ and many
copy tools, NFC when typed): `C:\\Music\\a.mp3` and `c:\\music\\A.MP3`, a mapped drive
`Z:\\a.mp3` and its UNC path `\\\\nas\\music\\a.mp3`, `Mu\\u0301sica` and `Música` are each one
file there. The library compares these keys; the path it shows stays as the file system
gave it. On Linux the key is the path (case and bytes matter there).

A case-sensitive APFS volume (an option people rarely choose) would see two files that
differ only in case as one; that is the price of the default being right.
"""

from __future__ import annotations

import functools
import ntpath
import os
import sys
import unicodedata
from collections.abc import Callable

# The system whose naming rules apply. A seam: tests set it to simulate another system's
# file names on this one.
PLATFORM = sys.platform

DriveMap = Callable[[str], str | None]  # "Z:" -> "\\\\server\\share" for a mapped drive


def key(
    path: str | os.PathLike[str], platform: str | None = None, drive_map: DriveMap | None = None
) -> str:
    """The library key of an absolute path on `platform` (PLATFORM by default)."""
    platform = platform or PLATFORM
    p = os.fspath(path)
    if platform == "win32":
        p = ntpath.normcase(p)  # lower case, backslashes
        if len(p) >= 2 and p[1] == ":":
            unc = (drive_map or _mapped_drive)(p[:2])
            if unc:
                p = ntpath.normcase(unc.rstrip("\\/")) + p[2:]
        return unicodedata.normalize("NFC", p)
    if platform == "darwin":
        return unicodedata.normalize("NFC", p).lower()
    return p


def separator(platform: str | None = None) -> str:
    return "\\" if (platform or PLATFORM) == "win32" else "/"


def is_under(path: str, root: str, platform: str | None = None) -> bool:
    """Whether `path` is `root` or inside it, by key."""
    k, r = key(path, platform), key(root, platform)
    sep = separator(platform)
    return k == r or k.startswith(r.rstrip(sep) + sep)


@functools.lru_cache(maxsize=32)
def _mapped_drive(drive: str) -> str | None:
    """The UNC root of a mapped network drive ('Z:' -> '\\\\nas\\music'), None for a local
    drive or where it cannot be asked (only Windows can)."""
    if sys.platform != "win32":
        return None
    import ctypes

    size = ctypes.c_uint32(1024)
    buf = ctypes.create_unicode_buffer(size.value)
    mpr = ctypes.WinDLL("mpr")  # type: ignore[attr-defined]
    if mpr.WNetGetConnectionW(drive, buf, ctypes.byref(size)) != 0:  # NO_ERROR
        return None
    return buf.value or None
