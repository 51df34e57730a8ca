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


def test_fast_musicnn_is_the_pretrained_network(windows):
    """The rewritten front-end (batch norm after the frequency max, timbral convs over
    bands laid out as channels, temporal convs in polyphase form) computes the same
    features as the checkpoint's network, in float."""
    from genre_desktop.training import quantise
    from genre_desktop.training.musicnn_keras import pretrained

    expected = pretrained("MSD_musicnn").predict(windows, verbose=0)
    got = quantise.build_fast_musicnn().predict(windows, verbose=0)
    for key in ("tags", "penultimate", "pool"):
        np.testing.assert_allclose(got[key], expected[key], atol=2e-4, rtol=1e-4, err_msg=key)


def test_the_fast_build_keeps_the_shipped_head():
    """The head read back from the float model's constants, in the fast float build,
    gives the float model's calibrated probabilities (stored at export as float_*)."""
    import subprocess

    from genre_desktop.training import quantise

    ref = np.load(models_dir() / "genre_cnn.reference.npz")
    root = models_dir().parent
    blob = subprocess.run(
        ["git", "-C", str(root), "show", "c2b477e:models/genre_cnn.tflite"],
        capture_output=True,
        check=False,
    ).stdout
    if not blob:
        pytest.skip("the float model is not in this checkout's history")
    model = quantise.build_fast_app_model(quantise.head_from_tflite(blob))
    got = model.predict(ref["windows"], verbose=0)
    np.testing.assert_allclose(got["probabilities"], ref["float_probabilities"], atol=1e-4)
