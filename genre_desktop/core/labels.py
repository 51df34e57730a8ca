"""The genres the shipped model knows (its internal labels) and the spelling written into
tags and shown to people, read from the model card (models/genre_cnn.json: `labels`,
`display_names`): the card is the one source. A new label is added where the model is
trained (genre_desktop/training/labels.py) and reaches the app through the card."""

from __future__ import annotations

import json

from genre_desktop.config import models_dir


def _from_card() -> tuple[tuple[str, ...], dict[str, str]]:
    try:
        card = json.loads((models_dir() / "genre_cnn.json").read_text(encoding="utf-8"))
        labels = tuple(str(x) for x in card["labels"])
        return labels, dict(zip(labels, (str(n) for n in card["display_names"]), strict=True))
    except (OSError, ValueError, KeyError, TypeError):
        # no card (a checkout before `make train`): no genres of ours; the model then says
        # it is missing, and names are taken as given
        return (), {}


GENRES, DISPLAY = _from_card()

_BY_ANY: dict[str, str] = {}
for _key, _name in DISPLAY.items():
    for _alias in (_key, _name, _name.replace("-", ""), _name.replace("-", " ")):
        _BY_ANY[_alias.casefold()] = _name


def display_name(label_or_name: str) -> str:
    """'hiphop', 'hip hop', 'Hip-Hop' -> 'Hip-Hop'; anything else is returned as given
    (a person may use genres outside the model's)."""
    return _BY_ANY.get(label_or_name.strip().casefold(), label_or_name.strip())
