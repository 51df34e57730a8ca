"""The file-system half of a tag write on each system (core.atomic): the temporary copy's
failures become a clean per-file failure, a replace waits out a program holding the file
(Windows), macOS flushes with F_FULLFSYNC, and extended attributes / streams survive."""

from __future__ import annotations

import errno
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from genre_desktop.core import atomic, audio, journal, tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import BatchKind, ChangeState
from genre_desktop.errors import TagWriteError


class Flaky:
    """os.replace that is refused `times` times first, as Windows refuses it while another
    program (Explorer's preview, a virus scanner, OneDrive) has the file open."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.calls = 0

    def __call__(self, src: Path, dst: Path) -> None:
        self.calls += 1
        if self.left:
            self.left -= 1
            raise PermissionError(
                13, "The process cannot access the file because it is being used by another process"
            )
        os.replace(src, dst)


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    src, dst = tmp_path / "new", tmp_path / "old"
    src.write_bytes(b"new")
    dst.write_bytes(b"old")
    return src, dst


def test_a_replace_refused_twice_on_windows_succeeds_on_the_third_try(tmp_path):
    src, dst = _pair(tmp_path)
    waits: list[float] = []
    flaky = Flaky(2)
    attempts = atomic.replace(src, dst, "win32", rename=flaky, sleep=waits.append)
    assert attempts == 3 and flaky.calls == 3
    assert dst.read_bytes() == b"new" and not src.exists()
    assert waits == [atomic.REPLACE_FIRST_DELAY, atomic.REPLACE_FIRST_DELAY * 2]


def test_a_replace_refused_for_good_raises_and_leaves_both_files(tmp_path):
    src, dst = _pair(tmp_path)
    flaky = Flaky(100)
    with pytest.raises(PermissionError):
        atomic.replace(src, dst, "win32", rename=flaky, sleep=lambda s: None)
    assert flaky.calls == atomic.REPLACE_ATTEMPTS
    assert dst.read_bytes() == b"old" and src.read_bytes() == b"new"


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_elsewhere_a_refused_replace_is_not_retried(tmp_path, platform):
    src, dst = _pair(tmp_path)
    flaky = Flaky(1)
    with pytest.raises(PermissionError):
        atomic.replace(src, dst, platform, rename=flaky, sleep=lambda s: None)
    assert flaky.calls == 1  # a real permission problem there: say so at once


def test_a_tag_write_waits_out_a_program_holding_the_file(music_library, monkeypatch):
    path = music_library["flac"]
    digest = audio.payload_digest(path)
    flaky = Flaky(2)
    monkeypatch.setattr(
        atomic,
        "replace",
        functools.partial(atomic.replace, platform="win32", rename=flaky, sleep=lambda s: None),
    )
    tags.write_genres(path, ["Jazz"])
    assert flaky.calls == 3
    assert tags.read(path).genres == ["Jazz"]
    assert audio.payload_digest(path) == digest
    assert not list(path.parent.glob(f"*{tags.TMP_SUFFIX}"))


def _long_named(path: Path) -> Path:
    """A name the file system takes (255 bytes) but whose temporary copy's name
    ('.<name>.XXXXXXXX.gdtmp') it refuses: a real OSError from making the copy."""
    target = path.with_name("x" * (250 - len(path.suffix)) + path.suffix)
    path.rename(target)
    return target


LONG_PATHS = pytest.mark.skipif(
    sys.platform == "win32",
    reason="Windows runners enable long paths, so the name is taken; the 260-character "
    "rule is test_temp_reason_names_the_windows_cases",
)


@LONG_PATHS
def test_an_oserror_making_the_temp_copy_is_a_clear_write_error(music_library):
    path = _long_named(music_library["mp3"])
    before = path.read_bytes()
    with pytest.raises(TagWriteError) as info:
        tags.write_genres(path, ["Jazz"])
    assert "path is too long" in info.value.reason
    assert path.read_bytes() == before


@LONG_PATHS
def test_the_journal_reports_that_file_and_the_batch_goes_on(tmp_path, music_library):
    bad = _long_named(music_library["mp3"])
    good = music_library["flac"]
    lib = Library(tmp_path / "lib.sqlite3")
    batch = lib.begin_batch(BatchKind.APP)
    results = [journal.apply_change(lib, batch, str(p), ["Jazz"]) for p in (bad, good)]
    assert results[0].state == ChangeState.FAILED
    assert "temporary copy" in (results[0].reason or "")
    assert results[1].state == ChangeState.WRITTEN
    assert tags.read(good).genres == ["Jazz"]
    lib.close()


def test_temp_reason_names_the_windows_cases(tmp_path):
    deep = tmp_path / ("d" * 250) / "song.mp3"
    assert "too long" in atomic.temp_reason(FileNotFoundError(2, "x"), deep, "win32")
    short = tmp_path / "song.mp3"
    assert "read-only" in atomic.temp_reason(PermissionError(13, "x"), short, "win32")


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl is POSIX (F_FULLFSYNC is macOS's)")
def test_macos_flushes_with_f_fullfsync_and_falls_back_to_fsync(tmp_path, monkeypatch):
    import fcntl

    calls: list[int] = []
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)  # Linux has no such call

    def fake_fcntl(fd: int, cmd: int, *args: object) -> int:
        calls.append(cmd)
        if refuse:
            raise OSError(errno.ENOTSUP, "not supported on this volume")
        return 0

    monkeypatch.setattr(fcntl, "fcntl", fake_fcntl)
    f = tmp_path / "f"
    f.write_bytes(b"data")
    refuse = False
    assert atomic.sync_file(f, "darwin") == "F_FULLFSYNC" and calls == [51]
    refuse = True
    assert atomic.sync_file(f, "darwin") == "fsync"  # SMB, FAT: fsync is the best there is
    calls.clear()
    assert atomic.sync_file(f, "linux") == "fsync" and calls == []


def _set_extra(path: Path) -> None:
    """Something beside the data that a copy-and-replace can lose, on this system."""
    if sys.platform == "win32":
        with open(f"{path}:genre_desktop.test", "w") as fh:  # an alternate data stream
            fh.write("kept")
    elif sys.platform == "darwin":  # a Finder tag is an xattr; `xattr` ships with macOS
        subprocess.run(["xattr", "-w", "user.genre_desktop", "kept", str(path)], check=True)
    else:
        os.setxattr(path, "user.genre_desktop", b"kept")


def _get_extra(path: Path) -> str:
    if sys.platform == "win32":
        with open(f"{path}:genre_desktop.test") as fh:
            return fh.read()
    if sys.platform == "darwin":
        out = subprocess.run(
            ["xattr", "-p", "user.genre_desktop", str(path)], capture_output=True, text=True
        )
        return out.stdout.strip()
    return os.getxattr(path, "user.genre_desktop").decode()


@pytest.mark.parametrize("variant", ["mp3", "flac", "m4a-aac"])
def test_a_tag_write_keeps_extended_attributes_and_streams(music_library, variant):
    path = music_library[variant]
    try:
        _set_extra(path)
    except OSError as exc:
        pytest.skip(f"this file system stores no extended attributes ({exc})")
    digest = audio.payload_digest(path)
    tags.write_genres(path, ["Jazz"])
    assert tags.read(path).genres == ["Jazz"]
    assert _get_extra(path) == "kept"
    assert audio.payload_digest(path) == digest
