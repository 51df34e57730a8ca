"""Training-side checks that need TensorFlow and the musicnn checkpoints (train extra)."""

from __future__ import annotations

import numpy as np
import pytest

from genre_desktop.config import models_dir

pytest.importorskip("tensorflow")
pytest.importorskip("musicnn")


@pytest.fixture(scope="module")
def windows() -> np.ndarray:
    return np.load(models_dir() / "genre_cnn.reference.npz")["windows"][:4]


def test_finetune_tail_reproduces_the_pretrained_features(windows):
    """The fine-tuning candidate splits musicnn after its front-end: before any training,
    front-end + tail must give the pretrained network's own head features."""
    from genre_desktop.training import finetune
    from genre_desktop.training.musicnn_keras import pretrained

    out = pretrained("MSD_musicnn").predict(windows, verbose=0)
    expected = np.concatenate([out["penultimate"], out["pool"], out["tags"]], axis=1)
    got = finetune.build_tail().predict(finetune.frontend_outputs(windows), verbose=0)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=1e-4)


def test_tuned_weights_reach_the_exported_network(windows):
    """Weights changed by fine-tuning are the ones the app model runs with."""
    import keras

    from genre_desktop.training import export, finetune

    inp = keras.Input((250,))
    head = keras.Model(inp, keras.layers.Dense(10, activation="softmax")(inp))
    spec = "MSD_musicnn:penultimate+MSD_musicnn:tags"
    plain = export.build_app_model(head, spec).predict(windows, verbose=0)
    tail = finetune.build_tail()
    tuned = {name: tail.get_layer(name).get_weights() for name in finetune.TUNED}
    tuned["msd_dense_1"] = [w * 0.5 for w in tuned["msd_dense_1"]]
    changed = export.build_app_model(head, spec, tuned).predict(windows, verbose=0)
    np.testing.assert_allclose(changed["embedding"], plain["embedding"], atol=1e-5)
    assert np.max(np.abs(changed["tags"] - plain["tags"])) > 1e-3
