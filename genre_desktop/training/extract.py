"""Per-window features of the development clips through the frozen pretrained networks,
clean and augmented, cached on disk so experiments re-run in seconds."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np

from genre_desktop.core import features
from genre_desktop.core.training.augment import augment
from genre_desktop.core.training.dataset import Clip, load_clip

HOP_FRAMES = 93  # ~1.5 s between training windows (half a window)
BACKBONES = ("MSD_musicnn", "MTT_musicnn", "MSD_vgg")
OUTPUTS = ("tags", "penultimate", "pool")


def _cache_key(clips: list[Clip], n_aug: int, seed: int) -> str:
    h = hashlib.sha256()
    for c in clips:
        st = c.path.stat()
        h.update(f"{c.path.name}:{st.st_size}:{c.label}".encode())
    h.update(
        f"{n_aug}:{seed}:{HOP_FRAMES}:{json.dumps(features.RECIPE, sort_keys=True)}:v4".encode()
    )
    return h.hexdigest()[:16]


def mfcc_stats(y: np.ndarray) -> np.ndarray:
    """The classical baseline's features: mean and std of 20 MFCCs and their deltas."""
    import librosa

    m = librosa.feature.mfcc(y=y, sr=features.SAMPLE_RATE, n_mfcc=20, n_fft=512, hop_length=256)
    d = (
        librosa.feature.delta(m, width=min(9, m.shape[1] - (1 - m.shape[1] % 2)))
        if m.shape[1] >= 3
        else np.zeros_like(m)
    )
    return np.concatenate([m.mean(1), m.std(1), d.mean(1), d.std(1)]).astype(np.float32)


def extract(
    clips: list[Clip], cache_dir: Path, n_aug: int = 3, seed: int = 0, log=print
) -> dict[str, np.ndarray]:
    """Arrays keyed by name; window rows carry `clip` (index) and `variant` (0 = clean)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"features-{_cache_key(clips, n_aug, seed)}.npz"
    if path.exists():
        log(f"features from cache {path}")
        with np.load(path) as data:
            return {k: data[k] for k in data.files}

    from genre_desktop.core.training.musicnn_keras import pretrained_any

    nets = {name: pretrained_any(name) for name in BACKBONES}
    rng = np.random.default_rng(seed)
    rows: dict[str, list[np.ndarray]] = {"clip": [], "variant": [], "mel": []}
    mfcc = []
    t0 = time.time()
    for i, clip in enumerate(clips):
        y = load_clip(clip)
        mfcc.append(mfcc_stats(y))
        for v in range(n_aug + 1):
            yv = y if v == 0 else augment(y, rng)
            w = features.clip_windows(yv, HOP_FRAMES)
            rows["mel"].append(w.astype(np.float16))
            rows["clip"].append(np.full(len(w), i, dtype=np.int32))
            rows["variant"].append(np.full(len(w), v, dtype=np.int8))
        if (i + 1) % 25 == 0:
            log(f"  decoded {i + 1}/{len(clips)} clips ({time.time() - t0:.0f} s)")
    out = {k: np.concatenate(v) for k, v in rows.items()}
    mel = out["mel"].astype(np.float32)
    for name, net in nets.items():
        res = net.predict(mel, batch_size=64, verbose=0)
        for key in OUTPUTS:
            out[f"{name}:{key}"] = np.asarray(res[key], dtype=np.float32)
        log(f"  {name}: {len(mel)} windows ({time.time() - t0:.0f} s)")
    out["mfcc"] = np.stack(mfcc)
    out["label"] = np.array([c.label for c in clips], dtype=np.int32)
    np.savez(path, **out)
    return out
