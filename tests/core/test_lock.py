"""The library's write lock: a second writer learns who holds it (never a PermissionError),
on the real lock here and on Windows' byte layout simulated."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import types

import pytest

from genre_desktop.core import lock
from genre_desktop.core.lock import WriteLock
from genre_desktop.errors import BusyError

_HOLDER = """
import sys, time
from pathlib import Path
from genre_desktop.core.lock import WriteLock
with WriteLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_process_gets_busy_error_naming_the_holder(tmp_path):
    path = tmp_path / "write.lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(BusyError) as info:
            WriteLock(path).acquire()
        assert f"pid {proc.pid}" in str(info.value)
    finally:
        proc.kill()  # portable: TerminateProcess on Windows, SIGKILL on POSIX
        proc.wait()
    # the dead holder's lock went with it (Windows frees a dead process's locks a moment
    # later, so the second writer waits a little, as WriteSession does)
    deadline = time.monotonic() + 10
    while True:
        try:
            held = WriteLock(path).acquire()
            break
        except BusyError:
            assert time.monotonic() < deadline, "a killed holder's lock was never released"
            time.sleep(0.1)
    assert lock.read_holder(path) == f"pid {os.getpid()}"
    held.release()


class _MandatoryLocks:
    """msvcrt.locking as Windows does it: byte ranges per open handle, exclusive, and a
    read of a byte another handle locked fails (the rule that broke byte 0)."""

    LK_NBLCK = 2

    def __init__(self) -> None:
        self.held: dict[int, tuple[int, int]] = {}  # fd -> (offset, length)

    def locking(self, fd: int, mode: int, n: int) -> None:
        assert mode == self.LK_NBLCK
        start = os.lseek(fd, 0, os.SEEK_CUR)
        for other, (o_start, o_len) in self.held.items():
            alive = True
            try:
                os.fstat(other)
            except OSError:
                alive = False
            if alive and other != fd and start < o_start + o_len and o_start < start + n:
                raise PermissionError(13, "Permission denied")
        self.held[fd] = (start, n)

    def readable(self, offset: int, length: int) -> bool:
        return all(not (offset < s + n and s < offset + length) for s, n in self.held.values())


def test_windows_layout_keeps_the_pid_outside_the_locked_byte(tmp_path, monkeypatch):
    fake = _MandatoryLocks()
    monkeypatch.setitem(sys.modules, "msvcrt", types.SimpleNamespace(**{
        "LK_NBLCK": fake.LK_NBLCK, "locking": fake.locking}))  # fmt: skip
    path = tmp_path / "write.lock"
    first = WriteLock(path, os_name="nt").acquire()
    try:
        # the pid text and the locked range never overlap: a reader on Windows gets the text
        text = path.read_bytes()
        assert text == f"pid {os.getpid()}".encode()
        assert len(text) <= lock.PID_BYTES
        assert fake.readable(0, lock.PID_BYTES)
        assert not fake.readable(*lock.lock_region("nt"))  # type: ignore[misc]
        with pytest.raises(BusyError) as info:
            WriteLock(path, os_name="nt").acquire()
        assert f"pid {os.getpid()}" in str(info.value)
    finally:
        first.release()


def test_lock_region_per_system():
    region = lock.lock_region("nt")
    assert region is not None and region[0] >= lock.PID_BYTES
    assert lock.lock_region("posix") is None  # flock: whole file, advisory
