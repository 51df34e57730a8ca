"""The Settings dialog shows the threshold in force and where it comes from; it becomes the
person's own only when changed there. BPM estimates are chosen there too."""

from __future__ import annotations

from genre_desktop.config import Settings
from genre_desktop.core.plan import Threshold, ThresholdSource, threshold_of
from genre_desktop.ui.dialogs import SettingsDialog


def test_the_dialog_shows_the_threshold_in_force_and_its_source(qtbot, tmp_path):
    learned = Threshold(0.79, ThresholdSource.LEARNED)
    d = SettingsDialog(Settings(), str(tmp_path), threshold=learned)
    qtbot.addWidget(d)
    assert d.threshold.value() == 79.0
    assert d.threshold_source.text() == "79% (learned from your tags)"
    untouched = d.settings()
    assert not untouched.chose("min_confidence")  # the learned one stays in force
    d.bpm.setCurrentIndex(d.bpm.findData("keep"))
    d.threshold.setValue(85.0)
    mine = d.settings()
    assert mine.bpm == "keep"
    assert threshold_of(mine).source == ThresholdSource.YOURS and mine.min_confidence == 0.85
