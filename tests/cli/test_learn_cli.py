"""`genre-desktop learn`: the owner's words learned from a half-tagged folder (real files,
the real model), used by retag and classify (JSON says which model decided), ignored with
--stock, stale on changed tags, forgotten with --forget; no tags: a report and no change."""

from __future__ import annotations

import json

import pytest

from tests import audiofactory
from tests.cli.test_retag import cli, jsonl
from tests.learnfactory import WORDS, make_half_tagged, truth

pytestmark = pytest.mark.usefixtures("needs_model")


@pytest.fixture
def needs_model(model_available):
    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")


def test_learn_then_retag_in_the_owners_words_and_forget(tmp_path):
    lib = make_half_tagged(tmp_path / "lib")
    proc = cli("learn", str(lib), "--json", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["used"] and report["genres"] == {"Bleep Techno": 7, "Slow Drone": 7}
    assert report["learned_accuracy"] > report["stock_accuracy"]
    assert report["untagged"] == 4 and report["p_value"] <= 0.05
    human = cli("learn", str(lib))  # analyses cached: the report again, for people
    assert "Held-out check" in human.stdout and "Used from now on" in human.stdout

    recs = [
        r
        for r in jsonl(cli("retag", str(lib), "--dry-run", "--json", "--min-confidence", "0"))
        if "path" in r
    ]
    untagged = [r for r in recs if not r["old"]]
    assert len(untagged) == 4 and {r["model"] for r in recs} == {"library"}
    assert all(r["predicted"] in WORDS for r in untagged)
    assert sum(r["predicted"] == truth(r["path"]) for r in untagged) >= 3
    stock = [
        r for r in jsonl(cli("retag", str(lib), "--dry-run", "--json", "--stock")) if "path" in r
    ]
    assert {r["model"] for r in stock} == {"stock"}
    assert not any(r.get("predicted") in WORDS for r in stock)
    classify = cli("classify", str(lib / "track 15.ogg"), "--json")
    assert json.loads(classify.stdout.splitlines()[0])["genre"] == "Slow Drone"

    # the owner retags a file: the commands say the learned model is stale
    audiofactory.set_tags(lib / "track 00.ogg", {"genre": "Slow Drone"})
    again = cli("retag", str(lib), "--dry-run", "--json")
    assert "genres in your files changed" in again.stderr

    assert "Forgotten" in cli("learn", "--forget").stdout
    after = [r for r in jsonl(cli("retag", str(lib), "--dry-run", "--json")) if "path" in r]
    assert {r["model"] for r in after} == {"stock"}


def test_no_genre_tags_learn_nothing_and_say_why(tmp_path):
    lib = tmp_path / "plain"
    lib.mkdir()
    for i in range(3):
        audiofactory.write(lib / f"t{i}.ogg", "ogg", seconds=4, seed=i)
    proc = cli("learn", str(lib))
    assert proc.returncode == 0
    assert "Nothing changes: too few tagged songs" in proc.stdout
    recs = [r for r in jsonl(cli("retag", str(lib), "--dry-run", "--json")) if "path" in r]
    assert {r["model"] for r in recs} == {"stock"}
