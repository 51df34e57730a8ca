"""Which predictions become tag writes: one rule, used by the batch command and the app."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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


def decide(
    track: Track,
    analysis: Analysis | None,
    policy: str,
    min_confidence: float,
    error: str | None = None,
) -> Decision:
    """keep: write only where the file has no genre; overwrite: replace any other genre.
    Either way only predictions at least `min_confidence` sure are written."""
    if analysis is None:
        return Decision(FAILED, [], error or track.error or "not analysed")
    predicted = display_name(analysis.genre)
    if [display_name(g) for g in track.genres] == [predicted]:
        return Decision(SAME, [predicted], "already has the predicted genre")
    if track.genres and Policy(policy) == Policy.KEEP:
        return Decision(HAS_GENRE, [], f"already has a genre ({track.genre})")
    if analysis.confidence < min_confidence:
        return Decision(
            LOW_CONFIDENCE, [], f"confidence {analysis.confidence:.0%} below {min_confidence:.0%}"
        )
    return Decision(WRITE, [predicted])
