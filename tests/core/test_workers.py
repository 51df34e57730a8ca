"""Worker processes on every system: at most 61 on Windows (its wait limit), and a
priority below the desktop's where the system allows it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from genre_desktop.core import pipeline
from genre_desktop.core.library import Library


@pytest.mark.parametrize(
    ("jobs", "platform", "expected"),
    [(128, "win32", 61), (61, "win32", 61), (8, "win32", 8), (128, "linux", 128),
     (128, "darwin", 128), (0, "win32", 1)],
)  # fmt: skip
def test_workers_are_capped_at_61_on_windows(jobs, platform, expected):
    assert pipeline.worker_cap(jobs, platform) == expected


def test_the_analyser_starts_no_more_workers_than_the_system_allows(tmp_path, model_available):
    if not model_available:
        pytest.skip("the model is not in this checkout")
    lib = Library(tmp_path / "lib.sqlite3")
    assert pipeline.Analyser(lib, jobs=100).jobs == pipeline.worker_cap(100)
    if sys.platform == "win32":
        assert pipeline.Analyser(lib, jobs=100).jobs == 61
    lib.close()


_CHILD = textwrap.dedent(
    """
    import os, sys
    from genre_desktop.core import pipeline
    how = pipeline.lower_priority(5)
    if sys.platform == "win32":
        import ctypes
        k = ctypes.WinDLL("kernel32")
        print(how, k.GetPriorityClass(k.GetCurrentProcess()))
    else:
        print(how, os.nice(0))
    """
)


def test_a_worker_lowers_its_own_priority_on_this_system():
    before = 0 if sys.platform == "win32" else os.nice(0)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    if sys.platform == "win32":
        assert out == ["BELOW_NORMAL_PRIORITY_CLASS", str(pipeline.BELOW_NORMAL_PRIORITY_CLASS)]
    else:
        assert out[0] == "nice" and int(out[1]) == min(before + 5, 19)
