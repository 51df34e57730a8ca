"""Waveform augmentation aimed at the gap between GTZAN's 1990s excerpts and modern,
loud, compressed, bright full-length productions: gain, limiting/saturation, EQ tilt,
a little noise. Applied before the log-mel, so the model sees the result as the app would."""

from __future__ import annotations

import numpy as np


def _one_pole_lowpass(y: np.ndarray, alpha: float) -> np.ndarray:
    from scipy.signal import lfilter

    return lfilter([alpha], [1.0, alpha - 1.0], y).astype(np.float32)


def augment(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random variant of a mono 16 kHz clip."""
    y = y.astype(np.float32, copy=True)
    peak = float(np.max(np.abs(y))) or 1.0
    y /= peak  # start from a normalised clip; gain is chosen below
    if rng.random() < 0.6:  # tilt EQ: brighter (modern) or darker (old, lo-fi)
        low = _one_pole_lowpass(y, float(rng.uniform(0.05, 0.3)))
        amount = float(rng.uniform(-0.6, 0.8))
        y = y + amount * (y - low) if amount > 0 else (1 + amount) * y - amount * low
    if rng.random() < 0.5:  # loud mastering: drive into a soft limiter
        drive = float(10 ** (rng.uniform(3, 12) / 20))
        y = np.tanh(drive * y) / np.tanh(drive)
    if rng.random() < 0.3:
        rms = float(np.sqrt(np.mean(y**2))) + 1e-9
        y = y + rng.standard_normal(len(y)).astype(np.float32) * rms * float(
            10 ** (-rng.uniform(25, 45) / 20)
        )
    gain_db = float(rng.uniform(-18, 0))  # final peak level
    y *= float(10 ** (gain_db / 20)) / (float(np.max(np.abs(y))) or 1.0)
    return y.astype(np.float32)
