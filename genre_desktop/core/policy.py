"""Which predictions become tag writes: one rule, used by the batch command and the app."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from genre_desktop.core.albums import Verdict
from genre_desktop.core.labels import display_name
from genre_desktop.core.records import Analysis, Track


class Policy(StrEnum):
    """What to do with a genre already in a file."""

    KEEP = "keep"
    OVERWRITE = "overwrite"


class DecisionKind(StrEnum):
    WRITE = "write"
    HAS_GENRE = "has-genre"  # kept: the file has another genre and the policy keeps it
    SAME = "same"  # the file already has the predicted genre
    LOW_CONFIDENCE = "below-threshold"
    FAILED = "failed"  # not analysed (unreadable, undecodable)


WRITE, HAS_GENRE, SAME, LOW_CONFIDENCE, FAILED = (
    DecisionKind.WRITE,
    DecisionKind.HAS_GENRE,
    DecisionKind.SAME,
    DecisionKind.LOW_CONFIDENCE,
    DecisionKind.FAILED,
)


# The one rule for what is no genre at all: a file whose genre is only one of these (or an
# ID3v1 number meaning one, '(12)' = Other) counts as untagged everywhere: `learn` learns
# nothing from it, and the plan (retag, the app) fills it in like a file without a genre.
JUNK = frozenset(
    {
        "",
        "other",
        "others",
        "unknown",
        "genre",
        "misc",
        "miscellaneous",
        "none",
        "n/a",
        "na",
        "undefined",
        "unclassifiable",
        "various",
        "default",
        "music",
        "general",
    }
)
_SPLIT = re.compile(r"\s*(?:;|/|\||,|\\\\|\x00)\s*")
_ID3V1 = re.compile(r"^\(?(\d{1,3})\)?$")


def genre_key(name: str) -> str:
    """One genre however it is spelled: 'Hip-Hop', 'hip hop', 'HipHop' -> 'hiphop'."""
    return re.sub(r"[\s\-_.'&+]+", "", name.casefold())


def owned_genres(raw: Iterable[str]) -> list[str]:
    """A file's genre values -> its genres, cleaned: split 'Rock; Pop' / 'Rock/Pop', ID3v1
    numbers ('(17)', '17') to names, spacing tidied, junk ('Other', 'Unknown', 'genre')
    dropped, duplicates (in any spelling) once. Empty: the file has no genre."""
    from mutagen.id3 import TCON

    out: list[str] = []
    seen: set[str] = set()
    for value in raw:
        for part in _SPLIT.split(str(value)):
            part = " ".join(part.split())
            m = _ID3V1.match(part)
            if m:
                names = [g for g in TCON(text=[f"({m.group(1)})"]).genres if g]
                part = names[0] if names and not names[0].isdigit() else ""
            if not part or part.casefold() in JUNK or genre_key(part) in seen:
                continue
            seen.add(genre_key(part))
            out.append(part)
    return out


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    new: list[str]
    reason: str = ""
    by_album: bool = False  # the album's pooled genre decided, not the track alone
    genre: str = ""  # the deciding genre (display name) and its confidence
    confidence: float = 0.0


def decide(
    track: Track,
    analysis: Analysis | None,
    policy: str,
    min_confidence: float,
    error: str | None = None,
    verdict: Verdict | None = None,
    name: Callable[[str], str] = display_name,
) -> Decision:
    """keep: write only where the file has no genre (junk like 'Other' is none, `JUNK`); overwrite: replace any other genre.
    Either way only genres at least `min_confidence` sure are written. With a verdict whose
    album decides, the album's genre and confidence are what count. `name` spells a label
    as it is written (our names, or the owner's words of a library's own model)."""
    if analysis is None:
        return Decision(FAILED, [], error or track.error or "not analysed")
    by_album = bool(verdict and verdict.follows and verdict.album)
    genre = verdict.genre(analysis) if verdict else analysis.genre
    confidence = verdict.confidence(analysis) if verdict else analysis.confidence
    predicted = name(genre)
    whose = "album " if by_album else ""

    def made(kind: DecisionKind, new: list[str], reason: str = "") -> Decision:
        return Decision(kind, new, reason, by_album, predicted, confidence)

    if [name(g) for g in track.genres] == [predicted]:
        return made(SAME, [predicted], f"already has the {whose}genre")
    if owned_genres(track.genres) and Policy(policy) == Policy.KEEP:  # 'Other' is none
        return made(HAS_GENRE, [], f"already has a genre ({track.genre})")
    if as_percent(confidence) < as_percent(min_confidence):  # decided on the figure shown
        return made(
            LOW_CONFIDENCE,
            [],
            f"{whose}confidence {percent(confidence)} below {percent(min_confidence)}",
        )
    return made(WRITE, [predicted])


def as_percent(p: float) -> int:
    """The whole percent a probability is shown as (half up): what the window, every
    command and the write threshold use, so '85%' is never 'below 85%'."""
    return int(math.floor(p * 100 + 0.5))


def percent(p: float) -> str:
    return f"{as_percent(p)}%"
