"""Heads trained on top of the pretrained features (one MLP, or several bagged), with the
sample weights that give each genre and each clip its share."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from genre_desktop.training.labels import GENRES

N_CLASSES = len(GENRES)


def logreg():
    """Standardise, then an L2 logistic regression (C = 0.1): the baseline's head."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000))


def sample_weights(labels: np.ndarray, clip_ids: np.ndarray) -> np.ndarray:
    """Each genre the same total weight; inside a genre each clip the same weight, shared by
    its windows (GTZAN's genres differ 25x in seconds of audio)."""
    w = np.zeros(len(labels), dtype=np.float32)
    genres = np.unique(labels)
    for g in genres:
        in_g = labels == g
        clips = np.unique(clip_ids[in_g])
        for c in clips:
            sel = in_g & (clip_ids == c)
            w[sel] = 1.0 / (len(clips) * sel.sum())
    return w * len(labels) / w.sum()


def build_head(
    input_dim: int, hidden: int = 64, dropout: float = 0.5, l2: float = 1e-3, seed: int = 0
) -> keras.Model:
    """Normalise -> dropout -> dense(hidden, relu) = the embedding -> dropout -> softmax (one per genre)."""
    init = keras.initializers.GlorotUniform(seed=seed)
    inp = keras.Input((input_dim,), name="features")
    norm = layers.Normalization(name="head_norm")
    x = norm(inp)
    x = layers.Dropout(0.2, seed=seed)(x)
    emb = layers.Dense(
        hidden,
        activation="relu",
        kernel_initializer=init,
        kernel_regularizer=keras.regularizers.l2(l2),
        name="head_hidden",
    )(x)
    x = layers.Dropout(dropout, seed=seed)(emb)
    out = layers.Dense(N_CLASSES, activation="softmax", kernel_initializer=init, name="head_out")(x)
    model = keras.Model(inp, out)
    model.norm = norm  # type: ignore[attr-defined]
    return model


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    epochs: int = 15,
    seed: int = 0,
    validation=None,
    hidden: int = 64,
):
    keras.utils.set_random_seed(seed)
    model = build_head(x.shape[1], hidden=hidden, seed=seed)
    model.norm.adapt(x)  # type: ignore[attr-defined]
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
        metrics=["accuracy"],
    )
    yy = keras.utils.to_categorical(y, N_CLASSES)
    val = None
    if validation is not None:
        val = (validation[0], keras.utils.to_categorical(validation[1], N_CLASSES))
    hist = model.fit(
        x,
        yy,
        sample_weight=w,
        epochs=epochs,
        batch_size=128,
        verbose=0,
        shuffle=True,
        validation_data=val,
    )
    return model, hist.history


def fit_bag(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    members: int = 5,
    seed: int = 0,
    epochs: int = 15,
    hidden: int = 64,
    validation=None,
):
    """`members` heads from different seeds, averaged in one Keras model (bagging: the
    heads' accuracy varies by several points with the seed on data this small)."""
    heads, history = [], {}
    for m in range(members):
        head, hist = fit_head(
            x,
            y,
            w,
            epochs=epochs,
            seed=seed + m,
            hidden=hidden,
            validation=validation if m == 0 else None,
        )
        heads.append(head)
        history = history or hist
    inp = keras.Input((x.shape[1],), name="features")
    outs = [h(inp) for h in heads]
    out = layers.Average(name="bag_mean")(outs) if len(outs) > 1 else outs[0]
    return keras.Model(inp, out, name="genre_head"), history


def embedding_model(head: keras.Model) -> keras.Model:
    return keras.Model(head.input, head.get_layer("head_hidden").output)


def pool_clips(window_probs: np.ndarray, clip_ids: np.ndarray, clips: np.ndarray) -> np.ndarray:
    """Mean of window probabilities for each clip, in the order of `clips`."""
    return np.stack([window_probs[clip_ids == c].mean(0) for c in clips])
