"""Which predictions become tag writes: one rule, used by the batch command and the app."""

from __future__ import annotations

import math
from collections.abc import Callable
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
    """keep: write only where the file has no genre; overwrite: replace any other genre.
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
    if track.genres and Policy(policy) == Policy.KEEP:
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
