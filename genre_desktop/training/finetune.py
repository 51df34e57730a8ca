"""Fine-tuning candidate: musicnn's mid-end and back-end trained together with the genre head.

The front-end (the big timbral and temporal convolutions) stays frozen and is run once per
window, so a fold trains in seconds; training it too costs ~0.4 s per window on a CPU.
Batch-norm statistics stay frozen (a few hundred windows cannot re-estimate them). The head
is first trained on the frozen features, then everything after the front-end is trained at
a small learning rate (linear probe, then fine-tune).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from genre_desktop.training import heads
from genre_desktop.training.musicnn_keras import N_FRAMES, midend_backend, pretrained

FRONT_CHANNELS = 561
LEARNING_RATE = 1e-5
EPOCHS = 3
# the layers that fine-tuning changes, by name in the pretrained network
TUNED = ("msd_conv2d5", "msd_conv2d6", "msd_conv2d7", "msd_dense", "msd_dense_1")


def frontend_outputs(mel: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """(N, 187, 96) log-mel windows -> (N, 187, 561) MSD_musicnn front-end outputs."""
    net = pretrained("MSD_musicnn")
    front = keras.Model(net.input, net.get_layer("msd_frontend").output)
    return np.asarray(front.predict(mel, batch_size=batch_size, verbose=0), dtype=np.float32)


def build_tail() -> keras.Model:
    """Front-end output -> the head's input features in `MSD_ALL` order (penultimate, pool,
    tags), with the pretrained weights; batch norms frozen."""
    net = pretrained("MSD_musicnn")
    inp = keras.Input((N_FRAMES, FRONT_CHANNELS), name="frontend")
    out = midend_backend(inp, "msd")
    feats = layers.Concatenate()([out["penultimate"], out["pool"], out["tags"]])
    tail = keras.Model(inp, feats, name="musicnn_tail")
    for layer in tail.layers:
        if layer.weights:
            layer.set_weights(net.get_layer(layer.name).get_weights())
        if isinstance(layer, layers.BatchNormalization):
            layer.trainable = False
    return tail


def fit_finetuned(
    front: np.ndarray,
    feats: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    seed: int = 0,
    learning_rate: float = LEARNING_RATE,
    epochs: int = EPOCHS,
) -> tuple[keras.Model, keras.Model, dict[str, list[np.ndarray]]]:
    """Head on the frozen features `feats`, then head + tail on the front-end outputs
    `front`. Returns the model (front-end output -> probabilities), the tuned head (features
    -> probabilities) and the tuned weights of the pretrained layers, by name (`TUNED`)."""
    head, _ = heads.fit_head(feats, y, w, seed=seed)
    tail = build_tail()
    inp = keras.Input((N_FRAMES, FRONT_CHANNELS))
    model = keras.Model(inp, head(tail(inp)))
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
    )
    keras.utils.set_random_seed(seed)
    model.fit(
        front,
        keras.utils.to_categorical(y, heads.N_CLASSES),
        sample_weight=w,
        epochs=epochs,
        batch_size=32,
        verbose=0,
        shuffle=True,
    )
    tuned = {name: tail.get_layer(name).get_weights() for name in TUNED}
    return model, head, tuned
