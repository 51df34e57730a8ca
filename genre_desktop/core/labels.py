"""The eleven genres (GTZAN's ten and Electronic): internal label, and the spelling written
into tags and shown to people."""

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

_BY_ANY: dict[str, str] = {}
for _key, _name in DISPLAY.items():
    for _alias in (_key, _name, _name.replace("-", ""), _name.replace("-", " ")):
        _BY_ANY[_alias.casefold()] = _name


def display_name(label_or_name: str) -> str:
    """'hiphop', 'hip hop', 'Hip-Hop' -> 'Hip-Hop'; anything else is returned as given
    (a person may use genres outside our eleven)."""
    return _BY_ANY.get(label_or_name.strip().casefold(), label_or_name.strip())
