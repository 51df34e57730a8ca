"""CLI output on a stream that is not UTF-8 (Windows pipes and files are cp1252 in the
West): a Japanese or Cyrillic file name is printed, never a UnicodeEncodeError."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pytest

from genre_desktop.__main__ import utf8_streams

NAME = "東京_Москва_Ünïcode"


def test_a_cp1252_stream_cannot_take_the_name_until_it_is_reconfigured():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    with pytest.raises(UnicodeEncodeError):
        print(NAME, file=stream)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    utf8_streams([stream])
    print(NAME, "\udcff", file=stream)  # even a lone surrogate (an undecodable name)
    stream.flush()
    assert raw.getvalue().decode("utf-8").startswith(NAME)
    assert "\\udcff" in raw.getvalue().decode("utf-8")


def test_a_utf8_stream_and_a_missing_one_are_left_alone():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8")
    utf8_streams([stream, None])  # None: a windowed app's stdout
    assert stream.encoding == "utf-8"


def test_piped_cli_output_in_cp1252_prints_a_japanese_name(tmp_path, music_library):
    path = tmp_path / f"{NAME}.flac"
    shutil.copy(music_library["flac"], path)
    env = {**os.environ, "PYTHONIOENCODING": "cp1252", "PYTHONUTF8": "0"}
    proc = subprocess.run(
        [sys.executable, "-m", "genre_desktop", "tags", str(path)],
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert NAME in proc.stdout.decode("utf-8")
