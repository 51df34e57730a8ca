"""Before Qt starts: a missing system library is named with its packages, not an abort."""

from __future__ import annotations

import subprocess
import sys

import pytest

from genre_desktop.ui import app

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux check")


def test_every_library_qt_needs_here_is_found(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert app.missing_libraries() == []  # packaging/system-deps.sh installed them


def test_a_missing_library_is_named_with_its_packages(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    table = {
        **app.XCB_LIBRARIES,
        "libgenre-desktop-absent.so.7": ("absent-deb", "absent-rpm", "absent-arch"),
    }
    missing = app.missing_libraries(table)
    assert missing == ["libgenre-desktop-absent.so.7"]
    line = app.missing_libraries_message(missing, table)
    assert "\n" not in line
    for needed in ("apt-get install absent-deb", "dnf install absent-rpm", "pacman -S absent-arch"):
        assert needed in line
    assert "packaging/system-deps.sh" in line


def test_offscreen_needs_no_x11_libraries(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app.missing_libraries({"libgenre-desktop-absent.so.7": ("a", "b", "c")}) == []


def test_the_app_exits_2_with_one_line_before_qt_starts(tmp_path):
    code = (
        "import sys\n"
        "from genre_desktop.ui import app\n"
        "app.XCB_LIBRARIES['libgenre-desktop-absent.so.7'] = ('absent-deb', 'b', 'c')\n"
        "app.missing_libraries.__defaults__ = (app.XCB_LIBRARIES,)\n"
        "code = app.run_gui([])\n"
        "assert 'PySide6.QtWidgets' not in sys.modules\n"
        "sys.exit(code)\n"
    )
    env = {"DISPLAY": ":99", "QT_QPA_PLATFORM": "xcb", "PATH": "/usr/bin:/bin"}
    env["GENRE_DESKTOP_CONFIG_DIR"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "absent-deb" in proc.stderr and proc.stderr.count("\n") == 1
