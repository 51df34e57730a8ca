"""The shipped LiteRT model: card, checksum, agreement with Keras, feature recipe, windows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from genre_desktop.config import models_dir, resources_dir
from genre_desktop.core import audio, features
from genre_desktop.core.labels import DISPLAY, GENRES
from genre_desktop.core.model import DEFAULT_WINDOWS, GenreModel, load_card, spans_for
from genre_desktop.errors import ModelError
from tests import audiofactory

MODELS = models_dir()


@pytest.fixture(scope="module")
def model():
    if not (MODELS / "genre_cnn.tflite").exists():
        pytest.skip("model not built")
    return GenreModel()


def test_numpy_log_mel_matches_the_training_recipe_in_librosa():
    librosa = pytest.importorskip("librosa")
    y = audio.load(resources_dir() / "sample.flac", features.SAMPLE_RATE)
    ours = features.log_mel(y)
    mel = librosa.feature.melspectrogram(y=y, sr=16000, n_fft=512, hop_length=256, n_mels=96).T
    ref = np.log10(10000 * mel + 1)
    assert ours.shape == ref.shape
    assert np.max(np.abs(ours - ref)) < 1e-3


def test_loud_audio_stays_finite_in_float32():
    y = np.clip(np.random.default_rng(0).standard_normal(48000) * 10, -1, 1).astype(np.float32)
    mel = features.window_features(y)
    assert mel.shape == (187, 96) and np.isfinite(mel).all()
    # musicnn's float16 cast of the mel overflows for a loud signal like this one
    raw = 10**mel - 1
    assert (raw / 10000 > np.finfo(np.float16).max).any() or np.isfinite(raw).all()


def test_windows_are_loudness_normalised():
    y = audiofactory.music(4.0, sr=16000, channels=1, seed=3)[:, 0] * 0.5
    loud = features.window_features(y)
    for gain_db in (-30, -12, 6):
        quieter = features.window_features(y * 10 ** (gain_db / 20))
        assert np.max(np.abs(quieter - loud)) < 1e-3, gain_db
    # the gain is capped: a near-silent window does not become a loud one
    hiss = np.random.default_rng(0).standard_normal(48000).astype(np.float32) * 1e-5
    scaled = features.normalise_loudness(hiss)
    assert np.sqrt(np.mean(scaled**2)) < 10 ** (features.TARGET_RMS_DBFS / 20) / 10
    assert np.all(features.window_features(np.zeros(48000, np.float32)) == 0)


def test_training_windows_are_the_apps_windows():
    """A clip cut by the trainer gives, window for window, what the app computes from the
    same excerpt decoded on its own."""
    y = audio.load(resources_dir() / "sample.flac", features.SAMPLE_RATE)
    hop = 93
    windows = features.clip_windows(y, hop)
    for i in (0, len(windows) - 1):
        start = i * hop * features.HOP
        excerpt = audio.load(
            resources_dir() / "sample.flac",
            features.SAMPLE_RATE,
            offset=start / features.SAMPLE_RATE,
            duration=features.WINDOW_SECONDS,
        )
        diff = np.abs(features.window_features(excerpt) - windows[i])
        # the last frame differs a little: the excerpt's resampler stops at its end
        assert np.max(diff[:-1]) < 0.05 and np.mean(diff) < 1e-3


def test_short_clips_are_repeated_to_fill_a_window():
    y = np.arange(16000, dtype=np.float32) / 16000
    x = features.fit_length(y, features.WINDOW_SAMPLES)
    assert len(x) == features.WINDOW_SAMPLES and x[16000] == y[0]


def test_card_describes_the_model_and_matches_its_file(model):
    card = json.loads((MODELS / "genre_cnn.json").read_text())
    assert card["labels"] == list(GENRES)
    assert card["display_names"] == [DISPLAY[g] for g in GENRES]
    assert card["feature_recipe"] == json.loads(json.dumps(features.RECIPE))
    assert card["size_bytes"] == (MODELS / "genre_cnn.tflite").stat().st_size <= 10_000_000
    assert 0 < card["metrics"]["accuracy"] <= 1
    assert set(card["metrics"]["per_genre"]) == set(GENRES)
    assert (MODELS / "NOTICE-musicnn.txt").read_text().count("Permission to use") == 1


def test_a_damaged_model_file_is_refused(tmp_path, model):
    for name in ("genre_cnn.json",):
        (tmp_path / name).write_bytes((MODELS / name).read_bytes())
    blob = bytearray((MODELS / "genre_cnn.tflite").read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    (tmp_path / "genre_cnn.tflite").write_bytes(bytes(blob))
    with pytest.raises(ModelError, match="sha256"):
        GenreModel(tmp_path)


def test_litert_reproduces_its_reference_outputs_on_real_decoded_audio(model):
    """Reference outputs were computed at export, on the decoded sample, by this very file
    (the float Keras model's are stored beside them as float_*)."""
    ref = np.load(MODELS / "genre_cnn.reference.npz")
    tol = load_card().raw["keras_litert_tolerance"]
    windows = ref["windows"]
    # the app's own decode + features give the same windows as the exporter saw
    y = audio.load(resources_dir() / "sample.flac", features.SAMPLE_RATE)
    np.testing.assert_allclose(features.clip_windows(y, features.WINDOW_FRAMES), windows, atol=1e-4)
    out = model.run(windows)
    for key in ("probabilities", "embedding", "tags"):
        assert np.max(np.abs(out[key] - ref[key])) < tol, key


def test_quantised_model_stays_close_to_the_float_model(model):
    """The int8 front-end changes the arithmetic, not the answer: on the sample's windows
    the genre is the float model's, and every output within what the card states."""
    ref = np.load(MODELS / "genre_cnn.reference.npz")
    card = load_card().raw
    out = model.run(ref["windows"])
    assert out["probabilities"].mean(0).argmax() == ref["float_probabilities"].mean(0).argmax()
    measured = card["quantisation"]["max_difference_from_float_on_reference_windows"]
    for key in ("probabilities", "embedding", "tags"):
        diff = float(np.max(np.abs(out[key] - ref[f"float_{key}"])))
        assert diff <= measured[key] + card["keras_litert_tolerance"], key
    # a budget, whatever the export measured: no output far from the float model's
    assert np.max(np.abs(out["probabilities"] - ref["float_probabilities"])) < 0.05
    assert np.max(np.abs(out["tags"] - ref["float_tags"])) < 0.03


def test_litert_agrees_with_live_keras(model):
    pytest.importorskip("tensorflow")
    pytest.importorskip("musicnn")
    from genre_desktop.training.musicnn_keras import pretrained

    ref = np.load(MODELS / "genre_cnn.reference.npz")
    keras_tags = pretrained("MSD_musicnn").predict(ref["windows"], verbose=0)["tags"]
    # the stored float outputs are the pretrained network's own
    assert np.max(np.abs(ref["float_tags"] - keras_tags)) < 1e-3
    measured = load_card().raw["quantisation"]["max_difference_from_float_on_reference_windows"]
    assert np.max(np.abs(model.run(ref["windows"])["tags"] - keras_tags)) < measured["tags"] + 1e-3


def test_analysis_of_a_file(model, tmp_path):
    path = audiofactory.write(tmp_path / "song", "mp3", seconds=40.0, seed=11)
    a = model.analyse(path)
    assert a.genre in GENRES and 0 < a.confidence <= 1
    assert abs(sum(a.probabilities.values()) - 1) < 1e-3
    assert (
        a.windows == DEFAULT_WINDOWS and a.embedding is not None and np.isfinite(a.embedding).all()
    )
    assert len(a.tags) == 5 and a.model_version == model.version
    assert a.ranked()[0][0] == a.genre


def test_silence_is_skipped(model, tmp_path):
    data = audiofactory.music(60.0, 22050, 1, seed=2)
    data[: 22050 * 30] = 0  # the first half is silent
    path = audiofactory.write(tmp_path / "half_silent", "flac", sr=22050, channels=1, data=data)
    windows = model.windows_of(path)
    assert len(windows) == DEFAULT_WINDOWS
    assert (windows.reshape(len(windows), -1).max(1) > 0.01).all()


def test_window_spans():
    assert spans_for(2.0) == [(0.0, features.WINDOW_SECONDS)]
    short = spans_for(6.0, 4)
    assert len(short) == 3 and short[0][0] == 0.0 and short[2][0] + short[2][1] <= 6.0
    long = spans_for(300.0, 4)
    assert (
        len(long) == 4 and long[0][0] == pytest.approx(15.0) and long[-1][0] + long[-1][1] <= 285.01
    )


def test_sample_resource_exists():
    assert Path(resources_dir() / "sample.flac").stat().st_size > 10_000
