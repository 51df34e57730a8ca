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
    assert lines[0].split()[:3] == ["file", "genre", "confidence"] and len(lines) == 3


def test_similar_from_the_cache(music_library):
    folder = str(next(iter(music_library.values())).parent)
    cli("classify", folder)
    out = cli("similar", str(music_library["flac"]), "-k", "3", "--json")
    recs = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(recs) == 3 and recs[0]["score"] >= recs[1]["score"] >= recs[2]["score"]
    assert str(music_library["flac"]) not in [r["path"] for r in recs]
