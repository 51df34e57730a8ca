"""The plain records every part of the app passes around, and their named states.

Apart from storage (library.py) on purpose: the model, the policy, the UI and the command
line use these without touching SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np


class ChangeState(StrEnum):
    """One file's change of one field in the journal."""

    PLANNED = "planned"  # recorded (with the old value) before the file is touched
    WRITTEN = "written"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNDONE = "undone"


class BatchState(StrEnum):
    OPEN = "open"  # running, or interrupted (resumed by running the same command again)
    DONE = "done"
    UNDONE = "undone"


class BatchKind(StrEnum):
    """Who wrote the batch."""

    RETAG = "retag"
    TAGS = "tags"  # `tags --set-genre`
    APP = "app"
    UNDO = "undo"


@dataclass
class Track:
    id: int
    path: str
    size: int
    mtime_ns: int
    format: str = ""
    codec: str = ""
    duration: float = 0.0
    sample_rate: int = 0
    channels: int = 0
    title: str = ""
    artist: str = ""
    album: str = ""
    genres: list[str] = field(default_factory=list)
    error: str | None = None
    album_artist: str = ""
    track_number: int = 0
    disc_number: int = 0
    year: str = ""
    compilation: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # tag fields not named above (core.fields)

    @property
    def genre(self) -> str:
        return "; ".join(self.genres)

    @property
    def display_title(self) -> str:
        return self.title or Path(self.path).stem


@dataclass
class Analysis:
    """What the model says about one track."""

    model_version: str
    genre: str  # internal label, e.g. 'hiphop'
    confidence: float
    probabilities: dict[str, float]  # label -> probability, all ten
    tags: list[tuple[str, float]] = field(default_factory=list)  # descriptive tags, best first
    embedding: np.ndarray | None = None
    windows: int = 0
    bpm: float | None = None

    def ranked(self) -> list[tuple[str, float]]:
        return sorted(self.probabilities.items(), key=lambda kv: -kv[1])


GENRE = "genres"  # the field the app writes (core.fields declares every field)
BPM = "bpm"  # the field written from the tempo estimate
STOCK = "stock"  # the shipped model decided
LIBRARY = "library"  # the library's own learned model (core.learn) decided


@dataclass(frozen=True)
class WriteRequest:
    """One field of one file to write: what the write session needs, and why it was
    decided. `old` and `new` are the field's values as reading gives them (genres: a list
    of strings; BPM: a whole number, 0 = none)."""

    track_id: int
    path: str
    old: Any
    new: Any
    expect: tuple[int, int] | None  # (size, mtime_ns) when read: changed since = not written
    confidence: float  # the confidence that decided (the album's when the album decided)
    by_album: bool
    by_person: bool
    source: str = "stock"  # which model decided: STOCK or LIBRARY
    field: str = GENRE


@dataclass
class Change:
    id: int
    batch_id: int
    path: str
    old: list[str]
    new: list[str]
    state: ChangeState
    error: str | None
    size_after: int | None
    mtime_ns_after: int | None
    field: str = GENRE  # the tag field changed (core.fields)
    source: str = ""  # which model decided the value written ('' = not recorded)


@dataclass
class Batch:
    id: int
    created_at: float
    kind: str
    description: str
    state: BatchState
    undo_of: int | None
    counts: dict[str, int]
    resume_key: str = ""

    def written(self) -> int:
        return self.counts.get(ChangeState.WRITTEN, 0)


def duration_text(seconds: float) -> str:
    """'3:07', or '1:02:05' from an hour: a track's length as the window and the commands
    print it."""
    s = int(round(seconds))
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )
