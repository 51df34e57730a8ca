"""Albums: which tracks belong together, and the genre of an album from all its tracks.

The rules, in one place (measured on the development clips with each artist's clips as an
album; see the model card's "Albums" section):

- Tagged tracks belong to an album by (album artist, else artist) + album. The disc number
  does not split an album.
- Compilations are not pooled: album artist "Various Artists" (and its usual spellings),
  the compilation flag (ID3 TCMP, MP4 cpil, Vorbis COMPILATION), or, without an album
  artist, one album name in one folder sung by three or more artists.
- Untagged tracks (no album) in one folder form an album only when the folder looks like
  one: at least MIN_FOLDER_TRACKS tracks, most of them with a track number in the tag or a
  numbered file name ("01 - ...", "1-02 ..."), and at most one artist. Disc folders
  ("CD1", "Disc 2") count as their parent folder. Otherwise each track stands alone.
- The album's genre is the pooled probabilities of its analysed tracks (mean of
  probabilities, or of log-probabilities: the card says which was measured better), with
  the pooled top probability as its confidence.
- A track keeps its own genre only when it is confidently something else: its own
  confidence at least KEEP_OWN and above the album's (an interlude, a bonus remix).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from genre_desktop.core.records import Analysis, Track

VARIOUS = {"various artists", "various", "va", "v.a.", "varios artistas", "divers", "verschiedene"}
MIN_FOLDER_TRACKS = 3
COMPILATION_ARTISTS = 3  # artists under one album name (no album artist) that make it one
KEEP_OWN = 0.9
_NUMBERED = re.compile(r"^\s*(\d{1,3}[-. _]\d{1,3}|\d{1,3})(\s|[-._)]|$)")
_DISC_FOLDER = re.compile(r"^(cd|disc|disk)\s*\d+$", re.IGNORECASE)


class Per(StrEnum):
    """What decides the written genre."""

    ALBUM = "album"
    TRACK = "track"


@dataclass(frozen=True)
class AlbumGenre:
    key: str
    name: str  # for people: "Album — Artist" or the folder
    genre: str  # internal label
    confidence: float
    probabilities: dict[str, float]
    tracks: int  # analysed tracks pooled


@dataclass(frozen=True)
class Verdict:
    """What one track gets: its album's genre, or its own."""

    album: AlbumGenre | None
    follows: bool  # True: the album decides this track's genre

    def genre(self, own: Analysis) -> str:
        return self.album.genre if self.follows and self.album else own.genre

    def confidence(self, own: Analysis) -> float:
        return self.album.confidence if self.follows and self.album else own.confidence


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())


def _album_folder(path: str) -> str:
    folder = os.path.dirname(path)
    if _DISC_FOLDER.match(os.path.basename(folder)):
        return os.path.dirname(folder)
    return folder


def is_compilation_tag(t: Track) -> bool:
    return t.compilation or _norm(t.album_artist) in VARIOUS


def group(tracks: list[Track]) -> dict[str, list[Track]]:
    """Album key -> its tracks, for the albums that are pooled (two tracks or more, no
    compilation). A track in no group stands alone."""
    tagged: dict[str, list[Track]] = defaultdict(list)
    untagged: dict[str, list[Track]] = defaultdict(list)
    for t in tracks:
        if t.album.strip():
            if is_compilation_tag(t):
                continue
            who = _norm(t.album_artist) or _norm(t.artist)
            tagged[f"album:{who}\x1f{_norm(t.album)}"].append(t)
        else:
            untagged[f"folder:{_album_folder(t.path)}"].append(t)
    # many artists under one album name in one folder, without an album artist: a
    # compilation tagged track by track
    artists: dict[tuple[str, str], set[str]] = defaultdict(set)
    for t in tracks:
        if t.album.strip() and not t.album_artist.strip():
            artists[(_album_folder(t.path), _norm(t.album))].add(_norm(t.artist))
    many = {k for k, a in artists.items() if len(a) >= COMPILATION_ARTISTS}
    out: dict[str, list[Track]] = {}
    for key, members in tagged.items():
        members = [
            t
            for t in members
            if t.album_artist.strip() or (_album_folder(t.path), _norm(t.album)) not in many
        ]
        if len(members) >= 2:
            out[key] = members
    for key, members in untagged.items():
        if _looks_like_album(members):
            out[key] = members
    return out


def release(track: Track, tracks: list[Track]) -> list[Track]:
    """The tracks of `track`'s album as a person selects them: its pooled album (`group`),
    else (a compilation, never pooled; an album of one) the tracks with the same album
    tag in the same album folder (disc folders count as one). [] without either."""
    for members in group(tracks).values():
        if any(m is track or m.id == track.id for m in members):
            return members
    if not track.album.strip():
        return []
    where, name = _album_folder(track.path), _norm(track.album)
    return [t for t in tracks if _norm(t.album) == name and _album_folder(t.path) == where]


def _looks_like_album(members: list[Track]) -> bool:
    if len(members) < MIN_FOLDER_TRACKS:
        return False
    numbered = sum(
        1 for t in members if t.track_number or _NUMBERED.match(os.path.basename(t.path))
    )
    artists = {_norm(t.artist) for t in members if t.artist.strip()}
    return numbered >= 0.8 * len(members) and len(artists) <= 1


def pool(analyses: list[Analysis], how: str = "mean") -> dict[str, float]:
    labels = list(analyses[0].probabilities)
    p = np.array([[a.probabilities.get(k, 0.0) for k in labels] for a in analyses])
    pooled = p.mean(0) if how == "mean" else np.exp(np.log(np.clip(p, 1e-7, 1.0)).mean(0))
    pooled = pooled / pooled.sum()
    return {k: float(v) for k, v in zip(labels, pooled, strict=True)}


def _name(key: str, members: list[Track]) -> str:
    t = members[0]
    if key.startswith("album:"):
        who = t.album_artist or t.artist
        return f"{t.album} — {who}" if who else t.album
    return os.path.basename(key.removeprefix("folder:")) or key


def verdicts(
    tracks: list[Track], analyses: dict[int, Analysis], how: str = "mean"
) -> dict[int, Verdict]:
    """Every track's verdict: the album genre of its group (from its analysed tracks) and
    whether the album decides it. Tracks that stand alone get Verdict(None, False)."""
    out: dict[int, Verdict] = {}
    for key, members in group(tracks).items():
        done = [analyses[t.id] for t in members if t.id in analyses]
        if len(done) < 2:
            continue
        probs = pool(done, how)
        best = max(probs, key=lambda k: probs[k])
        album = AlbumGenre(key, _name(key, members), best, probs[best], probs, len(done))
        for t in members:
            own = analyses.get(t.id)
            keeps_own = (
                own is not None
                and own.genre != best
                and own.confidence >= KEEP_OWN
                and own.confidence > album.confidence
            )
            out[t.id] = Verdict(album, not keeps_own)
    for t in tracks:
        out.setdefault(t.id, Verdict(None, False))
    return out
