"""Shared fixtures: real audio made by real encoders in tmp dirs, a private data folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import audiofactory  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The preview player's tests play through the real PortAudio stream into ALSA's null
# device: a private HOME whose .asoundrc makes it the default (before sounddevice loads).
if not os.environ.get("GENRE_DESKTOP_TEST_REAL_AUDIO"):
    import tempfile

    _home = Path(tempfile.mkdtemp(prefix="gd-test-home-"))
    (_home / ".asoundrc").write_text(
        "pcm.!default { type null }\nctl.!default { type hw card 0 }\n"
    )
    os.environ["HOME"] = str(_home)
    os.environ.setdefault("XDG_CONFIG_HOME", str(_home / ".config"))


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory, monkeypatch):
    """Every test gets its own data, config and log folders."""
    base = tmp_path_factory.mktemp("appdirs")
    monkeypatch.setenv("GENRE_DESKTOP_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("GENRE_DESKTOP_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("GENRE_DESKTOP_LOG_DIR", str(base / "log"))
    return base


@pytest.fixture(scope="session")
def _library_master(tmp_path_factory) -> dict[str, Path]:
    return audiofactory.make_library(tmp_path_factory.mktemp("master"), seconds=4.0)


@pytest.fixture
def music_library(tmp_path, _library_master) -> dict[str, Path]:
    """The eight format variants, with starting tags, in a fresh folder."""
    folder = tmp_path / "music"
    folder.mkdir()
    out = {}
    for variant, src in _library_master.items():
        dst = folder / src.name
        shutil.copy2(src, dst)
        out[variant] = dst
    return out


@pytest.fixture(scope="session")
def model_available() -> bool:
    return (ROOT / "models" / "genre_cnn.tflite").exists()
