"""Undo and Redo of the writes: the batch the person was asked about is the batch undone (by
id, even if another writer finished a newer one meanwhile), and what an undo took back can
be written again: the requests `core.session.redo_requests` makes of the undo's results
(the same track, field and deciding model; a redone BPM is written as a BPM)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from genre_desktop.core import journal
from genre_desktop.core.records import BatchKind, WriteRequest
from genre_desktop.core.session import redo_requests, restored
from genre_desktop.ui import tasks

if TYPE_CHECKING:
    from genre_desktop.ui.mainwindow import MainWindow


class History:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._redo: list[WriteRequest] = []  # what the last undo took back

    def undo(self) -> None:
        """Ask, then restore the tags of the last Apply (or batch command)."""
        w = self.window

        target = journal.last_undoable(w.library)
        if target is None:
            w.statusBar().showMessage("Nothing to undo.", 5000)
            return
        n = target.written()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Undo",
            f"Undo {n} tag change{'s' if n != 1 else ''} "
            f"{'this app' if target.kind == BatchKind.APP else 'the ' + target.kind + ' command'} "
            "made? Each file gets back the genre (or BPM) it had before; files changed since "
            "then are left as they are.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            w,
        )
        ok = box.button(QMessageBox.StandardButton.Ok)
        ok.setText(f"Undo {n} change{'s' if n != 1 else ''}")
        w._last_dialog = box
        box.exec()
        if box.clickedButton() is not ok:
            return
        w.act_undo.setEnabled(False)
        # the batch the person was asked about, by id: not whatever is newest by then
        w.writer.submit(
            tasks.undo_batch(target.id, w.settings.id3_version),
            self._undone,
            w._write_failed,
        )

    def _undone(self, result) -> None:
        w = self.window
        batch, results = result
        w.act_undo.setEnabled(True)
        if batch is None:
            w.statusBar().showMessage("Nothing to undo.", 5000)
            return
        n_restored = skipped = 0
        for res in results:
            ok = restored(res)
            n_restored += ok
            skipped += not ok
            row = w.model.row_of(res.track_id) if res.track_id is not None else None
            if row is None:
                continue
            fresh = w.library.track(row.track.id)
            if ok:
                w.model.mark_restored(row.track.id, fresh, res.field)
            elif fresh is not None:
                row.track = fresh
        redo = redo_requests(results)
        self._redo = redo
        w.act_redo.setEnabled(bool(redo))
        w.statusBar().showMessage(
            f"Undo: {n_restored} of {len(results)} file(s) restored"
            + (f", {skipped} left as they are (changed since, or unreadable)" if skipped else "")
            + (". Ctrl+Shift+Z writes them again." if redo else "."),
            10000,
        )

    def redo(self) -> None:
        """Write again what the last Undo took back."""
        w = self.window
        redo, self._redo = self._redo, []
        w.act_redo.setEnabled(False)
        if not redo:
            w.statusBar().showMessage("Nothing to redo.", 5000)
            return
        w.act_apply.setEnabled(False)
        w.statusBar().showMessage(f"Writing {len(redo)} tag(s) again…")
        w.writer.submit(
            tasks.apply_changes(redo, w.settings.id3_version), w._written, w._write_failed
        )
