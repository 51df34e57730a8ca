"""The genres (core/labels.py, read from the model card): every label has its display name,
the card is where the app reads them (the training's table wrote it), and any spelling of a
name comes back as the one written into tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genre_desktop.core.labels import DISPLAY, GENRES, display_name

CARD = Path(__file__).resolve().parents[2] / "models" / "genre_cnn.json"


def test_eleven_labels_each_with_one_display_name():
    assert len(GENRES) == 11 == len(set(GENRES))
    assert set(DISPLAY) == set(GENRES)
    assert len(set(DISPLAY.values())) == 11
    assert DISPLAY["hiphop"] == "Hip-Hop" and DISPLAY["electronic"] == "Electronic"


@pytest.mark.parametrize(
    "given, name",
    [
        ("hiphop", "Hip-Hop"),
        ("hip hop", "Hip-Hop"),
        ("HIP-HOP", "Hip-Hop"),
        ("  HipHop ", "Hip-Hop"),
        ("rock", "Rock"),
        ("Classical", "Classical"),
        ("Shoegaze", "Shoegaze"),  # a genre outside the eleven is the person's: kept
        (" Drum & Bass ", "Drum & Bass"),
    ],
)
def test_any_spelling_gives_the_name_written_into_tags(given, name):
    assert display_name(given) == name


def test_the_model_cards_labels_are_the_eleven_the_training_wrote():
    from genre_desktop.training import labels as training_labels

    if not CARD.exists():
        pytest.skip("models/genre_cnn.json not built (make train)")
    card = json.loads(CARD.read_text(encoding="utf-8"))
    assert tuple(card["labels"]) == GENRES == training_labels.GENRES
    assert card["display_names"] == [DISPLAY[g] for g in GENRES]
    assert DISPLAY == training_labels.DISPLAY


def test_the_app_reads_its_genres_from_the_card_only(tmp_path):
    """A card with another label set (a model trained with Ska) changes the app's genres
    and their spelling with no code change."""
    import os
    import subprocess
    import sys

    card = {"labels": ["blues", "ska"], "display_names": ["Blues", "Ska"]}
    (tmp_path / "genre_cnn.json").write_text(json.dumps(card), encoding="utf-8")
    code = (
        "from genre_desktop.core.labels import GENRES, display_name;"
        "print(list(GENRES), display_name('SKA'), display_name('hip hop'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "GENRE_DESKTOP_MODEL_DIR": str(tmp_path)},
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert out.stdout.split() == ["['blues',", "'ska']", "Ska", "hip", "hop"]
