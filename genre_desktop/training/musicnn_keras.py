"""A Keras 3 port of musicnn (Pons & Serra, 2019), weights loaded by name from the TF1
checkpoints in the `musicnn` wheel (ISC licence; see models/NOTICE-musicnn.txt).

Layout as in musicnn/models.py `build_musicnn` (MSD_musicnn and MTT_musicnn: 64 mid-end
filters, 200 back-end units). The mid-end convolutions span the whole feature axis, so they
are written here as Conv1D with the same weights reshaped: identical maths, cheaper graph.
Everything runs in float32 (musicnn's own float16 cast overflows on loud audio).
"""

from __future__ import annotations

import os
from pathlib import Path

import keras
import numpy as np
from keras import layers, ops

N_FRAMES = 187
N_MELS = 96
MSD_LABELS = ['rock', 'pop', 'alternative', 'indie', 'electronic', 'female vocalists', 'dance', '00s', 'alternative rock', 'jazz', 'beautiful', 'metal', 'chillout', 'male vocalists', 'classic rock', 'soul', 'indie rock', 'Mellow', 'electronica', '80s', 'folk', '90s', 'chill', 'instrumental', 'punk', 'oldies', 'blues', 'hard rock', 'ambient', 'acoustic', 'experimental', 'female vocalist', 'guitar', 'Hip-Hop', '70s', 'party', 'country', 'easy listening', 'sexy', 'catchy', 'funk', 'electro', 'heavy metal', 'Progressive rock', '60s', 'rnb', 'indie pop', 'sad', 'House', 'happy']  # fmt: skip
MTT_LABELS = ['guitar', 'classical', 'slow', 'techno', 'strings', 'drums', 'electronic', 'rock', 'fast', 'piano', 'ambient', 'beat', 'violin', 'vocal', 'synth', 'female', 'indian', 'opera', 'male', 'singing', 'vocals', 'no vocals', 'harpsichord', 'loud', 'quiet', 'flute', 'woman', 'male vocal', 'no vocal', 'pop', 'soft', 'sitar', 'solo', 'man', 'classic', 'choir', 'voice', 'new age', 'dance', 'male voice', 'female vocal', 'beats', 'harp', 'cello', 'no voice', 'weird', 'country', 'metal', 'female voice', 'choral']  # fmt: skip
LABELS = {"MSD_musicnn": MSD_LABELS, "MTT_musicnn": MTT_LABELS}


def checkpoint_dir(name: str) -> Path:
    """Folder of a pretrained checkpoint inside the installed `musicnn` wheel."""
    try:
        import musicnn  # installed --no-deps by the train extra; only its files are used
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "the musicnn package is needed for training: make train installs it"
        ) from exc
    return Path(os.path.dirname(musicnn.__file__)) / name


class FreqMaxPool(layers.Layer):
    """Max over the frequency axis: (B, T, F, C) -> (B, T, C)."""

    def call(self, x):
        return ops.max(x, axis=2)


class TimePool(layers.Layer):
    """musicnn back-end pooling: max and mean over time, interleaved per feature as TF1's
    flatten of concat([max, mean], -1) lays them out: (B, T, D) -> (B, 2D)."""

    def call(self, x):
        mx = ops.max(x, axis=1)
        mean = ops.mean(x, axis=1)
        both = ops.stack([mx, mean], axis=-1)
        return ops.reshape(both, (-1, both.shape[1] * 2))


def build_musicnn(prefix: str = "msd") -> keras.Model:
    """The pretrained network (inference mode). Outputs, per window:
    `tags` (50 sigmoid probabilities), `penultimate` (200), `pool` (1506: max/mean of the
    mid-end) and `midend_mean` (753: time-mean of the mid-end features)."""
    p = prefix + "_"
    inp = keras.Input((N_FRAMES, N_MELS), name=p + "mel")
    x = layers.Reshape((N_FRAMES, N_MELS, 1))(inp)
    x = layers.BatchNormalization(epsilon=1e-3, name=p + "batch_normalization")(x)
    pad7 = layers.ZeroPadding2D(((3, 3), (0, 0)))(x)

    def timbral(width: int, i: int):
        c = layers.Conv2D(
            204, (7, width), padding="valid", activation="relu", name=f"{p}conv2d{i}"
        )(pad7)
        c = layers.BatchNormalization(epsilon=1e-3, name=f"{p}batch_normalization{i + 1}")(c)
        return FreqMaxPool()(c)

    def temporal(length: int, i: int, bn: int):
        c = layers.Conv2D(51, (length, 1), padding="same", activation="relu", name=f"{p}conv2d{i}")(
            x
        )
        c = layers.BatchNormalization(epsilon=1e-3, name=f"{p}batch_normalization{bn}")(c)
        return FreqMaxPool()(c)

    f74 = timbral(int(0.4 * N_MELS), 0)
    f77 = timbral(int(0.7 * N_MELS), 1)
    s1 = temporal(128, 2, 3)
    s2 = temporal(64, 3, 4)
    s3 = temporal(32, 4, 5)
    front = layers.Concatenate(axis=-1, name=p + "frontend")(
        [f74, f77, s1, s2, s3]
    )  # (B, 187, 561)
    out = midend_backend(front, prefix)
    out["midend_mean"] = layers.GlobalAveragePooling1D(name=p + "midend_mean")(out.pop("midend"))
    return keras.Model(inp, out, name=p + "musicnn")


def midend_backend(front, prefix: str = "msd") -> dict:
    """musicnn after its front-end: (B, T, 561) front-end features -> `midend` (B, T, 753),
    `pool` (1506), `penultimate` (200) and `tags` (50), layers named for `load_pretrained`."""
    p = prefix + "_"

    def mid(inp_, i: int, bn: int):
        c = layers.ZeroPadding1D(3)(inp_)
        c = layers.Conv1D(64, 7, padding="valid", activation="relu", name=f"{p}conv2d{i}")(c)
        return layers.BatchNormalization(epsilon=1e-3, name=f"{p}batch_normalization{bn}")(c)

    m1 = mid(front, 5, 6)
    m2 = layers.Add()([mid(m1, 6, 7), m1])
    m3 = layers.Add()([mid(m2, 7, 8), m2])
    midend = layers.Concatenate(axis=-1, name=p + "midend")([front, m1, m2, m3])  # (B, T, 753)

    pool = TimePool(name=p + "pool")(midend)
    h = layers.BatchNormalization(epsilon=1e-3, name=p + "batch_normalization9")(pool)
    h = layers.Dense(200, activation="relu", name=p + "dense")(h)
    pen = layers.BatchNormalization(epsilon=1e-3, name=p + "batch_normalization10")(h)
    logits = layers.Dense(50, name=p + "dense_1")(pen)
    tags = layers.Activation("sigmoid", name=p + "tags")(logits)
    return {"tags": tags, "penultimate": pen, "pool": pool, "midend": midend}


def _tf1_name(keras_name: str, prefix: str) -> str:
    """msd_conv2d5 -> conv2d_5, msd_batch_normalization0 -> batch_normalization, ..."""
    base = keras_name[len(prefix) + 1 :]
    for stem in ("batch_normalization", "conv2d", "dense_1", "dense"):
        if base.startswith(stem):
            idx = base[len(stem) :]
            if stem in ("dense", "dense_1") or idx in ("", "0"):
                return stem
            return f"{stem}_{idx}"
    raise KeyError(keras_name)


def load_pretrained(model: keras.Model, checkpoint: str | Path, prefix: str = "msd") -> int:
    """Copy the TF1 checkpoint's variables into `model` by name; returns how many tensors."""
    from tensorflow.python.training.py_checkpoint_reader import NewCheckpointReader

    reader = NewCheckpointReader(str(checkpoint).rstrip("/") + "/")
    count = 0
    for layer in model.layers:
        if not layer.weights or not layer.name.startswith(prefix + "_"):
            continue
        src = _tf1_name(layer.name, prefix)
        if isinstance(layer, layers.BatchNormalization):
            values = [
                reader.get_tensor(f"{src}/{k}")
                for k in ("gamma", "beta", "moving_mean", "moving_variance")
            ]
        else:
            kernel = reader.get_tensor(f"{src}/kernel")
            if isinstance(layer, layers.Conv1D):  # (7, W, 1, 64) -> (7, W, 64)
                kernel = kernel.reshape(kernel.shape[0], kernel.shape[1], kernel.shape[3])
            values = [kernel, reader.get_tensor(f"{src}/bias")]
        for w, v in zip(layer.weights, values, strict=True):
            if tuple(w.shape) != v.shape:
                raise ValueError(
                    f"{layer.name}: shape {tuple(w.shape)} != checkpoint {src} {v.shape}"
                )
        layer.set_weights([np.asarray(v, dtype=np.float32) for v in values])
        count += len(values)
    return count


def pretrained(name: str = "MSD_musicnn") -> keras.Model:
    prefix = name.split("_")[0].lower()
    model = build_musicnn(prefix)
    n = load_pretrained(model, checkpoint_dir(name), prefix)
    expected = 10 * 2 + 11 * 4  # 8 conv + 2 dense (kernel, bias), 11 batch norms (4 each)
    if n != expected:
        raise ValueError(f"{name}: loaded {n} tensors, expected {expected}")
    return model


class GlobalMeanMax2D(layers.Layer):
    """(B, T, F, C) -> (B, 2C): mean and max over time and frequency."""

    def call(self, x):
        return ops.concatenate([ops.mean(x, axis=(1, 2)), ops.max(x, axis=(1, 2))], axis=-1)


def build_vgg(prefix: str = "msdvgg") -> keras.Model:
    """musicnn's `vgg` (128 filters): five 3x3 conv blocks. Outputs `tags` (50),
    `penultimate` (flattened last pooling, 256) and `pool` (mean and max of blocks 3-5, 768)."""
    p = prefix + "_"
    inp = keras.Input((N_FRAMES, N_MELS), name=p + "mel")
    x = layers.Reshape((N_FRAMES, N_MELS, 1))(inp)
    x = layers.BatchNormalization(epsilon=1e-3, name=p + "batch_normalization")(x)
    pools = [(4, 1, 2, 2), (2, 2, 2, 2), (2, 2, 2, 2), (2, 2, 2, 2), (4, 4, 4, 4)]
    summaries = []
    for i, (ph, pw, sh, sw) in enumerate(pools, start=1):
        x = layers.Conv2D(128, 3, padding="same", activation="relu", name=f"{p}{i}CNN")(x)
        x = layers.BatchNormalization(epsilon=1e-3, name=f"{p}batch_normalization{i}")(x)
        if i >= 3:
            summaries.append(GlobalMeanMax2D()(x))
        x = layers.MaxPooling2D((ph, pw), strides=(sh, sw), padding="valid")(x)
    flat = layers.Flatten(name=p + "flatten")(x)
    logits = layers.Dense(50, name=p + "dense")(flat)
    tags = layers.Activation("sigmoid", name=p + "tags")(logits)
    pool = layers.Concatenate(name=p + "pool")(summaries)
    return keras.Model(inp, {"tags": tags, "penultimate": flat, "pool": pool}, name=p + "vgg")


def load_pretrained_vgg(model: keras.Model, checkpoint: str | Path, prefix: str) -> int:
    from tensorflow.python.training.py_checkpoint_reader import NewCheckpointReader

    reader = NewCheckpointReader(str(checkpoint).rstrip("/") + "/")
    count = 0
    for layer in model.layers:
        if not layer.weights or not layer.name.startswith(prefix + "_"):
            continue
        base = layer.name[len(prefix) + 1 :]
        if isinstance(layer, layers.BatchNormalization):
            idx = base[len("batch_normalization") :]
            src = "batch_normalization" if idx in ("", "0") else f"batch_normalization_{idx}"
            values = [
                reader.get_tensor(f"{src}/{k}")
                for k in ("gamma", "beta", "moving_mean", "moving_variance")
            ]
        else:
            values = [reader.get_tensor(f"{base}/kernel"), reader.get_tensor(f"{base}/bias")]
        layer.set_weights([np.asarray(v, dtype=np.float32) for v in values])
        count += len(values)
    return count


def pretrained_any(name: str) -> keras.Model:
    """MSD_musicnn, MTT_musicnn, MSD_vgg or MTT_vgg with their pretrained weights."""
    if name.endswith("_vgg"):
        prefix = name.lower().replace("_", "")
        model = build_vgg(prefix)
        n = load_pretrained_vgg(model, checkpoint_dir(name), prefix)
        if n != 6 * 2 + 6 * 4:
            raise ValueError(f"{name}: loaded {n} tensors")
        return model
    return pretrained(name)
