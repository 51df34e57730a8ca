"""Per-window features of the development clips through the frozen pretrained networks,
clean and augmented, cached on disk so experiments re-run in seconds."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np

from genre_desktop.core import features
from genre_desktop.training.augment import augment
from genre_desktop.training.dataset import Clip, load_clip

HOP_FRAMES = 93  # ~1.5 s between training windows (half a window)
# MSD_vgg lost to MSD_musicnn in November (pool + MLP: 76.0% vs 77.9%, and no gain when
# joined to it): no longer extracted, which saves a third of the extraction time
BACKBONES = ("MSD_musicnn", "MTT_musicnn")
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

    from genre_desktop.training.musicnn_keras import pretrained_any

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


def _windows_plain(y: np.ndarray, hop_frames: int) -> np.ndarray:
    """clip_windows without the loudness normalisation (to measure what it is worth)."""
    step = hop_frames * features.HOP
    n = features.WINDOW_SAMPLES
    starts = range(0, len(y) - n + 1, step) if len(y) > n else [0]
    return np.stack(
        [
            features.log_mel(features.fit_length(y[s : s + n], n))[: features.WINDOW_FRAMES]
            for s in starts
        ]
    )


def extract_without_loudness(
    clips: list[Clip], cache_dir: Path, log=print
) -> dict[str, np.ndarray]:
    """MSD_musicnn tags of the clean windows computed without loudness normalisation, on
    the same window rows as `extract` (variant 0), keyed `nolo:MSD_musicnn:tags`. Rows of
    augmented variants are NaN (never used)."""
    path = cache_dir / f"nolo-{_cache_key(clips, 0, 0)}.npz"
    if path.exists():
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    from genre_desktop.training.musicnn_keras import pretrained_any

    net = pretrained_any("MSD_musicnn")
    mel = np.concatenate([_windows_plain(load_clip(c), HOP_FRAMES) for c in clips])
    tags = np.asarray(net.predict(mel, batch_size=64, verbose=0)["tags"], dtype=np.float32)
    log(f"  without loudness normalisation: {len(mel)} windows")
    np.savez(path, clean_tags=tags)
    return {"clean_tags": tags}


def extract_outside(root: Path, cache_dir: Path, hop_seconds: float = 3.0, log=print) -> dict:
    """Windows every `hop_seconds` over each full-length outside song (`<genre>/<file>`),
    with their start, the song's duration and label, through the pretrained networks."""
    from genre_desktop.core import audio
    from genre_desktop.core.labels import GENRES

    songs = [
        (label, p)
        for label, g in enumerate(GENRES)
        if (root / g).is_dir()
        for p in sorted((root / g).iterdir())
        if p.suffix.lower() in audio.EXTENSIONS
    ]
    h = hashlib.sha256()
    for label, p in songs:
        h.update(f"{p.name}:{p.stat().st_size}:{label}".encode())
    h.update(f"{hop_seconds}:{json.dumps(features.RECIPE, sort_keys=True)}".encode())
    path = cache_dir / f"outside-{h.hexdigest()[:16]}.npz"
    if path.exists():
        with np.load(path) as data:
            return {k: data[k] for k in data.files}
    from genre_desktop.training.musicnn_keras import pretrained_any

    rows: dict[str, list] = {"song": [], "start": [], "mel": []}
    durations, labels = [], []
    step = int(hop_seconds * features.SAMPLE_RATE)
    for i, (label, p) in enumerate(songs):
        y = audio.load(p, features.SAMPLE_RATE)
        starts = list(range(0, max(1, len(y) - features.WINDOW_SAMPLES + 1), step))
        for s in starts:
            rows["mel"].append(features.window_features(y[s : s + features.WINDOW_SAMPLES]))
            rows["song"].append(i)
            rows["start"].append(s / features.SAMPLE_RATE)
        durations.append(len(y) / features.SAMPLE_RATE)
        labels.append(label)
    mel = np.stack(rows["mel"]).astype(np.float32)
    out: dict[str, np.ndarray] = {
        "song": np.array(rows["song"], dtype=np.int32),
        "start": np.array(rows["start"], dtype=np.float32),
        "duration": np.array(durations, dtype=np.float32),
        "label": np.array(labels, dtype=np.int32),
        "names": np.array([p.name for _, p in songs]),
    }
    for name in BACKBONES:
        res = pretrained_any(name).predict(mel, batch_size=64, verbose=0)
        for key in OUTPUTS:
            out[f"{name}:{key}"] = np.asarray(res[key], dtype=np.float32)
    log(f"  outside songs: {len(songs)} songs, {len(mel)} windows")
    np.savez(path, **out)
    return out
