"""A half-tagged library for the learn tests: beats and drones, tagged in words that are no
genre of ours (only the library's own model can say them), by several artists."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests import audiofactory

WORDS = ("Bleep Techno", "Slow Drone")


def truth(path: str) -> str:
    """The owner's word for a track of `make_half_tagged` (odd numbers drone)."""
    return WORDS[int(Path(path).stem.split()[-1]) % 2]


def _drone(seconds: float, seed: int) -> np.ndarray:
    """A slow, soft chord with no drums: unlike audiofactory.music's beats."""
    sr = 44100
    t = np.arange(int(seconds * sr)) / sr
    root = np.random.default_rng(seed).uniform(55, 80)
    y = sum(0.15 * np.sin(2 * np.pi * root * r * t) for r in (1.0, 1.5, 2.0))
    return np.stack([y, y], axis=1).astype(np.float32)


def make_half_tagged(folder: Path) -> Path:
    """14 tagged tracks by 7 artists in the owner's words (odd numbers drone), and 4
    untagged ones."""
    folder.mkdir()
    for i in range(18):
        drone = i % 2 == 1
        path = folder / f"track {i:02d}.ogg"
        data = _drone(6, i) if drone else None
        audiofactory.write(path, "ogg", seconds=6, seed=100 + i, data=data)
        tags = {"artist": f"Artist {i // 2 if i < 14 else 'Unknown ' + str(i)}", "title": path.stem}
        if i < 14:
            tags["genre"] = WORDS[drone]
        audiofactory.set_tags(path, tags)
    return folder
