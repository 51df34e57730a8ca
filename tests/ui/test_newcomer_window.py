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


def _menu_action(w, name):
    """Right-click the header: the real column menu; its action for `name`."""
    from PySide6.QtCore import QPoint

    header = w.view.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(10, 5))
    menu = w.columns._menu
    action = next(a for a in menu.actions() if a.text() == name)
    return menu, action


def _visible(w) -> set[int]:
    h = w.view.horizontalHeader()
    return {c for c in range(h.count()) if not h.isSectionHidden(c)}


def test_the_column_menu_wins_over_the_automatic_hiding_and_is_remembered(
    qtbot, tmp_path, music_library
):
    from genre_desktop.ui.models import COL_FILE, COL_GENRE

    w = make_window(qtbot, tmp_path / "data")
    w.add_paths([str(music_library["flac"].parent)])
    qtbot.waitUntil(lambda: w.analysis is None, timeout=120_000)
    w.resize(1024, 700)
    qtbot.wait(300)
    if COL_GENRE not in _visible(w):  # hidden for want of room: ticking it shows it
        menu, action = _menu_action(w, "Genre in file")
        assert not action.isChecked()
        action.trigger()
        menu.close()
        qtbot.wait(50)
    assert COL_GENRE in _visible(w)
    w.resize(1200, 800)
    qtbot.wait(300)
    before = _visible(w)
    menu, action = _menu_action(w, "File")
    action.trigger()
    menu.close()
    qtbot.wait(50)
    assert _visible(w) == before | {COL_FILE}  # nothing else gave way for it
    menu, action = _menu_action(w, "File")
    assert action.isChecked()
    menu.close()
    w.resize(1000, 700)  # a smaller window does not undo the choice
    qtbot.wait(300)
    assert _visible(w) == before | {COL_FILE}
    # nor squeeze the title to nothing: the table scrolls sideways instead
    title = w.view.horizontalHeader().sectionSize(0)
    assert title >= w.view.fontMetrics().horizontalAdvance("M" * 10), title
    w.save_state()
    w.close()
    w2 = make_window(qtbot, tmp_path / "data")
    qtbot.wait(300)
    assert {COL_FILE, COL_GENRE} <= _visible(w2)
    w2.close()


@pytest.fixture
def album(tmp_path):
    """An album of four numbered FLAC tracks by one artist (the # and Album genre columns
    have content)."""
    from tests import audiofactory

    folder = tmp_path / "Band" / "Album"
    folder.mkdir(parents=True)
    for i in range(1, 5):
        audiofactory.write(
            folder / f"0{i} - Song {i}.flac",
            "flac",
            seconds=3,
            seed=i,
            tags={"title": f"Song {i}", "artist": "Band", "album": "Album", "tracknumber": str(i)},
        )
    return folder


def test_learned_longer_genre_names_hide_no_column_at_the_default_size(qtbot, tmp_path, album):
    from genre_desktop.ui.models import COL_ALBUM_GENRE, COL_NUMBER

    w = make_window(qtbot, tmp_path / "data")
    w.add_paths([str(album)])
    qtbot.waitUntil(lambda: w.analysis is None, timeout=120_000)
    qtbot.wait(300)
    before = _visible(w)
    assert {COL_NUMBER, COL_ALBUM_GENRE} <= before
    w.columns.set_genre_names(["Singer-Songwriter", "Heavy Metal", "Electronica"])
    qtbot.wait(50)
    assert _visible(w) == before
    w.close()


def test_a_corrupt_copy_is_named_by_its_file_and_its_panel_says_the_truth(qtbot, tmp_path):
    from genre_desktop.ui.models import COL_TITLE, ERROR
    from tests import audiofactory

    folder = tmp_path / "music"
    folder.mkdir()
    tags = {"title": "Levels", "artist": "Avicii"}
    good = audiofactory.write(folder / "Levels.flac", "flac", seconds=20, tags=tags)
    data = bytearray(good.read_bytes())
    data[2000:] = bytes(len(data) - 2000)  # its header and tags, then nothing
    (folder / "levels-broken.flac").write_bytes(bytes(data))
    w = make_window(qtbot, tmp_path / "data")
    w.resize(1024, 700)
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: w.analysis is None, timeout=120_000)
    rows = {r.track.path: r for r in w.model.rows}
    bad = rows[str(folder / "levels-broken.flac")]
    assert bad.status == ERROR and "corrupt or truncated" in bad.error
    assert "not permitted" not in bad.error
    titles = {
        w.proxy.index(i, COL_TITLE).data(): w.proxy.index(i, 0).data(ROW_ROLE)
        for i in range(w.proxy.rowCount())
    }
    assert titles["levels-broken.flac"] is bad and titles["Levels"].track.path == str(good)
    # its details: the file and its path, the error, and a Similar box that says why not
    w.select_tracks([bad.track.id])  # selected in the table, as a click would
    d = w.details
    assert d.row is bad

    def plain(label):
        return label.text().replace("\u200b", "")

    assert plain(d.title) == "levels-broken.flac" and str(folder) in plain(d.subtitle)
    assert "corrupt or truncated" in d.error.text()
    note = d.similar.item(0).text()
    assert "could not be decoded" in note and "appear once" not in note
    assert d.similar.wordWrap() and d.similar.horizontalScrollBar().maximum() == 0
    # nothing plays: Stop is off, for the good song and the broken one
    assert not d.stop_button.isEnabled()
    w.select_tracks([rows[str(good)].track.id])
    assert d.row is rows[str(good)] and not d.stop_button.isEnabled()
    w.close()


def test_several_selected_the_panel_says_so_and_accept_or_choose_acts_on_all(
    qtbot, tmp_path, music_library
):
    w = make_window(qtbot, tmp_path / "data")
    w.add_paths([str(music_library["flac"].parent)])
    qtbot.waitUntil(lambda: w.analysis is None, timeout=120_000)
    rows = [r for r in w.model.rows if r.analysis is not None][:3]
    w.select_tracks([r.track.id for r in rows])
    d = w.details
    assert len(w.selected_rows()) == 3
    assert d.selection_note.isVisible() and "3 tracks selected" in d.selection_note.text()
    assert "all 3" in d.accept_button.text() and d.accept_button.isEnabled()
    qtbot.mouseClick(d.accept_button, Qt.MouseButton.LeftButton)
    assert all(r.override == [r.predicted] for r in rows), [(r.override, r.predicted) for r in rows]
    i = d.picker.findData("Jazz")
    d.picker.setCurrentIndex(i)
    d.picker.activated.emit(i)  # what a pick from the list sends
    assert all(r.override == ["Jazz"] for r in rows)
    # one selected again: the note goes, Accept is that track's
    w.select_tracks([rows[0].track.id])
    assert not d.selection_note.isVisible() and "all" not in d.accept_button.text()
    w.close()


def test_at_1200_px_names_are_not_cut_for_wide_data_columns_and_the_kept_tab_is_even(
    qtbot, tmp_path
):
    from genre_desktop.core.records import WriteRequest
    from genre_desktop.ui.dialogs import ApplyDialog
    from genre_desktop.ui.models import COL_ARTIST, COL_PREDICTED
    from tests import audiofactory

    folder = tmp_path / "Ariana Grande"
    folder.mkdir()
    album = "Thank U, Next (Deluxe Edition)"
    for i, title in enumerate(("7 rings", "thank u, next", "imagine"), start=1):
        audiofactory.write(
            folder / f"0{i} - {title}.flac",
            "flac",
            seconds=3,
            seed=i,
            tags={"title": title, "artist": "Ariana Grande", "album": album, "tracknumber": str(i)},
        )
    w = make_window(qtbot, tmp_path / "data")
    w.resize(1200, 800)
    w.add_paths([str(folder)])
    qtbot.waitUntil(lambda: w.analysis is None, timeout=120_000)
    row = w.model.rows[0]
    w.model.set_override(row.track.id, ["Classical"])  # shown as '✎ Classical'
    qtbot.wait(600)
    header = w.view.horizontalHeader()
    fm = w.view.fontMetrics()
    assert header.sectionSize(COL_ARTIST) >= fm.horizontalAdvance("Ariana Grande") + 8
    assert header.sectionSize(COL_PREDICTED) >= fm.horizontalAdvance("✎ Classical") + 12
    w.close()
    # the Apply dialog's Kept tab: one even line a file, however long the reason
    reasons = ["keep: has a genre", "confidence 41% below 91%, and a reason that goes on " * 4]
    dialog = ApplyDialog(
        [WriteRequest(1, str(folder / "01 - 7 rings.flac"), [], ["Pop"], None, 0.95, False, False)],
        kept=[(str(folder / f"0{i} - x.flac"), r) for i, r in enumerate(reasons, 2)],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    heights = {dialog.kept_table.rowHeight(i) for i in range(dialog.kept_table.rowCount())}
    assert len(heights) == 1 and heights == {dialog.table.rowHeight(0)}
    assert dialog.kept_table.item(1, 1).toolTip() == reasons[1]


def test_an_apply_that_wrote_nothing_is_not_offered_for_undo(qtbot, tmp_path, window):
    from PySide6.QtCore import QTimer

    from genre_desktop.ui.models import ERROR
    from tests import audiofactory

    folder = tmp_path / "ro"
    folder.mkdir()
    f = audiofactory.write(folder / "ro.flac", "flac", seconds=3)
    f.chmod(0o444)
    try:
        window.add_paths([str(folder)])
        qtbot.waitUntil(lambda: window.analysis is None, timeout=120_000)
        QTimer.singleShot(300, lambda: window._last_dialog.accept())
        window.apply_all()
        qtbot.waitUntil(lambda: window.model.rows[0].status == ERROR, timeout=30_000)
    finally:
        f.chmod(0o644)
    message = window.statusBar().currentMessage()
    assert "Wrote 0" in message and "1 failed" in message and "undo" not in message.casefold()
    # the panel says the write failed, not that the (analysed) file could not be read
    window.view.selectRow(0)
    qtbot.waitUntil(lambda: "read-only" in window.details.error.text(), timeout=5000)
    assert window.details.error.text().startswith("Could not write this file")
    assert window.model.rows[0].plan() == "Nothing: writing to the file failed."
