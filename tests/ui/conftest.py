"""Fixtures of the window tests: the real model, a real window offscreen."""

from __future__ import annotations

import pytest

from genre_desktop import config
from genre_desktop.ui.mainwindow import MainWindow


@pytest.fixture
def needs_model(model_available):
    if not model_available:
        pytest.skip("models/genre_cnn.tflite not built (make train)")


@pytest.fixture
def window(qtbot, tmp_path):
    """The window writing every prediction (policy overwrite, any confidence)."""
    w = MainWindow(
        config.Settings(jobs=2, policy="overwrite", min_confidence=0.0), data_dir=tmp_path / "data"
    )
    qtbot.addWidget(w)
    w.ask_before_quit = False  # tests that check the question answer it themselves
    w.show()
    yield w
    w.close()
