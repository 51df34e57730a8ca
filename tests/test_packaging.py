"""What the bundles promise on each system, read from the build files (the bundles
themselves are built and smoke-tested on their own systems by .github/workflows/package.yml)."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build_module():
    spec = importlib.util.spec_from_file_location("gd_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_smoke_test_starts_what_a_person_starts():
    build = _build_module()
    dist = Path("dist")
    assert build.bundle_exe("darwin", dist) == dist / "GenreDesktop.app/Contents/MacOS/GenreDesktop"
    assert build.bundle_exe("win32", dist) == dist / "GenreDesktop/GenreDesktop.exe"
    assert build.bundle_exe("linux", dist) == dist / "GenreDesktop/GenreDesktop"
    # the commands run from a console program on Windows; the app's binary elsewhere
    assert build.cli_exe("win32", dist) == dist / "GenreDesktop/genre-desktop-cli.exe"
    assert build.cli_exe("darwin", dist) == build.bundle_exe("darwin", dist)


def test_the_spec_declares_macos_14_on_apple_silicon_and_a_console_exe():
    text = (ROOT / "packaging" / "genre_desktop.spec").read_text()
    ast.parse(text)
    assert re.search(r'MACOS_MINIMUM = "14\.0"', text)
    assert '"LSMinimumSystemVersion": MACOS_MINIMUM' in text
    assert '"LSArchitecturePriority": ["arm64"]' in text
    assert re.search(r'name="genre-desktop-cli",\s*console=True', text)
