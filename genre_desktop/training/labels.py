"""The genres a model is trained on, and the spelling written into tags and shown to people:
where a new label is born. `make train` writes them into the model card
(models/genre_cnn.json: `labels`, `display_names`), and the app reads them from the card
only (core/labels.py), so the card is the one source at run time."""

from __future__ import annotations

GENRES: tuple[str, ...] = (
    "blues",
    "classical",
    "country",
    "disco",
    "electronic",
    "hiphop",
    "jazz",
    "metal",
    "pop",
    "reggae",
    "rock",
)

DISPLAY: dict[str, str] = {
    "blues": "Blues",
    "classical": "Classical",
    "country": "Country",
    "disco": "Disco",
    "electronic": "Electronic",
    "hiphop": "Hip-Hop",
    "jazz": "Jazz",
    "metal": "Metal",
    "pop": "Pop",
    "reggae": "Reggae",
    "rock": "Rock",
}
