"""`retag --bpm`: the analysis' tempo estimate planned, previewed, written, kept or
overwritten, and undone like the genre; JSON records say the field."""

from __future__ import annotations

import json
import sys

import pytest

from genre_desktop.cli import common, run_cli
from genre_desktop.cli import retag as retag_cli
from genre_desktop.core import audio, pipeline, tags

pytestmark = pytest.mark.usefixtures("needs_model", "private_dirs")

ESTIMATE = 121.6  # what the tempo estimate says of every file here (written as 122)


@pytest.fixture
def needs_model(model_available):
    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")


@pytest.fixture(autouse=True)
def _estimate(monkeypatch):
    """The real analysis, with the tempo estimate the analysis will carry set here."""

    class WithTempo(pipeline.Analyser):
        def run(self, tracks, progress=None, flush_every=16):
            for o in super().run(tracks, progress, flush_every):
                if o.analysis is not None:
                    o.analysis.bpm = ESTIMATE
                yield o

    monkeypatch.setattr(retag_cli, "Analyser", WithTempo)
    monkeypatch.setattr(common.emit_json, "__defaults__", common.emit_json.__defaults__)


def _run(capsys, *argv) -> tuple[int, list[dict], str]:
    # JSON goes to the stdout of now (the one capsys captures), not of import time
    common.emit_json.__defaults__ = (sys.stdout,)
    code = run_cli(list(argv))
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines() if x.strip()], err


def _bpm(path) -> int:
    return tags.read(path).extra.get("bpm", 0)


def test_retag_bpm_dry_run_write_keep_overwrite_and_undo(capsys, music_library):
    folder = next(iter(music_library.values())).parent
    files = sorted(music_library.values())
    audio_before = {p: audio.payload_digest(p) for p in files}
    tags.write(music_library["flac"], "bpm", 90)  # a BPM of the owner's: kept by --bpm
    common = ["retag", str(folder), "--json", "--min-confidence", "0", "--jobs", "1"]

    code, recs, _ = _run(capsys, *common, "--bpm", "--dry-run")
    assert code == 0
    planned = {r["path"]: r for r in recs if r.get("field") == "bpm"}
    assert set(planned) == {str(p) for p in files if p != music_library["flac"]}
    assert all(
        r["status"] == "would-write" and (r["old"], r["new"]) == (0, 122) for r in planned.values()
    )
    assert [r["field"] for r in recs[:-1]] == ["genres"] * 8 + ["bpm"] * 7
    assert recs[-1]["bpm_would_write"] == 7 and recs[-1]["would_write"] == 0  # genres kept
    # the threshold in force, and why: --min-confidence is the person's
    assert (recs[-1]["threshold"], recs[-1]["threshold_source"]) == (0.0, "yours")
    assert all(_bpm(p) == 0 for p in files if p != music_library["flac"])

    code, recs, _ = _run(capsys, *common, "--bpm", "--yes")
    assert code == 0 and recs[-1]["bpm_written"] == 7
    assert {p: _bpm(p) for p in files} == {
        p: 90 if p == music_library["flac"] else 122 for p in files
    }
    assert all(tags.read(p).genres == ["Old Genre"] for p in files)
    assert {p: audio.payload_digest(p) for p in files} == audio_before

    code, recs, _ = _run(capsys, *common, "--overwrite-bpm", "--yes")
    assert code == 0 and recs[-1]["bpm_written"] == 1 and _bpm(music_library["flac"]) == 122

    assert run_cli(["undo", "--yes"]) == 0  # the overwrite undone: the owner's 90 is back
    assert _bpm(music_library["flac"]) == 90
    capsys.readouterr()
    code, out, _ = _run(capsys, "undo", "--yes", "--json")  # the --bpm run undone
    assert code == 0
    assert {r["field"] for r in out[:-1]} == {"bpm"}
    assert {p: _bpm(p) for p in files} == {
        p: 90 if p == music_library["flac"] else 0 for p in files
    }
    assert {p: audio.payload_digest(p) for p in files} == audio_before


def test_retag_without_bpm_writes_no_bpm_and_the_text_names_the_field(capsys, music_library):
    folder = next(iter(music_library.values())).parent
    common = ["retag", str(folder), "--min-confidence", "0", "--jobs", "1", "--dry-run"]
    code, _, _ = _run(capsys, *common)
    out = capsys.readouterr()
    assert code == 0 and "BPM" not in out.out
    code = run_cli([*common, "--bpm"])
    out = capsys.readouterr()
    lines = [x for x in out.out.splitlines() if " -> " in x]
    assert code == 0 and len(lines) == 8
    assert all(": BPM (none) -> 122 (estimate)" in x for x in lines)
    assert "BPM would be written: 8" in out.err
