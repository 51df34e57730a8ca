"""The window driven through the sequences that once crashed it, while analysis results
stream in: selection at the end of an analysis, selection plus rescan, sort and filter
during analysis, Apply/Undo/Redo with a selection, the selected file removed. And a seeded
"monkey" that does a few hundred random things a person does. Any crash fails the run;
any Python exception in a slot fails the test (pytest-qt captures them)."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from genre_desktop.core import tags
from genre_desktop.ui.models import COL_CONFIDENCE, COL_TITLE, ERROR, WRITTEN
from tests import audiofactory
from tests.ui.test_app import answer, drop, wait_idle

pytestmark = pytest.mark.usefixtures("needs_model")

MONKEY_ACTIONS = int(os.environ.get("GD_MONKEY_ACTIONS", "150"))  # `make monkey`: more
MONKEY_FILES = int(os.environ.get("GD_MONKEY_FILES", "60"))


def many(music_library, folder: Path, n: int) -> Path:
    """n files in two sub-folders, same-named across them (as albums often are)."""
    variants = ["flac", "mp3", "ogg", "opus", "wav"]
    for i in range(n):
        src = music_library[variants[i % len(variants)]]
        sub = folder / ("disc 1" if i % 2 else "disc 2")
        sub.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, sub / f"{i // 2:03d} - Track{src.suffix}")
    return folder


def shift_down(view, times: int = 1) -> None:
    """Shift+Down extends the selection; then Shift is released (QTest would otherwise
    leave the application believing Shift is still held)."""
    for _ in range(times):
        QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyRelease(view, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)


def selected_ids(window) -> list[int]:
    return [r.track.id for r in window.selected_rows()]


def test_a_selected_row_survives_the_end_of_the_analysis(qtbot, window, music_library, tmp_path):
    drop(window, [many(music_library, tmp_path / "lib", 40)])
    qtbot.waitUntil(
        lambda: sum(r.analysis is not None for r in window.model.rows) >= 2, timeout=60_000
    )
    assert window.analysis is not None  # still analysing
    window.view.selectRow(3)
    chosen = selected_ids(window)
    wait_idle(qtbot, window)
    QApplication.processEvents()
    assert selected_ids(window) == chosen
    assert window.details.row is not None and window.details.row.track.id == chosen[0]
    assert window.details.row.analysis is not None


def test_selection_then_rescan_after_a_file_is_added(qtbot, window, music_library, tmp_path):
    folder = many(music_library, tmp_path / "lib", 12)
    drop(window, [folder])
    wait_idle(qtbot, window)
    window.view.selectRow(5)
    chosen = selected_ids(window)
    shutil.copy2(music_library["flac"], folder / "new one.flac")
    QTest.keyClick(window, Qt.Key.Key_F5)  # Rescan, as a person presses it
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 13
    assert selected_ids(window) == chosen


def test_sort_and_filter_while_results_stream_in(qtbot, window, music_library, tmp_path):
    drop(window, [many(music_library, tmp_path / "lib", 60)])
    qtbot.waitUntil(lambda: window.model.rowCount() == 60, timeout=60_000)
    window.view.selectRow(1)
    header = window.view.horizontalHeader()
    flips = 0
    while window.analysis is not None and flips < 40:
        header.setSortIndicator(
            COL_CONFIDENCE if flips % 2 else COL_TITLE,
            Qt.SortOrder.DescendingOrder if flips % 3 else Qt.SortOrder.AscendingOrder,
        )
        window.filter_text.setText("disc 1" if flips % 4 == 1 else "")
        QTest.qWait(50)
        flips += 1
    wait_idle(qtbot, window)
    window.filter_text.setText("")
    # every visible row maps to a real row, the selection to a real track
    rows = {id(r) for r in window.model.rows}
    for i in range(window.proxy.rowCount()):
        src = window.proxy.mapToSource(window.proxy.index(i, 0))
        assert id(window.model.rows[src.row()]) in rows
    assert all(window.model.row_of(t) is not None for t in selected_ids(window))


def test_apply_undo_and_redo_with_a_selection(qtbot, window, music_library, tmp_path):
    folder = many(music_library, tmp_path / "lib", 10)
    drop(window, [folder])
    wait_idle(qtbot, window)
    window.view.selectRow(0)
    shift_down(window.view)
    picked = window.selected_rows()
    assert len(picked) == 2
    before = {r.track.path: tags.read(r.track.path).genres for r in picked}
    QTimer.singleShot(300, lambda: window._last_dialog.accept())
    window.apply_selected()
    qtbot.waitUntil(lambda: all(r.status == WRITTEN for r in picked), timeout=30_000)
    for r in picked:
        assert tags.read(r.track.path).genres == [r.predicted]
    assert window.selected_rows() == picked  # the selection stays on the written rows
    answer(window, "Ok")
    window.undo_last()
    qtbot.waitUntil(
        lambda: all(tags.read(p).genres == g for p, g in before.items()), timeout=30_000
    )
    qtbot.waitUntil(lambda: window.act["redo"].isEnabled(), timeout=10_000)
    window.act["redo"].trigger()
    qtbot.waitUntil(
        lambda: all(tags.read(r.track.path).genres == [r.predicted] for r in picked),
        timeout=30_000,
    )


def test_undo_asks_first_and_cancel_changes_nothing(qtbot, window, music_library, tmp_path):
    drop(window, [many(music_library, tmp_path / "lib", 4)])
    wait_idle(qtbot, window)
    QTimer.singleShot(300, lambda: window._last_dialog.accept())
    window.apply_all()
    qtbot.waitUntil(lambda: all(r.status == WRITTEN for r in window.model.rows), timeout=30_000)
    answer(window, "Cancel")
    window.undo_last()
    QTest.qWait(500)
    assert all(tags.read(r.track.path).genres == [r.predicted] for r in window.model.rows)


def test_the_selected_tracks_file_removed_then_rescan(qtbot, window, music_library, tmp_path):
    folder = many(music_library, tmp_path / "lib", 8)
    drop(window, [folder])
    wait_idle(qtbot, window)
    window.view.selectRow(2)
    gone = window.selected_rows()[0]
    os.unlink(gone.track.path)
    window.act["rescan"].trigger()
    wait_idle(qtbot, window)
    assert window.model.row_of(gone.track.id) is None and window.model.rowCount() == 7
    assert window.details.row is None or window.details.row.track.id != gone.track.id
    window.view.selectRow(0)  # the table still works
    assert window.details.row is not None


def test_quitting_with_a_chosen_genre_not_written_asks_first(qtbot, window, music_library):
    drop(window, [music_library["flac"]])
    wait_idle(qtbot, window)
    tid = window.model.rows[0].track.id
    window._genre_chosen(tid, ["Reggae"])
    window.ask_before_quit = True
    answer(window, "Cancel")
    assert not window.close()  # the person stays
    answer(window, "Discard")
    assert window.close()


def test_an_unreadable_file_is_listed_under_errors_and_cannot_be_chosen(
    qtbot, window, music_library, tmp_path
):
    folder = many(music_library, tmp_path / "lib", 3)
    (folder / "broken.mp3").write_bytes(b"\xff\xfb" + bytes(range(256)) * 20)
    drop(window, [folder])
    wait_idle(qtbot, window)
    assert window.errors_link.isVisible() and "1 file failed" in window.errors_link.text()
    window.show_errors()
    assert window.proxy.rowCount() == 1
    row = window.details.row
    assert row is not None and row.status == ERROR
    assert "Could not read this file" in window.details.error.text()
    assert window.details.prediction.text() == "—"
    assert not window.details.picker.isEnabled()


def test_monkey(qtbot, window, music_library, tmp_path):
    """A seeded random walk through what people do, during and after analysis."""
    rng = random.Random(int(os.environ.get("GD_MONKEY_SEED", "20261202")))
    folder = many(music_library, tmp_path / "lib", MONKEY_FILES)
    extra = tmp_path / "extra"
    extra.mkdir()
    shutil.copy2(music_library["ogg"], extra / "added later.ogg")
    # half the files carry genres in the owner's words by several artists: Learn has
    # something to learn from (or a reason not to) while everything else goes on
    for i, path in enumerate(sorted(folder.rglob("*.*"))[: MONKEY_FILES // 2]):
        audiofactory.set_tags(
            path, {"artist": f"Artist {i % 7}", "genre": ("Bleep", "Drone")[i % 2]}
        )
    window.settings = window.settings.updated(preview_seconds=1.0)
    drop(window, [folder])
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=60_000)

    def visible() -> int:
        return window.proxy.rowCount()

    def select() -> None:
        if visible():
            window.view.selectRow(rng.randrange(visible()))

    def multi() -> None:
        if visible():
            window.view.selectRow(rng.randrange(visible()))
            shift_down(window.view, rng.randint(1, 4))

    def sort() -> None:
        window.view.horizontalHeader().setSortIndicator(
            rng.randrange(window.model.columnCount()),
            rng.choice([Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder]),
        )

    def text_filter() -> None:
        window.filter_text.setText(rng.choice(["", "", "disc 1", "track", "zzz", "0"]))

    def genre_filter() -> None:
        window.filter_genre.setCurrentIndex(rng.randrange(window.filter_genre.count()))

    def status_filter() -> None:
        window.filter_status.setCurrentIndex(rng.randrange(window.filter_status.count()))

    def rescan() -> None:
        window.act["rescan"].trigger()

    def add_folder() -> None:
        window.add_paths([str(extra)])

    def apply() -> None:
        QTimer.singleShot(100, lambda: _close_dialog(window, accept=rng.random() < 0.7))
        rng.choice([window.apply_all, window.apply_selected])()

    def undo() -> None:
        QTimer.singleShot(100, lambda: _close_dialog(window, accept=rng.random() < 0.7))
        window.undo_last()

    def redo() -> None:
        window.act["redo"].trigger()

    def play() -> None:
        if window.details.row is not None:
            window.preview.space()

    def stop() -> None:
        window.preview.stop()

    def choose() -> None:
        row = window.details.row
        if row is not None:
            window._genre_chosen(row.track.id, rng.choice([None, ["Jazz"], ["Rock", "Pop"]]))

    def more_like_this() -> None:
        if window.details.more_like_this.isEnabled():
            window.details.more_like_this.click()

    def similar_double_click() -> None:
        item = window.details.similar.item(0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            window.details.similar.itemDoubleClicked.emit(item)

    def accept_many() -> None:
        window.accept_selected()

    def choose_many() -> None:
        window.choose_for_selected(rng.choice([None, ["Electronic"], ["Polka"]]))

    def runner_up() -> None:
        if window.details.runner_button.isVisible() and window.details.runner_button.isEnabled():
            window.details.runner_button.click()

    def waiting() -> None:
        window.show_waiting()

    def learn() -> None:  # Tools > Learn from My Tags; its report closes a moment later
        window.act["learn"].trigger()
        QTimer.singleShot(300, lambda: _close_dialog(window, accept=True))

    def forget() -> None:
        if window.act["forget"].isEnabled():
            window.act["forget"].trigger()

    def resize() -> None:  # columns give way and come back while rows stream in
        window.resize(rng.choice([(1024, 700), (1200, 720), (1600, 1000), (900, 600)])[0], 700)

    actions = [select, select, multi, sort, text_filter, genre_filter, status_filter, rescan,
               add_folder, apply, undo, redo, play, stop, choose, more_like_this,
               similar_double_click, accept_many, choose_many, runner_up, waiting,
               resize, learn, forget]  # fmt: skip
    done = []
    for _ in range(MONKEY_ACTIONS):
        act = rng.choice(actions)
        done.append(act.__name__)
        act()
        QTest.qWait(rng.choice([0, 5, 20, 60]))
    window.writer.wait(30_000)
    wait_idle(qtbot, window, 600_000)
    QApplication.processEvents()
    assert window.model.rowCount() >= MONKEY_FILES, done[-20:]


def _close_dialog(window, accept: bool, tries: int = 30) -> None:
    """Answer the modal dialog the action opened. It may not be up yet when the first try
    runs (building the Apply dialog's changes can take longer than the timer on a busy
    machine): look again every 100 ms, up to 3 s, instead of leaving it open for ever."""
    # a modal question first: a report that opened meanwhile (Learn) is not in its way
    d = QApplication.activeModalWidget() or getattr(window, "_last_dialog", None)
    if d is None or not d.isVisible():
        if tries > 0:
            QTimer.singleShot(100, lambda: _close_dialog(window, accept, tries - 1))
        return
    button = None
    if isinstance(d, QMessageBox):
        button = d.button(
            QMessageBox.StandardButton.Ok if accept else QMessageBox.StandardButton.Cancel
        )
    if button is not None:
        button.click()
    elif accept:
        d.accept()
    else:
        d.reject()
