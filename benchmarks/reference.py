"""The published approach, as a reference for speed: `librosa.load` of the whole file at
22,050 Hz, MFCC of the whole file, and a small Keras CNN's `model.predict` per track with
TensorFlow (as in the CNN-on-GTZAN papers). Same files, same machine, same run.

    python benchmarks/reference.py FILE... -> prints seconds per track
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def build_cnn():
    import keras
    from keras import layers

    inp = keras.Input((20, 1292, 1))  # 20 MFCC x 30 s of frames, as the papers crop
    x = inp
    for f in (32, 64, 64):
        x = layers.Conv2D(f, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D((1, 4))(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    out = layers.Dense(10, activation="softmax")(x)
    return keras.Model(inp, out)


def classify(path: str, model) -> int:
    import librosa
    import numpy as np

    y, sr = librosa.load(path, sr=22050)  # the whole file, decoded and resampled
    mfcc = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20)  # of the whole file
    n = 1292
    crops = [mfcc[:, i : i + n] for i in range(0, max(1, mfcc.shape[1] - n + 1), n)]
    batch = np.stack([np.pad(c, ((0, 0), (0, n - c.shape[1]))) for c in crops])[..., None]
    return int(model.predict(batch, verbose=0).mean(0).argmax())


def main(paths: list[str]) -> int:
    model = build_cnn()
    classify(paths[0], model)  # warm-up: graph tracing, librosa's lazy imports
    t0 = time.perf_counter()
    for p in paths:
        classify(p, model)
    took = time.perf_counter() - t0
    print(f"{took / len(paths):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
