"""Per-window features of the development items (GTZAN clips and real songs) through the
frozen pretrained network, cached on disk so experiments re-run in seconds."""

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
HOP_SECONDS = HOP_FRAMES * features.HOP / features.SAMPLE_RATE
# MSD_vgg lost to MSD_musicnn in November, MTT_musicnn's features were 10 points worse and
# did not help joined to MSD's (December): only MSD_musicnn is extracted
BACKBONES = ("MSD_musicnn",)
OUTPUTS = ("tags", "penultimate", "pool")


def _cache_key(clips: list[Clip], n_aug: int, seed: int, backbones: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for c in clips:
        st = c.path.stat()
        h.update(f"{c.domain}/{c.path.name}:{st.st_size}:{c.label}".encode())
    recipe = json.dumps(features.RECIPE, sort_keys=True)
    h.update(f"{n_aug}:{seed}:{HOP_FRAMES}:{recipe}:{','.join(backbones)}:v5".encode())
    return h.hexdigest()[:16]


def extract(
    clips: list[Clip],
    cache_dir: Path,
    n_aug: int = 0,
    seed: int = 0,
    backbones: tuple[str, ...] = BACKBONES,
    log=print,
) -> dict[str, np.ndarray]:
    """Arrays keyed by name; window rows carry `clip` (index), `variant` (0 = clean) and
    `start` (seconds); every window of the whole file, 1.5 s apart."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"features-{_cache_key(clips, n_aug, seed, backbones)}.npz"
    if path.exists():
        log(f"features from cache {path}")
        with np.load(path) as data:
            return {k: data[k] for k in data.files}

    from genre_desktop.training.musicnn_keras import pretrained_any

    nets = {name: pretrained_any(name) for name in backbones}
    rng = np.random.default_rng(seed)
    rows: dict[str, list[np.ndarray]] = {"clip": [], "variant": [], "start": [], "mel": []}
    seconds = []
    t0 = time.time()
    for i, clip in enumerate(clips):
        y = load_clip(clip)
        seconds.append(len(y) / features.SAMPLE_RATE)
        for v in range(n_aug + 1):
            yv = y if v == 0 else augment(y, rng)
            w = features.clip_windows(yv, HOP_FRAMES)
            rows["mel"].append(w.astype(np.float16))
            rows["clip"].append(np.full(len(w), i, dtype=np.int32))
            rows["variant"].append(np.full(len(w), v, dtype=np.int8))
            rows["start"].append((np.arange(len(w)) * HOP_SECONDS).astype(np.float32))
        if (i + 1) % 50 == 0:
            log(f"  decoded {i + 1}/{len(clips)} items ({time.time() - t0:.0f} s)")
    out = {k: np.concatenate(v) for k, v in rows.items()}
    mel = out.pop("mel")
    for name, net in nets.items():
        parts: dict[str, list[np.ndarray]] = {key: [] for key in OUTPUTS}
        for lo in range(0, len(mel), 2048):  # float32 in blocks: the whole set is GBs
            res = net.predict(mel[lo : lo + 2048].astype(np.float32), batch_size=64, verbose=0)
            for key in OUTPUTS:
                parts[key].append(np.asarray(res[key], dtype=np.float32))
        for key in OUTPUTS:
            out[f"{name}:{key}"] = np.concatenate(parts[key])
        log(f"  {name}: {len(mel)} windows ({time.time() - t0:.0f} s)")
    out["label"] = np.array([c.label for c in clips], dtype=np.int32)
    out["seconds"] = np.array(seconds, dtype=np.float32)
    np.savez(path, **out)
    return out
