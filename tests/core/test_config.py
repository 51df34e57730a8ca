"""Settings: defaults in one place, the TOML file, clear errors for bad values."""

from __future__ import annotations

import json

import pytest

from genre_desktop import config


def test_a_missing_file_means_the_defaults(tmp_path):
    assert config.load_settings(tmp_path / "none.toml") == config.Settings()


def test_settings_round_trip_through_the_file(tmp_path):
    path = tmp_path / "config.toml"
    s = config.Settings(policy="overwrite", min_confidence=0.8, id3_version=3, jobs=2)
    config.save_settings(s, path)
    assert config.load_settings(path) == s


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('policy = "replace"', "policy must be one of keep, overwrite"),
        ("min_confidence = 1.5", "min_confidence must be between 0 and 1"),
        ('jobs = "two"', "jobs must be a int"),
        ("colour = 1", "unknown setting 'colour'"),
        ("policy = ", "cannot read config"),
    ],
)
def test_a_bad_value_is_named(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text + "\n")
    with pytest.raises(config.ConfigError) as err:
        config.load_settings(path)
    assert message in str(err.value)


def test_an_integer_confidence_is_accepted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("min_confidence = 1\n")
    assert config.load_settings(path).min_confidence == 1.0


def test_the_default_threshold_is_the_model_cards():
    card = json.loads((config.models_dir() / "genre_cnn.json").read_text())
    if "recommended_min_confidence" not in card:
        pytest.skip("model card without a measured threshold")
    assert config.Settings().min_confidence == card["recommended_min_confidence"]


def test_the_default_album_pooling_is_the_model_cards():
    card = json.loads((config.models_dir() / "genre_cnn.json").read_text())
    if "album_pooling" not in card:
        pytest.skip("model card without a measured album pooling")
    assert config.Settings().album_pooling == card["album_pooling"]
