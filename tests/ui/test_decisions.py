"""What a person sees and does with untagged files, a small window and unsure predictions:
columns with content, a title that stays readable, the waiting count, one-click choices for
one track or many, and a details panel that follows every change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from genre_desktop import config
from genre_desktop.ui.mainwindow import MainWindow
from genre_desktop.ui.models import (
    COL_ALBUM,
    COL_ARTIST,
    COL_GENRE,
    COL_NUMBER,
    COL_TITLE,
    FIELD_COLUMNS,
    WILL_CHANGE,
    Status,
)
from tests import audiofactory
from tests.ui.test_app import wait_idle

pytestmark = pytest.mark.usefixtures("needs_model")

LONG_NAMES = (
    "alan_jackson_look_at_me",
    "luke_combs_forever_after_all_extended_version",
    "john_denver_take_me_home_country_roads",
    "bruce_springsteen_born_to_run",
)


@pytest.fixture
def untagged(tmp_path, music_library):
    folder = tmp_path / "untagged"
    folder.mkdir()
    for i, name in enumerate(LONG_NAMES):
        audiofactory.write(folder / f"{name}.ogg", "ogg", seconds=8, seed=3 + i)
    return folder


def open_window(qtbot, tmp_path, width=1024, height=700, **settings):
    w = MainWindow(config.Settings(jobs=1, **settings), data_dir=tmp_path / "data")
    qtbot.addWidget(w)
    w.ask_before_quit = False
    w.resize(width, height)
    w.show()
    return w


def settle(qtbot, w):
    wait_idle(qtbot, w)
    qtbot.wait(300)  # the column and waiting-count refresh is coalesced


def select(w, rows):
    w.select_tracks([r.track.id for r in rows])


def test_untagged_files_show_their_names_and_no_empty_columns(qtbot, tmp_path, untagged):
    w = open_window(qtbot, tmp_path)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    header = w.view.horizontalHeader()
    for col in (COL_ARTIST, COL_ALBUM, COL_NUMBER, COL_GENRE):
        assert header.isSectionHidden(col), col
    titles = {w.proxy.index(i, COL_TITLE).data() for i in range(w.proxy.rowCount())}
    assert titles == set(LONG_NAMES)
    # 1024 x 700: nothing scrolls sideways and the title is the widest column
    assert not w.view.horizontalScrollBar().isVisible()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    assert max(shown, key=header.sectionSize) == COL_TITLE
    fm = w.view.fontMetrics()
    assert header.sectionSize(COL_TITLE) >= fm.horizontalAdvance(LONG_NAMES[0])
    # a tagged file fills the columns, which then appear
    tagged = audiofactory.write(
        untagged / "tagged.ogg", "ogg", seconds=8, seed=4, tags={"artist": "A", "album": "B"}
    )
    w.add_paths([str(tagged)])
    settle(qtbot, w)
    assert not header.isSectionHidden(COL_ARTIST)
    assert not header.isSectionHidden(COL_ALBUM)
    # the person's own choice beats the automatic one
    w.show_column(COL_ARTIST, False)
    assert header.isSectionHidden(COL_ARTIST)
    w.show_column(COL_GENRE, True)
    assert not header.isSectionHidden(COL_GENRE)
    w._refresh_columns()  # the next change streaming in does not take it away
    assert not header.isSectionHidden(COL_GENRE)


def test_a_field_declared_only_in_core_fields_is_a_column(qtbot, tmp_path, untagged):
    """BPM is one row of core.fields: read, stored and shown with no other code."""
    from mutagen.oggvorbis import OggVorbis

    [bpm_col] = [c for c, f in FIELD_COLUMNS.items() if f.name == "bpm"]
    w = open_window(qtbot, tmp_path, width=1600)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    header = w.view.horizontalHeader()
    assert w.model.headerData(bpm_col, Qt.Orientation.Horizontal) == "BPM"
    assert header.isSectionHidden(bpm_col)  # no file has a BPM: the column stays out of sight
    # what it holds when shown: the tempo the analysis heard, marked as an estimate
    cells = [w.proxy.index(i, bpm_col).data() for i in range(w.proxy.rowCount())]
    assert any(c.startswith("≈") for c in cells) and all(c == "" or c[0] == "≈" for c in cells)
    f = OggVorbis(untagged / f"{LONG_NAMES[1]}.ogg")
    f["bpm"] = ["124"]
    f.save()
    w.start_analysis([])  # rescan: the changed file is read again
    settle(qtbot, w)
    assert not header.isSectionHidden(bpm_col)
    cells = [w.proxy.index(i, bpm_col).data() for i in range(w.proxy.rowCount())]
    assert cells.count("124") == 1 and all(c in ("124", "") or c.startswith("≈") for c in cells)
    # the file's value in the normal colour, an estimate muted; numbers sort by value
    for i, c in enumerate(cells):
        colour = w.proxy.index(i, bpm_col).data(Qt.ItemDataRole.ForegroundRole)
        assert (colour is not None) == c.startswith("≈")
    w.model.sort(bpm_col, Qt.SortOrder.DescendingOrder)
    shown = [w.model.index(i, bpm_col).data() for i in range(w.model.rowCount())]
    values = [float(c.lstrip("≈") or 0) for c in shown]
    assert values == sorted(values, reverse=True), shown
    assert any(r.track.extra == {"bpm": 124} for r in w.model.rows)


def test_the_side_panel_never_scrolls_sideways_in_a_small_window(qtbot, tmp_path, untagged):
    w = open_window(qtbot, tmp_path)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    select(w, w.model.rows[1:2])
    qtbot.wait(100)
    scroll = w.details_scroll
    assert not scroll.horizontalScrollBar().isVisible()
    assert w.details.width() <= scroll.viewport().width()
    chart = w.details.chart
    assert chart.width() >= chart.minimumSizeHint().width()  # names and percentages fit


def test_unsure_tracks_are_counted_and_accepted_in_one_action(qtbot, tmp_path, untagged):
    # a threshold nothing reaches: every track waits for the person
    w = open_window(qtbot, tmp_path, min_confidence=1.0)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    rows = list(w.model.rows)
    assert all(r.status == Status.KEEP_UNSURE for r in rows)
    assert f"{len(rows)} waiting for your decision" in w.waiting_link.text()
    w.show_waiting()
    assert w.proxy.rowCount() == len(rows)

    select(w, rows[:3])
    w.accept_selected()
    assert [r.status for r in rows[:3]] == [WILL_CHANGE] * 3
    assert all(r.target == [r.predicted] for r in rows[:3])
    settle(qtbot, w)
    assert f"{len(rows) - 3} waiting" in w.waiting_link.text()

    # the runner-up is one click away for the shown track
    select(w, rows[3:4])
    runner = rows[3].analysis.ranked()[1][0]
    w.details.runner_button.click()
    assert rows[3].override is not None and rows[3].status == WILL_CHANGE
    assert w.details.runner_button.text().startswith(rows[3].override[0])
    assert runner.casefold().replace("-", "") in rows[3].override[0].casefold().replace("-", "")


def test_one_genre_for_many_rows_and_the_panel_follows_each_change(qtbot, tmp_path, untagged):
    w = open_window(qtbot, tmp_path, policy="overwrite", min_confidence=0.0)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    rows = list(w.model.rows)
    select(w, rows)
    w.choose_for_selected(["Polka"])  # a genre the model never predicts
    assert all(r.target == ["Polka"] for r in rows)
    shown = w.details.row
    assert shown is not None and "Write Polka" in w.details.plan.text()
    # typed in the panel's picker: the plan says the new choice at once
    w.details.picker.setEditText("Funk")
    w.details._typed()
    assert "Write Funk" in w.details.plan.text()
    w.choose_for_selected(None)  # back to the prediction: the plan says the prediction
    assert f"Write {shown.predicted}" in w.details.plan.text()
    assert "Polka" not in w.details.plan.text() and "Funk" not in w.details.plan.text()


def test_restored_sort_is_real_and_window_state_lives_with_the_config(
    qtbot, tmp_path, music_library
):
    from PySide6.QtCore import Qt

    from genre_desktop.ui.models import COL_CONFIDENCE

    data = tmp_path / "data"
    w = open_window(qtbot, tmp_path)
    w.add_paths([str(music_library["flac"].parent)])
    settle(qtbot, w)
    w.view.horizontalHeader().setSortIndicator(COL_CONFIDENCE, Qt.SortOrder.DescendingOrder)
    w.close()
    ini = config.config_dir() / "window.ini"
    assert ini.is_file() and "hidden_columns" in ini.read_text()
    w2 = MainWindow(config.Settings(jobs=1), data_dir=data)
    qtbot.addWidget(w2)
    w2.ask_before_quit = False
    shown = [w2.proxy.index(i, COL_CONFIDENCE).data(Qt.ItemDataRole.UserRole + 1) for i in
             range(w2.proxy.rowCount())]  # fmt: skip
    assert len(shown) == 8 and shown == sorted(shown, reverse=True)
    assert w2.view.horizontalHeader().sortIndicatorSection() == COL_CONFIDENCE
    w2.close()


def test_more_like_this_with_a_filter_on_shows_the_related_tracks(qtbot, tmp_path, untagged):
    w = open_window(qtbot, tmp_path, width=1400, height=900)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    origin = w.model.rows[0]
    w.filter_text.setText(origin.track.display_title)
    assert w.proxy.rowCount() == 1
    select(w, [origin])
    related = [tid for tid, _ in w.related.of(origin.track.id)]
    assert related, "generated copies of one song are related"
    w.details.more_like_this.click()
    assert w.filter_text.text() == "" and "Filters cleared" in w.statusBar().currentMessage()
    chosen = {r.track.id for r in w.selected_rows()}
    assert chosen == {origin.track.id, *related}
    assert w.details.row is origin


def test_preview_rewinds_after_its_end_and_the_slider_follows_the_shown_track(
    qtbot, tmp_path, untagged
):
    w = open_window(qtbot, tmp_path)
    if w.preview.player is None:
        pytest.skip(f"no audio device: {w.preview.problem}")
    bad = untagged / "broken.ogg"
    bad.write_bytes(b"OggS" + b"\0" * 200)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    good = [r for r in w.model.rows if r.error is None]
    a, b = good[0], good[1]
    w.settings = w.settings.updated(preview_seconds=1.0)
    played: list[int] = []  # samples the PortAudio callback delivered (ALSA's null device
    real_callback = w.preview.player._callback  # takes them faster than real time)

    def counting(outdata, frames, time_info, status):
        before = w.preview.player._pos
        try:
            real_callback(outdata, frames, time_info, status)
        finally:
            played.append(w.preview.player._pos - before)

    w.preview.player._callback = counting
    select(w, [a])
    w.preview.play_or_pause(a.track.id)
    qtbot.waitUntil(lambda: w.preview.playing_id == a.track.id, timeout=10_000)  # decoded, started
    qtbot.waitUntil(lambda: not w.preview.player.playing, timeout=10_000)  # played to its end
    n = len(w.preview.player._data)
    assert sum(played) == n
    w.preview.play_or_pause(a.track.id)  # Play again: the whole preview again, not silence
    qtbot.waitUntil(lambda: sum(played) == 2 * n, timeout=10_000)
    w.preview.tick()
    assert w.details.position.value() > 0
    select(w, [b])  # another track: its slider starts at zero while a's plays on
    w.preview.tick()
    assert w.details.position.value() == 0 and w.details.play_button.text() == "Play"
    broken = next(r for r in w.model.rows if r.error)
    select(w, [broken])
    assert not w.details.play_button.isEnabled()
    assert "could not be decoded" in w.details.play_button.toolTip()
    w.preview.stop()


def test_the_command_line_and_the_window_print_the_same_percent(qtbot, tmp_path, untagged):
    import subprocess
    import sys

    from genre_desktop.ui.models import COL_CONFIDENCE, COL_FILE

    data = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "genre_desktop", "classify", str(untagged), "--data-dir", str(data)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    cli = {}
    for line in proc.stdout.splitlines()[1:]:  # a pipe: whole tab-separated rows
        cells = line.split("\t")
        cli[cells[0].rsplit("/", 1)[-1]] = cells[2]
    w = open_window(qtbot, tmp_path)  # the same library: the analyses the command made
    settle(qtbot, w)
    shown = {
        w.model.index(i, COL_FILE).data(): w.model.index(i, COL_CONFIDENCE).data()
        for i in range(w.model.rowCount())
    }
    assert len(cli) == len(LONG_NAMES) and shown == cli


def test_the_details_panel_follows_analysis_choice_write_undo_and_rescan(qtbot, tmp_path, untagged):
    from PySide6.QtCore import QTimer

    from genre_desktop.core import tags
    from tests.ui.test_app import answer

    w = open_window(qtbot, tmp_path, policy="keep", min_confidence=1.0)
    w.add_paths([str(untagged)])
    qtbot.waitUntil(lambda: w.model.rowCount() == len(LONG_NAMES), timeout=60_000)
    rows = list(w.model.rows)
    select(w, rows[:1])  # selected while it waits: the analysis fills the panel when it comes
    settle(qtbot, w)
    assert w.details.row is rows[0]
    assert "%" in w.details.prediction.text() and "not analysed" not in w.details.prediction.text()
    assert "not sure enough" not in w.details.plan.text()  # says why: confidence below
    assert "below" in w.details.plan.text()

    select(w, rows[:2])  # two tracks, one choice, one confirmation, one batch
    w.choose_for_selected(["Jazz"])
    assert "Write Jazz" in w.details.plan.text()
    QTimer.singleShot(300, lambda: w._last_dialog.accept())
    w.apply_selected()
    qtbot.waitUntil(lambda: all(r.track.genres == ["Jazz"] for r in rows[:2]), timeout=30_000)
    qtbot.wait(100)
    assert w.details.in_file.text().replace("\u200b", "") == "Jazz"
    assert "Write Jazz" not in w.details.plan.text()
    assert len(w.library.batches()) == 1

    answer(w, "Ok")
    w.undo_last()  # the one batch gives both files back
    qtbot.waitUntil(lambda: all(r.track.genres == [] for r in rows[:2]), timeout=30_000)
    qtbot.wait(100)
    assert w.details.in_file.text() == "(none)"

    # changed outside the app, then Rescan: the panel shows the file as it is now
    tags.write_genres(rows[0].track.path, ["Blues"])
    (untagged / "broken.ogg").write_bytes(b"OggS" + b"\0" * 100)
    w.start_analysis([])
    settle(qtbot, w)
    qtbot.waitUntil(
        lambda: w.details.in_file.text().replace("\u200b", "") == "Blues", timeout=10_000
    )
    assert "1 file failed" in w.errors_link.text()  # the link follows the new error


def test_undo_undoes_the_batch_the_person_confirmed_even_if_another_finished_meanwhile(
    qtbot, tmp_path, untagged
):
    import subprocess
    import sys

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from genre_desktop.core import tags

    w = open_window(qtbot, tmp_path, policy="overwrite", min_confidence=0.0)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    rows = list(w.model.rows)
    select(w, rows[:2])
    w.choose_for_selected(["Jazz"])
    QTimer.singleShot(300, lambda: w._last_dialog.accept())
    w.apply_selected()  # batch A: two files
    qtbot.waitUntil(lambda: all(r.track.genres == ["Jazz"] for r in rows[:2]), timeout=30_000)
    other = rows[3].track.path

    def another_writer_then_ok() -> None:
        # while the question is open, a command writes batch B (another file)
        proc = subprocess.run(
            [sys.executable, "-m", "genre_desktop", "tags", other, "--set-genre", "Funk",
             "--yes", "--data-dir", str(tmp_path / "data")],
            capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        w._last_dialog.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(300, another_writer_then_ok)
    w.undo_last()
    qtbot.waitUntil(
        lambda: all(tags.read(r.track.path).genres == [] for r in rows[:2]), timeout=30_000
    )
    assert tags.read(other).genres == ["Funk"]  # batch B was not the one confirmed


def test_removing_a_folder_forgets_its_tracks_off_the_main_thread(
    qtbot, tmp_path, untagged, monkeypatch
):
    from PySide6.QtWidgets import QInputDialog

    w = open_window(qtbot, tmp_path)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    assert w.library.roots() == [str(untagged)]
    # the person picks the folder in the dialog
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (str(untagged), True))
    w.remove_folder()
    qtbot.waitUntil(lambda: w.model.rowCount() == 0, timeout=10_000)
    assert w.library.roots() == [] and w.stack.currentWidget() is w.empty
    assert untagged.is_dir() and len(list(untagged.iterdir())) == len(LONG_NAMES)  # files kept


def test_a_change_streaming_in_keeps_what_the_person_is_typing(qtbot, tmp_path, untagged):
    w = open_window(qtbot, tmp_path)
    w.add_paths([str(untagged)])
    settle(qtbot, w)
    row = w.model.rows[0]
    select(w, [row])
    w.details.picker.lineEdit().setFocus()
    qtbot.waitUntil(lambda: w.details.picker.lineEdit().hasFocus(), timeout=2000)
    w.details.picker.setEditText("Shoegaz")
    w.model.set_analysis(row.track.id, row.analysis, None)  # a result for the shown row
    assert w.details.picker.currentText() == "Shoegaz"
    w.view.setFocus()
    w.model.set_analysis(row.track.id, row.analysis, None)
    assert w.details.picker.currentText() == "Use the prediction"


def test_select_album_selects_the_album_the_model_pools_or_the_tag_in_its_folder(
    qtbot, tmp_path, music_library
):
    w = open_window(qtbot, tmp_path)
    w.add_paths([str(music_library["flac"].parent)])
    settle(qtbot, w)
    rows = list(w.model.rows)
    select(w, rows[:1])
    w.select_album()  # "Test Album" by eight artists: no pooled album, one tag, one folder
    assert {r.track.id for r in w.selected_rows()} == {r.track.id for r in rows}
