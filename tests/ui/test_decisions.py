"""What a person sees and does with untagged files, a small window and unsure predictions:
columns with content, a title that stays readable, the waiting count, one-click choices for
one track or many, and a details panel that follows every change."""

from __future__ import annotations

import shutil

import pytest

from genre_desktop import config
from genre_desktop.ui.mainwindow import MainWindow
from genre_desktop.ui.models import (
    COL_ALBUM,
    COL_ARTIST,
    COL_GENRE,
    COL_NUMBER,
    COL_TITLE,
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
    src = audiofactory.write(tmp_path / "src.ogg", "ogg", seconds=8, seed=3)
    for name in LONG_NAMES:
        shutil.copy(src, folder / f"{name}.ogg")
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
    w.choose_for_selected(["Jazz"])
    assert all(r.target == ["Jazz"] for r in rows)
    shown = w.details.row
    assert shown is not None and "Write Jazz" in w.details.plan.text()
    # typed in the panel's picker: the plan says the new choice at once
    w.details.picker.setEditText("Funk")
    w.details._typed()
    assert "Write Funk" in w.details.plan.text()
    w.choose_for_selected(None)
    assert "Jazz" not in w.details.plan.text() and "Funk" not in w.details.plan.text()
