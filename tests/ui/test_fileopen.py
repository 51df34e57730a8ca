"""macOS opens files dropped on the Dock icon and Finder's "Open With" as QFileOpenEvent,
not as arguments: real events through the real application reach the real window, also
those that arrive before the window exists."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from genre_desktop import config
from genre_desktop.ui.app import make_file_opener
from genre_desktop.ui.mainwindow import MainWindow


@pytest.fixture
def opener(qapp):
    o = make_file_opener(qapp)
    yield o
    qapp.removeEventFilter(o)
    o.deleteLater()


def send(path: str, as_url: bool = False) -> None:
    event = QFileOpenEvent(QUrl.fromLocalFile(path) if as_url else path)
    QCoreApplication.sendEvent(QApplication.instance(), event)


def test_events_before_the_window_wait_for_it(opener, music_library):
    path = str(music_library["flac"])
    send(path)
    send(path)  # macOS may repeat the launch's event
    assert opener.pending == [path, path]
    got: list[list[str]] = []
    opener.set_target(got.append)
    assert got == [[path]] and opener.pending == []


@pytest.mark.usefixtures("needs_model")
def test_files_opened_on_the_dock_icon_are_added_like_dropped_ones(
    qtbot, tmp_path, opener, music_library
):
    first = str(music_library["flac"])
    send(first)  # the file that launched the app: no window yet
    w = MainWindow(config.Settings(jobs=1), data_dir=tmp_path / "data")
    qtbot.addWidget(w)
    w.show()
    opener.set_target(w.add_paths)
    qtbot.waitUntil(lambda: w.analysis is None and w.model.rowCount() == 1, timeout=120_000)
    # two more dropped on the Dock icon while it runs: one add, both files
    send(str(music_library["mp3"]), as_url=True)
    send(str(music_library["ogg"]))
    qtbot.waitUntil(lambda: w.analysis is None and w.model.rowCount() == 3, timeout=120_000)
    assert {r.track.path for r in w.model.rows} == {
        first,
        str(music_library["mp3"]),
        str(music_library["ogg"]),
    }
    w.close()
