"""Which predictions become tag writes: one rule, used by the batch command and the app."""

from __future__ import annotations

from dataclasses import dataclass

from genre_desktop.core.labels import display_name
from genre_desktop.core.library import Analysis, Track

# decision kinds
WRITE = "write"
HAS_GENRE = "has-genre"
SAME = "same"
LOW_CONFIDENCE = "below-threshold"
FAILED = "failed"


@dataclass(frozen=True)
class Decision:
    kind: str
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
    if track.genres and policy == "keep":
        return Decision(HAS_GENRE, [], f"already has a genre ({track.genre})")
    if analysis.confidence < min_confidence:
        return Decision(
            LOW_CONFIDENCE, [], f"confidence {analysis.confidence:.0%} below {min_confidence:.0%}"
        )
    return Decision(WRITE, [predicted])
