"""GTZAN-style trees (`<genre>/<genre>.<number>.<ext>`) -> clips with artist-safe groups."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from genre_desktop.core import audio, features
from genre_desktop.core.labels import GENRES

_NUMBER = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Clip:
    path: Path
    genre: str
    label: int
    number: int
    group: str  # consecutive numbers of one genre often share an artist: block of 10


def find_clips(root: str | Path, block: int = 10) -> list[Clip]:
    """Every audio file under root/<genre>/, for the ten genres; the group is the genre plus
    the block of clip numbers (`number // block`), so an artist stays on one side of a fold."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no data folder at {root}")
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
            clips.append(Clip(path, genre, label, number, f"{genre}-{number // block}"))
    if not clips:
        raise FileNotFoundError(f"no clips in {root} (expected <genre>/<file> folders)")
    return clips


def load_clip(clip: Clip) -> np.ndarray:
    """Whole clip, mono float32 at the model's rate (same decoder as the app)."""
    return audio.load(clip.path, features.SAMPLE_RATE)
