"""The eleven genres (core/labels.py): every label has its display name, the model card's
labels are ours, and any spelling of a name comes back as the one written into tags."""

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


def test_the_model_cards_labels_are_the_eleven():
    if not CARD.exists():
        pytest.skip("models/genre_cnn.json not built (make train)")
    card = json.loads(CARD.read_text(encoding="utf-8"))
    assert set(card["labels"]) == set(GENRES)
