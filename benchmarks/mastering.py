"""Does a genre survive loud modern mastering? Each GTZAN development clip is classified as it
is and after a simulated modern master (brightened, driven +6 or +12 dB into a soft limiter,
peak at -0.3 dBFS); the figure is the share of clips whose genre stays the same.

    python benchmarks/mastering.py [--data ../shared/gtzan] [--model DIR] [--raw-level]

`--model DIR` measures another model folder (an older model: `git show REV:models/...`);
`--raw-level` computes its windows without the loudness normalisation (models before it).
The clips were seen in training, so this measures stability, not accuracy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from genre_desktop.core import audio, features  # noqa: E402
from genre_desktop.core.model import GenreModel  # noqa: E402
from genre_desktop.core.training.dataset import find_clips  # noqa: E402

HOP_FRAMES = 93


def master(y: np.ndarray, drive_db: float) -> np.ndarray:
    """Brighter (high shelf +3.5 dB-ish), then driven into tanh limiting, peak -0.3 dBFS."""
    from scipy.signal import lfilter

    y = y / (float(np.max(np.abs(y))) + 1e-9)
    low = lfilter([0.15], [1.0, -0.85], y)  # one-pole low-pass
    y = y + 0.5 * (y - low)
    g = 10 ** (drive_db / 20)
    y = np.tanh(g * y) / np.tanh(g)
    return (0.966 * y / float(np.max(np.abs(y)))).astype(np.float32)


def windows(y: np.ndarray, raw_level: bool) -> np.ndarray:
    if not raw_level:
        return features.clip_windows(y, HOP_FRAMES)
    n = features.WINDOW_SAMPLES
    starts = range(0, len(y) - n + 1, HOP_FRAMES * features.HOP) if len(y) > n else [0]
    return np.stack([features.log_mel(features.fit_length(y[s : s + n], n))[:187] for s in starts])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/gtzan")
    ap.add_argument("--model", type=Path)
    ap.add_argument("--raw-level", action="store_true")
    args = ap.parse_args()
    model = GenreModel(args.model)
    same = {6: 0, 12: 0}
    clips = find_clips(args.data)
    for clip in clips:
        y = audio.load(clip.path, features.SAMPLE_RATE)

        def genre(x: np.ndarray) -> int:
            return int(model.run(windows(x, args.raw_level))["probabilities"].mean(0).argmax())

        base = genre(y)
        for drive in same:
            same[drive] += genre(master(y, drive)) == base
    print(f"model {model.version}: {len(clips)} clips")
    for drive, n in same.items():
        print(f"  genre unchanged after mastering with +{drive} dB drive: {n / len(clips):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
