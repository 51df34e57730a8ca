"""GTZAN-style trees (`<genre>/<genre>.<number>.<ext>`) -> clips grouped by artist.

The group of a clip is its artist from `clips.csv` (column `artist`, Sturm's index), so
grouped cross-validation never puts one artist on both sides of a fold. Clip numbers do
not separate artists (one artist spans 10-30 numbers): they are never used as groups. A
clip without a known artist is its own group per genre and block of ten numbers.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genre_desktop.core import audio, features
from genre_desktop.training.labels import GENRES

_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Clip:
    path: Path
    genre: str
    label: int
    number: int
    group: str  # the artist (unknown artists: genre + block of ten numbers)
    split: str = ""  # "train" or "valid" of the artist-filtered split, "" if not listed
    seconds: float = 0.0
    domain: str = "gtzan"  # "gtzan", or the folder of real songs it came from
    doubt: bool = False  # its label is arguable (the data set says DOUBT)

    @property
    def real(self) -> bool:
        """A real recording as people own it (not a GTZAN clip)."""
        return self.domain != "gtzan"


def read_index(root: Path) -> dict[str, dict[str, str]]:
    """clips.csv rows by clip name (`blues.00003`); empty when there is no index."""
    path = root / "clips.csv"
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["clip"]: row for row in csv.DictReader(fh)}


def artist_key(artist: str) -> str:
    """One spelling per artist across data sets: 'P!nk', 'Pink' and 'pink' are one group,
    and so are 'Audio Slave' and 'Audioslave'."""
    return "".join(ch for ch in artist.casefold().replace("!", "i") if ch.isalnum())


def artist_group(genre: str, number: int, artist: str) -> str:
    artist = artist.strip()
    return f"artist:{artist_key(artist)}" if artist else f"unknown:{genre}-{number // 10}"


def find_clips(root: str | Path, require_index: bool = True) -> list[Clip]:
    """Every audio file under root/<genre>/, for the genres of `GENRES`, with its artist group and
    split from root/clips.csv. Without clips.csv (`require_index=False`, tests and
    benchmarks on other trees) every clip is its own group."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no data folder at {root}")
    index = read_index(root)
    if require_index and not index:
        raise FileNotFoundError(
            f"no clips.csv in {root}: the artist of each clip is needed to group folds"
        )
    clips = []
    for label, genre in enumerate(GENRES):
        folder = root / genre
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in audio.EXTENSIONS:
                continue
            m = _NUMBER.findall(path.stem)
            number = int(m[-1]) if m else 0
            row = index.get(path.stem)
            if row is None and index:
                raise ValueError(f"{path.name} is not listed in clips.csv")
            if row is None:
                group, split, seconds = f"clip:{path.stem}", "", 0.0
            else:
                group = artist_group(genre, number, row.get("artist", ""))
                split, seconds = row.get("split", ""), float(row.get("seconds") or 0.0)
            clips.append(Clip(path, genre, label, number, group, split, seconds))
    if not clips:
        raise FileNotFoundError(f"no clips in {root} (expected <genre>/<file> folders)")
    return clips


def load_clip(clip: Clip) -> np.ndarray:
    """Whole clip, mono float32 at the model's rate (same decoder as the app)."""
    return audio.load(clip.path, features.SAMPLE_RATE)


# ../shared/realworld's labels.tsv has no artist column: the artist of each file, read off
# its source path (the file names join artist and title with the same underscore)
REALWORLD_ARTISTS = (
    "Blues Alive", "Larkin Poe", "Beethoven", "Carl Orff", "Thomas Tallis", "Alan Jackson",
    "Luke Combs", "John Denver", "Boney M", "Dr Dre", "2Pac", "50 Cent", "Glenn Miller",
    "Jelly Roll Morton", "Sidney Bechet", "Willie the Lion Smith", "Benny Goodman",
    "Louis Armstrong", "Black Sabbath", "Disturbed", "Mortician", "The Weeknd",
    "Britney Spears", "Shawn Mendes", "P!nk", "Koffee", "Steppenwolf", "Survivor",
    "Audioslave", "Bruce Springsteen", "Led Zeppelin",
)  # fmt: skip


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.casefold()).strip("_")


def realworld_artist(stem: str) -> str:
    """The artist of a `<artist>_<title>` file of ../shared/realworld ('' when unknown)."""
    for name in sorted(REALWORLD_ARTISTS, key=len, reverse=True):
        if stem.startswith(_slug(name) + "_"):
            return name
    return ""


def find_songs(root: str | Path) -> list[Clip]:
    """Real recordings in `<genre>/<file>` folders with a labels.tsv (../shared/realsongs,
    ../shared/realworld): their genre, artist (the `artist` column, else read off the file
    name) and whether the label is marked DOUBT. Genres outside `GENRES` are refused."""
    root = Path(root)
    path = root / "labels.tsv"
    if not path.is_file():
        raise FileNotFoundError(f"no labels.tsv in {root}")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    songs = []
    for row in rows:
        genre = row["genre"].strip()
        if genre not in GENRES:
            raise ValueError(f"{row['file']}: genre {genre!r} is not one of {GENRES}")
        file = root / row["file"]
        artist = (row.get("artist") or "").strip() or realworld_artist(file.stem)
        group = f"artist:{artist_key(artist)}" if artist else f"song:{root.name}/{file.stem}"
        doubt = "DOUBT" in (row.get("labelling_reason") or "")
        seconds = float(row.get("seconds") or 0.0)
        songs.append(
            Clip(file, genre, GENRES.index(genre), 0, group, "", seconds, root.name, doubt)
        )
    return songs
