"""Does a genre survive loud modern mastering? Each development clip is classified as it is
and after a simulated modern master (brightened, driven +6 or +12 dB into a soft limiter,
peak at -0.3 dBFS); the figure is the share of clips whose genre stays the same. The clips
were seen in training, so this measures stability, not accuracy."""

from __future__ import annotations

import numpy as np

from genre_desktop.core import audio, features

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


def measure(model, clips, raw_level: bool = False) -> dict[int, float]:
    """Share of clips whose genre is unchanged after mastering, by drive in dB."""
    same = {6: 0, 12: 0}
    for clip in clips:
        y = audio.load(clip.path, features.SAMPLE_RATE)

        def genre(x: np.ndarray) -> int:
            return int(model.run(windows(x, raw_level))["probabilities"].mean(0).argmax())

        base = genre(y)
        for drive in same:
            same[drive] += genre(master(y, drive)) == base
    return {d: n / len(clips) for d, n in same.items()}
