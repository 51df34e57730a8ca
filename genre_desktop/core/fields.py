"""The tag fields, declared once (as beets' `Item._fields` and mediafile's one declaration
per field with a storage key per tag family).

Reading (`core.tags.read`), the library's stored track (`core.library`), the scan's copy
(`core.scan.read_track`) and the track table's columns (`ui.models`) all follow this table.
A field the rest of the code does not use by name (BPM below) needs nothing but its row: it
is read, stored (in the track's `extra` values), rescanned into old libraries and shown as
a hideable column. Writing: a `writable` field is written by `core.tags.write(path, field,
value)` (each tag family stores it by its key here), and the journal, the write session,
undo, redo and the library's record carry the field's name; `core.plan` decides what is
written (the genres, and BPM from the analysis' tempo estimate).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from genre_desktop.core import records


class Kind(StrEnum):
    TEXT = "text"  # one string (several values joined with '; ')
    LIST = "list"  # every value
    NUMBER = "number"  # an integer ('3/12' -> 3)
    FLAG = "flag"  # '1'/'true'/'yes'
    YEAR = "year"  # the first four characters of a date


@dataclass(frozen=True)
class Field:
    name: str  # the attribute of records.Track / tags.TrackTags, or the key in `extra`
    keys: dict[str, str]  # tag family (core.tags.FAMILIES) -> the key in that family
    kind: Kind = Kind.TEXT
    title: str = ""  # a generic column of the track table with this title ('' = none)
    writable: bool = False  # the app may write it (core.tags.write)
    shown: bool = False  # its column is shown by default (else in the header's menu)

    @property
    def word(self) -> str:
        """How messages name it: 'genre', 'BPM'."""
        return self.title or self.name.removesuffix("s").replace("_", " ")

    def empty(self) -> Any:
        return {
            Kind.TEXT: "",
            Kind.LIST: [],
            Kind.NUMBER: 0,
            Kind.FLAG: False,
            Kind.YEAR: "",
        }[self.kind]


FIELDS: tuple[Field, ...] = (
    Field("title", {"id3": "TIT2", "vorbis": "title", "mp4": "\xa9nam"}),
    Field("artist", {"id3": "TPE1", "vorbis": "artist", "mp4": "\xa9ART"}),
    Field("album", {"id3": "TALB", "vorbis": "album", "mp4": "\xa9alb"}),
    Field("genres", {"id3": "TCON", "vorbis": "genre", "mp4": "\xa9gen"}, Kind.LIST, writable=True),
    Field("album_artist", {"id3": "TPE2", "vorbis": "albumartist", "mp4": "aART"}),
    Field("track_number", {"id3": "TRCK", "vorbis": "tracknumber", "mp4": "trkn"}, Kind.NUMBER),
    Field("disc_number", {"id3": "TPOS", "vorbis": "discnumber", "mp4": "disk"}, Kind.NUMBER),
    Field("year", {"id3": "TDRC", "vorbis": "date", "mp4": "\xa9day"}, Kind.YEAR),
    Field("compilation", {"id3": "TCMP", "vorbis": "compilation", "mp4": "cpil"}, Kind.FLAG),
    # one row read, stored and shown (issue #20); written from the tempo estimate (#30)
    Field(
        "bpm",
        {"id3": "TBPM", "vorbis": "bpm", "mp4": "tmpo"},
        Kind.NUMBER,
        "BPM",
        writable=True,
        shown=True,
    ),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
GENRE = records.GENRE  # the field the app writes from the genre model
BPM = records.BPM  # the field written from the analysis' tempo estimate
COLUMN_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.title)


def signature() -> str:
    """Changes when a field is added or its keys change: the library then re-reads every
    file's tags on the next scan, so the new field is filled in."""
    text = ";".join(f"{f.name}={sorted(f.keys.items())}:{f.kind}" for f in FIELDS)
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def split(values: dict[str, Any], attributes: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Field values -> (those that are attributes of the record, the rest for `extra`)."""
    own = {k: v for k, v in values.items() if k in attributes}
    extra = {k: v for k, v in values.items() if k not in attributes}
    return own, extra


def value(record: Any, name: str) -> Any:
    """A field's value on a Track or TrackTags (an attribute, or one of its `extra`)."""
    if name in getattr(record, "__dataclass_fields__", {}) and name != "extra":
        return getattr(record, name)
    return record.extra.get(name, BY_NAME[name].empty() if name in BY_NAME else None)


def values(record: Any) -> dict[str, Any]:
    return {f.name: value(record, f.name) for f in FIELDS}


def word(name: str) -> str:
    """How messages name a field ('genre', 'BPM')."""
    return BY_NAME[name].word if name in BY_NAME else name
