"""Cache what the tempo evaluation needs from the GTZAN development clips (dev only: librosa).

For every clip: the analysis' own windows (log-mel, exactly as `GenreModel.windows_of`
cuts them), the genre model's probabilities over them, the log-mel of the whole clip
(for comparing a contiguous stretch) and librosa's default tempo estimate.
Written to a .npz (default /tmp/tempo30/gtzan_tempo.npz); benchmarks/tempo_eval.py reads it.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from genre_desktop.core import audio, features  # noqa: E402
from genre_desktop.core.model import GenreModel, spans_for  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gtzan", default=str(ROOT.parent / "shared" / "gtzan"))
    ap.add_argument("--out", default="/tmp/tempo30/gtzan_tempo.npz")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    import librosa

    gtzan = Path(args.gtzan)
    with open(gtzan / "clips.csv", encoding="utf-8") as fh:
        clips = list(csv.DictReader(fh))
    if args.limit:
        clips = clips[: args.limit]
    model = GenreModel(num_threads=1)
    names, wins, fulls, probs, lib_bpm, secs = [], [], [], [], [], []
    t0 = time.time()
    for i, c in enumerate(clips):
        path = gtzan / c["genre"] / f"{c['clip']}.opus"
        y = audio.load(path, features.SAMPLE_RATE)
        dur = len(y) / features.SAMPLE_RATE
        # the analysis' windows, cut from the decoded clip as windows_of seeks to them
        spans = spans_for(dur, model.windows)
        ex = [
            y[int(s * features.SAMPLE_RATE) : int((s + n) * features.SAMPLE_RATE)] for s, n in spans
        ]
        w = np.stack([features.window_features(e) for e in ex])
        a = model.analyse_windows(w)
        p = np.array([a.probabilities[k] for k in model.card.labels], dtype=np.float32)
        full = features.log_mel(features.normalise_loudness(y))
        y22 = audio.load(path, 22050)
        bpm = float(np.atleast_1d(librosa.feature.tempo(y=y22, sr=22050))[0])
        names.append(c["clip"])
        wpad = np.zeros((model.windows, features.WINDOW_FRAMES, features.N_MELS), np.float16)
        wpad[: len(w)] = w
        wins.append(wpad)
        fpad = np.zeros((1900, features.N_MELS), np.float16)
        fpad[: min(1900, len(full))] = full[:1900]
        fulls.append(fpad)
        probs.append(p)
        lib_bpm.append(bpm)
        secs.append(dur)
        if i % 25 == 0:
            print(i, c["clip"], f"{time.time() - t0:.0f}s", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        names=np.array(names),
        windows=np.stack(wins),
        full=np.stack(fulls),
        probs=np.stack(probs),
        librosa_bpm=np.array(lib_bpm),
        seconds=np.array(secs),
        labels=np.array(model.card.labels),
    )
    print("done", len(names), f"{time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
