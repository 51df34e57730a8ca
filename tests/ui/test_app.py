"""The desktop app, driven as a person would: real widgets offscreen, real drops, real
analysis, real tag writes, the real PortAudio stream into ALSA's null device."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from genre_desktop import config
from genre_desktop.core import audio, tags
from genre_desktop.core.library import Library
from genre_desktop.core.model import GenreModel
from genre_desktop.core.playlist import write_playlist
from genre_desktop.ui.mainwindow import MainWindow
from genre_desktop.ui.models import ERROR, WILL_CHANGE, WRITTEN

pytestmark = pytest.mark.usefixtures("needs_model")


def drop(window, paths):
    """A real drag: enter, then drop, through Qt's event delivery."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)
    assert event.isAccepted()


def answer(window, button: str, delay: int = 300) -> None:
    """Click a button of the question the window is about to ask (QMessageBox)."""
    from PySide6.QtWidgets import QMessageBox

    QTimer.singleShot(
        delay,
        lambda: window._last_dialog.button(getattr(QMessageBox.StandardButton, button)).click(),
    )


def wait_idle(qtbot, window, timeout=120_000):
    qtbot.waitUntil(lambda: window.analysis is None, timeout=timeout)


def test_empty_window_invites_a_drop(window):
    assert window.stack.currentWidget() is window.empty
    assert "Drop a music folder here" in window.empty.text()


def test_dropped_folder_is_listed_analysed_applied_and_undone(
    qtbot, window, music_library, tmp_path
):
    folder = next(iter(music_library.values())).parent
    bad = folder / "corrupt.mp3"
    bad.write_bytes(b"\xff\xfb" + bytes(range(256)) * 20)
    drop(window, [folder])
    wait_idle(qtbot, window)
    rows = {r.track.path: r for r in window.model.rows}
    assert len(rows) == 9
    assert rows[str(bad)].status == ERROR and rows[str(bad)].error
    good = [r for p, r in rows.items() if p != str(bad)]
    assert all(r.analysis is not None for r in good)
    assert all(r.status == WILL_CHANGE for r in good)  # policy: overwrite, any confidence

    # Apply everything through the confirmation dialog
    QTimer.singleShot(300, lambda: window._last_dialog.accept())
    window.apply_all()
    qtbot.waitUntil(
        lambda: all(r.status in (WRITTEN, ERROR) for r in window.model.rows), timeout=30_000
    )
    out = subprocess.run(
        [sys.executable, "-m", "genre_desktop", "tags", str(folder), "--json"],
        capture_output=True,
        text=True,
    )
    import json

    got = {
        json.loads(line)["path"]: json.loads(line).get("genre") for line in out.stdout.splitlines()
    }
    for r in good:
        assert got[r.track.path] == r.predicted

    answer(window, "Ok")
    window.undo_last()
    qtbot.waitUntil(lambda: all(r.track.genres == ["Old Genre"] for r in good), timeout=30_000)
    out = subprocess.run(
        [sys.executable, "-m", "genre_desktop", "tags", str(folder), "--json"],
        capture_output=True,
        text=True,
    )
    assert {
        json.loads(line).get("genre") for line in out.stdout.splitlines() if "error" not in line
    } == {"Old Genre"}


def test_cancel_stops_the_work(qtbot, window, music_library, tmp_path):
    big = tmp_path / "many"
    big.mkdir()
    for i in range(60):
        shutil.copy(music_library["flac"], big / f"t{i:03d}.flac")
    drop(window, [big])
    qtbot.waitUntil(
        lambda: window.progress.maximum() > 1 and window.progress.value() >= 1, timeout=60_000
    )
    window.cancel_analysis()
    wait_idle(qtbot, window, 30_000)
    analysed = sum(1 for r in window.model.rows if r.analysis is not None)
    assert 0 < analysed < 60
    assert window.progress_label.text() == "Cancelled"


def test_preview_plays_through_portaudio_and_stops(qtbot, window, music_library):
    if window.preview.player is None:
        pytest.skip(f"no audio device: {window.preview.problem}")
    drop(window, [music_library["ogg"]])
    wait_idle(qtbot, window)
    tid = window.model.rows[0].track.id
    window.preview.play(tid)  # decoded on a worker thread, then played
    qtbot.waitUntil(lambda: window.preview.playing_id == tid, timeout=10_000)
    assert window.preview.player.length > 0
    qtbot.waitUntil(lambda: window.preview.player.position > 0, timeout=5000)
    window.preview.stop()
    assert not window.preview.player.playing and window.preview.player.position == 0


def test_a_second_preview_stops_the_first(qtbot, window, music_library):
    if window.preview.player is None:
        pytest.skip("no audio device")
    drop(window, [music_library["ogg"], music_library["flac"]])
    wait_idle(qtbot, window)
    a, b = (r.track.id for r in window.model.rows[:2])
    window.preview.play(a)
    qtbot.waitUntil(lambda: window.preview.playing_id == a, timeout=10_000)
    first = window.preview.player.path
    window.preview.play(b)
    qtbot.waitUntil(lambda: window.preview.playing_id == b, timeout=10_000)
    assert window.preview.player.path != first


def test_selecting_a_track_fills_the_details_panel(qtbot, window, music_library):
    drop(window, [music_library["flac"].parent])
    wait_idle(qtbot, window)
    window.view.selectRow(0)
    row = window.details.row
    assert row is not None and row.analysis is not None
    assert window.details.title.text().replace("\u200b", "") == row.track.display_title
    assert len(window.details.chart._items) == len(window.card.labels) == 11
    assert window.details.similar.count() == 7  # the other seven tracks


def test_genre_override_marks_the_row(qtbot, window, music_library):
    drop(window, [music_library["wav"]])
    wait_idle(qtbot, window)
    tid = window.model.rows[0].track.id
    window._genre_chosen(tid, ["Reggae"])
    assert window.model.row_of(tid).target == ["Reggae"]
    assert window.model.row_of(tid).status == WILL_CHANGE


def test_filters(qtbot, window, music_library):
    drop(window, [music_library["flac"].parent])
    wait_idle(qtbot, window)
    window.filter_text.setText("song flac")
    assert window.proxy.rowCount() == 1
    window.filter_text.setText("")
    assert window.proxy.rowCount() == 8


def test_library_persists_across_restarts(qtbot, tmp_path, music_library):
    data = tmp_path / "data"
    w = MainWindow(config.Settings(jobs=1), data_dir=data)
    qtbot.addWidget(w)
    w.add_paths([str(music_library["flac"].parent)])
    qtbot.waitUntil(lambda: w.analysis is None, timeout=120_000)
    w.close()
    w2 = MainWindow(config.Settings(jobs=1), data_dir=data)
    qtbot.addWidget(w2)
    assert w2.model.rowCount() == 8  # at once, from the cache
    assert all(r.analysis is not None for r in w2.model.rows)
    qtbot.waitUntil(lambda: w2.analysis is None, timeout=60_000)
    w2.close()


def test_decoding_analysis_tag_io_and_database_writes_never_run_on_the_main_thread(
    qtbot, tmp_path, music_library, monkeypatch
):
    """What keeps the window responsive, asserted by thread rather than by milliseconds
    (the gaps themselves are measured by `make bench`: benchmarks/gui_gaps.py)."""
    w = MainWindow(
        # one job: the analysis runs in this process (on its worker thread), where the spies
        # see it; with more jobs it runs in other processes, further still from the window
        config.Settings(jobs=1, policy="overwrite", min_confidence=0.0),
        data_dir=tmp_path / "data",
    )
    qtbot.addWidget(w)
    w.ask_before_quit = False
    w.show()
    calls: list[tuple[str, bool]] = []

    def spy(owner, name: str, what: str) -> None:
        real = getattr(owner, name)

        def watched(*args, **kwargs):
            calls.append((what, threading.current_thread() is threading.main_thread()))
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, watched)

    for name in ("load", "load_excerpts", "probe"):
        spy(audio, name, "decoding")
    spy(GenreModel, "run", "analysis")
    spy(tags, "read", "tag I/O")
    spy(tags, "write", "tag I/O")  # the one write of any field
    spy(Library, "transaction", "database write")
    # what the workers hand over with their results, never asked again by the window: the
    # scanned tracks, what still needs analysis, the written and restored tracks, and the
    # embeddings of similar songs (the window keeps its index from the analyses it holds)
    for name in ("tracks_at", "needs_analysis", "track", "embeddings"):
        spy(Library, name, "track query")

    folder = next(iter(music_library.values())).parent
    drop(w, [folder])
    wait_idle(qtbot, w)
    for i in range(len(w.model.rows)):  # the details panel and its similar songs
        w.view.selectRow(i)
        QApplication.processEvents()
    assert len(w.related.index()) == sum(r.analysis is not None for r in w.model.rows) > 0
    QTimer.singleShot(300, lambda: w._last_dialog.accept())
    w.apply_all()
    qtbot.waitUntil(lambda: all(r.status == WRITTEN for r in w.model.rows), timeout=30_000)
    answer(w, "Ok")
    w.undo_last()
    qtbot.waitUntil(
        lambda: all(r.track.genres == ["Old Genre"] for r in w.model.rows), timeout=30_000
    )
    if w.preview.player is not None:  # the preview decodes off the main thread too
        w.preview.play(w.model.rows[0].track.id)
        qtbot.waitUntil(lambda: w.preview.playing_id is not None, timeout=10_000)
        w.preview.stop()
    w.close()

    seen = {what for what, _ in calls}
    assert seen == {"decoding", "analysis", "tag I/O", "database write", "track query"}, seen
    on_main = sorted({what for what, main in calls if main})
    assert on_main == [], f"on the main thread: {on_main}"


def test_rescan_shows_renamed_removed_and_new_files(qtbot, window, tmp_path, music_library):
    folder = tmp_path / "lib"
    folder.mkdir()
    for variant in ("flac", "mp3", "ogg"):
        src = music_library[variant]
        shutil.copy2(src, folder / f"a_{variant}{src.suffix}")
    drop(window, [folder])
    wait_idle(qtbot, window)
    before = {Path(r.track.path).name: r.track.id for r in window.model.rows}
    assert all(r.analysis is not None for r in window.model.rows)

    (folder / "a_flac.flac").rename(folder / "b_flac.flac")
    (folder / "a_mp3.mp3").unlink()
    shutil.copy2(music_library["wav"], folder / "c_wav.wav")
    window.act["rescan"].trigger()
    wait_idle(qtbot, window)

    rows = {Path(r.track.path).name: r for r in window.model.rows}
    assert sorted(rows) == ["a_ogg.ogg", "b_flac.flac", "c_wav.wav"]
    # the renamed file is the same track, still analysed; the new one was analysed too
    assert rows["b_flac.flac"].track.id == before["a_flac.flac"]
    assert all(r.analysis is not None for r in rows.values())


def test_playlist_export_is_extended_m3u_with_relative_paths(tmp_path):
    from genre_desktop.core.records import Track

    (tmp_path / "music").mkdir()
    out = tmp_path / "list.m3u8"
    a = Track(
        1, str(tmp_path / "music" / "a.flac"), 1, 1, duration=61.4, title="Song A", artist="X"
    )
    b = Track(2, str(tmp_path / "music" / "b é.mp3"), 1, 1, duration=0.0)
    write_playlist(out, [a, b])
    assert out.read_text(encoding="utf-8").splitlines() == [
        "#EXTM3U",
        "#EXTINF:61,X - Song A",
        "music/a.flac",
        "#EXTINF:-1,b é",
        "music/b é.mp3",
    ]


def test_player_unavailable_leaves_the_app_working(qtbot, tmp_path, monkeypatch):
    from genre_desktop.ui import preview

    def no_device(*a, **k):
        raise preview.PlayerUnavailable("no audio output device found")

    monkeypatch.setattr(preview, "Player", no_device)
    w = MainWindow(config.Settings(jobs=1), data_dir=tmp_path / "d")
    qtbot.addWidget(w)
    assert w.preview.player is None
    assert "no audio output device" in w.details.player_note.text()
    assert not w.details.play_button.isEnabled()
    w.close()
