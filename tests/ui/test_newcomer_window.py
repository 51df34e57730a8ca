"""A newcomer's window (issue 31): real widgets offscreen, real analysis of real files."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from genre_desktop import config
from genre_desktop.ui.mainwindow import MainWindow
from genre_desktop.ui.models import COL_CONFIDENCE, ROW_ROLE

pytestmark = pytest.mark.usefixtures("needs_model")


def shown_rows(w):
    return [w.proxy.index(i, 0).data(ROW_ROLE) for i in range(w.proxy.rowCount())]


def make_window(qtbot, data, **kw) -> MainWindow:
    w = MainWindow(config.Settings(jobs=1, **kw), data_dir=data)
    qtbot.addWidget(w)
    w.ask_before_quit = False
    w.show()
    return w


def test_a_restored_sort_arrow_sorts_the_rows_as_they_arrive_and_after_done(
    qtbot, tmp_path, music_library
):
    w = make_window(qtbot, tmp_path / "one")
    w.view.horizontalHeader().setSortIndicator(COL_CONFIDENCE, Qt.SortOrder.DescendingOrder)
    w.save_state()
    w.close()
    # another data folder: no cached rows; they stream in from the scan and the analysis
    w2 = make_window(qtbot, tmp_path / "two")
    h = w2.view.horizontalHeader()
    assert (h.sortIndicatorSection(), h.sortIndicatorOrder()) == (
        COL_CONFIDENCE,
        Qt.SortOrder.DescendingOrder,
    )
    w2.add_paths([str(music_library["flac"].parent)])
    qtbot.waitUntil(lambda: w2.analysis is None, timeout=120_000)
    conf = [r.confidence for r in shown_rows(w2)]
    assert len(conf) == 8 and None not in conf
    assert conf == sorted(conf, reverse=True), conf
    w2.close()
