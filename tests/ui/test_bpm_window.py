"""BPM in the window: the plan's BPM writes listed in the Apply dialog beside the genre's,
written, undone and redone on real files (the genre each file had left alone)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from genre_desktop import config
from genre_desktop.core import tags
from genre_desktop.ui.mainwindow import MainWindow
from tests.ui.test_app import answer, drop, wait_idle

pytestmark = pytest.mark.usefixtures("needs_model")


def _bpm(path) -> int:
    return tags.read(path).extra.get("bpm", 0)


def test_bpm_estimates_are_applied_undone_and_redone(qtbot, tmp_path, music_library):
    # keep the genres the files have: only BPM is written
    w = MainWindow(
        config.Settings(jobs=2, policy="keep", min_confidence=0.0, bpm="keep"),
        data_dir=tmp_path / "data",
    )
    qtbot.addWidget(w)
    w.ask_before_quit = False
    w.show()
    folder = next(iter(music_library.values())).parent
    drop(w, [folder])
    wait_idle(qtbot, w)
    rows = list(w.model.rows)
    assert rows and all(r.analysis is not None for r in rows)
    for i, r in enumerate(rows):  # the tempo estimate (filled in by the analysis itself)
        assert r.analysis is not None
        r.analysis.bpm = 100.4 + i
    w.model.set_policy(w.settings)
    status = {r.track.id: r.status for r in rows}
    seen: dict[str, object] = {}

    def look_and_accept() -> None:
        d = w._last_dialog
        seen["tags"] = {d.table.item(i, 1).text() for i in range(d.table.rowCount())}
        seen["new"] = [d.table.item(i, 3).text() for i in range(d.table.rowCount())]
        seen["button"] = d.ok.text()
        d.accept()

    QTimer.singleShot(300, look_and_accept)
    w.apply_all()
    want = {r.track.path: 100 + i for i, r in enumerate(rows)}
    qtbot.waitUntil(lambda: all(_bpm(p) == b for p, b in want.items()), timeout=30_000)
    assert seen["tags"] == {"BPM"}
    assert seen["new"] == [str(b) for b in want.values()]
    assert seen["button"] == f"Write {len(rows)} changes"
    assert all(tags.read(p).genres == ["Old Genre"] for p in want)
    qtbot.waitUntil(lambda: w.act["apply"].isEnabled(), timeout=10_000)
    # a BPM write leaves each row's genre decision where it was
    assert {r.track.id: r.status for r in rows} == status
    assert all(r.track.extra.get("bpm") == want[r.track.path] for r in rows)

    answer(w, "Ok")
    w.undo_last()
    qtbot.waitUntil(lambda: all(_bpm(p) == 0 for p in want), timeout=30_000)
    qtbot.waitUntil(lambda: w.act["redo"].isEnabled(), timeout=10_000)
    w.act["redo"].trigger()  # written again as BPM, not as a genre
    qtbot.waitUntil(lambda: all(_bpm(p) == b for p, b in want.items()), timeout=30_000)
    assert all(tags.read(p).genres == ["Old Genre"] for p in want)
    w.close()
