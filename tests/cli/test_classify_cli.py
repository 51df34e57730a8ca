"""`genre-desktop classify` and `similar` through the real entry point and the real model."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from genre_desktop.core.labels import DISPLAY

pytestmark = pytest.mark.usefixtures("needs_model")


@pytest.fixture
def needs_model(model_available):
    if not model_available:
        pytest.skip("model not built")


def cli(*args):
    p = subprocess.run(
        [sys.executable, "-m", "genre_desktop", *args], capture_output=True, text=True
    )
    assert "Traceback" not in p.stderr, p.stderr
    return p


def test_classify_json_lines_and_the_cache(music_library, tmp_path):
    folder = str(next(iter(music_library.values())).parent)
    (next(iter(music_library.values())).parent / "broken.ogg").write_bytes(b"OggS" + b"\0" * 50)
    t0 = time.perf_counter()
    first = cli("classify", folder, "--json")
    cold = time.perf_counter() - t0
    assert first.returncode == 0
    recs = [json.loads(x) for x in first.stdout.splitlines()]
    ok = [r for r in recs if "error" not in r]
    assert len(ok) == 8 and len(recs) == 9
    for r in ok:
        assert r["genre"] in DISPLAY.values()
        assert set(r["probabilities"]) == set(DISPLAY.values())
        assert abs(sum(r["probabilities"].values()) - 1) < 0.01
        assert r["probabilities"][r["genre"]] == max(r["probabilities"].values())
        assert 0 < r["confidence"] <= 1 and not r["cached"]
    assert any(r["path"].endswith("broken.ogg") and r["error"] for r in recs)
    second = [json.loads(x) for x in cli("classify", folder, "--json").stdout.splitlines()]
    assert all(r.get("cached") for r in second if "error" not in r)
    assert {r["path"]: r.get("genre") for r in second} == {r["path"]: r.get("genre") for r in recs}
    assert cold > 0


def test_classify_plain_table(music_library):
    out = cli("classify", str(music_library["flac"]), str(music_library["mp3"]))
    lines = out.stdout.splitlines()
    assert lines[0].split()[:3] == ["file", "genre", "conf."] and len(lines) == 3


def test_classify_rows_fit_an_80_column_terminal_and_keep_the_telling_part(tmp_path, music_library):
    from tests.cli.test_retag import _in_terminal

    for disc in (1, 2):
        d = (
            tmp_path
            / "lib"
            / "A long artist name - A long album title (Deluxe Edition)"
            / f"disc {disc}"
        )
        d.mkdir(parents=True)
        (d / "02 - Unknown track title that goes on and on.flac").write_bytes(
            music_library["flac"].read_bytes()
        )
    rc, screen = _in_terminal(["classify", str(tmp_path / "lib")], answer="")
    import re

    text = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line.split("\x1b[2K")[-1]) for line in
            screen.replace("\r", "\n").splitlines()]  # fmt: skip
    rows = [line for line in text if "02 - Unknown track" in line]  # a name keeps its start
    assert rc == 0 and len(rows) == 2, screen
    assert all(len(r) <= 80 for r in rows), rows
    assert any("disc 1" in r for r in rows) and any("disc 2" in r for r in rows)


def test_similar_from_the_cache(music_library):
    folder = str(next(iter(music_library.values())).parent)
    cli("classify", folder)
    out = cli("similar", str(music_library["flac"]), "-k", "3", "--json")
    recs = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(recs) == 3 and recs[0]["score"] >= recs[1]["score"] >= recs[2]["score"]
    assert str(music_library["flac"]) not in [r["path"] for r in recs]


def test_untagged_songs_keep_their_names_at_80_columns(tmp_path, music_library):
    """No album, so no album column; the width goes to the file name, never cut while the
    folder can give way."""
    import re

    from tests import audiofactory
    from tests.cli.test_retag import _in_terminal

    folder = tmp_path / "a rather long folder of music" / "downloaded songs"
    folder.mkdir(parents=True)
    names = ["alan_jackson_look_at_me", "john_denver_take_me_home_country_roads"]
    for i, name in enumerate(names):
        audiofactory.write(folder / f"{name}.opus", "opus", seconds=6, seed=i)
    rc, screen = _in_terminal(["classify", str(folder)], answer="")
    text = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line.split("\x1b[2K")[-1]) for line in
            screen.replace("\r", "\n").splitlines()]  # fmt: skip
    header = next(line for line in text if line.startswith("file"))
    rows = [line for line in text if ".opus" in line]
    assert rc == 0 and len(rows) == 2, screen
    assert "album genre" not in header
    assert all(len(r) <= 80 for r in rows), rows
    for name in names:
        assert any(f"{name}.opus" in r for r in rows), rows
