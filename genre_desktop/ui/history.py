"""Writes, Undo and Redo: the window's requests written on the write thread, and what came
back applied to the rows as it is (each result carries its track id, field, old and new
values and the file's fresh stat, and the job read the written tracks on its thread: no
library query here). The batch the person was asked about is the batch undone (by id, even
if another writer finished a newer one meanwhile), and what an undo took back can be
written again: the requests `core.session.redo_requests` makes of the undo's results (the
same track, field and deciding model; a redone BPM is written as a BPM)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from genre_desktop.core import journal
from genre_desktop.core.records import BatchKind, ChangeState, WriteRequest
from genre_desktop.core.session import redo_requests, restored
from genre_desktop.ui import tasks
from genre_desktop.ui.host import Host
from genre_desktop.ui.models import ERROR


class History:
    def __init__(self, host: Host) -> None:
        self.host = host
        self._redo: list[WriteRequest] = []  # what the last undo took back

    def write(self, jobs: list[WriteRequest]) -> None:
        """Write without asking (the Apply dialog already did); results land on the rows."""
        h = self.host
        h.act["apply"].setEnabled(False)
        h.say(f"Writing {len(jobs)} tag(s)…")
        h.writer.submit(
            tasks.apply_changes(jobs, h.settings.id3_version), self._written, self._failed
        )

    def _written(self, done: tasks.Written) -> None:
        h = self.host
        h.act["apply"].setEnabled(True)
        ok = failed = 0
        for res in done.results:
            row = h.model.row_of(res.track_id) if res.track_id is not None else None
            if row is None:
                continue
            fresh = done.tracks.get(row.track.id)
            if res.state == ChangeState.FAILED:
                failed += 1
                if fresh is not None:
                    row.track = fresh
                h.model.set_status(row.track.id, ERROR, res.reason)
            else:
                ok += 1
                h.model.mark_written(row.track.id, fresh, res.field)
        h.say(
            f"Wrote {ok} tag(s)"
            + (f", {failed} failed (see the Status column)" if failed else "")
            # nothing written: nothing to undo, and no Undo is offered for it
            + (". Ctrl+Z undoes it." if ok else "."),
            10000,
        )
        h.refresh_genre_filter()

    def _failed(self, message: str) -> None:
        """Nothing was written (another writer holds the library, say): say so plainly."""
        h = self.host
        h.act["apply"].setEnabled(True)
        h.act["undo"].setEnabled(True)
        h.say(f"Nothing written: {message}", 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Nothing written", message, parent=h.widget())
        h.show_dialog(box)
        box.open()  # not modal: the window stays usable

    def undo(self) -> None:
        """Ask, then restore the tags of the last Apply (or batch command)."""
        h = self.host
        target = journal.last_undoable(h.library)
        if target is None:
            h.say("Nothing to undo.", 5000)
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
            h.widget(),
        )
        ok = box.button(QMessageBox.StandardButton.Ok)
        ok.setText(f"Undo {n} change{'s' if n != 1 else ''}")
        h.show_dialog(box)
        box.exec()
        if box.clickedButton() is not ok:
            return
        h.act["undo"].setEnabled(False)
        # the batch the person was asked about, by id: not whatever is newest by then
        h.writer.submit(
            tasks.undo_batch(target.id, h.settings.id3_version), self._undone, self._failed
        )

    def _undone(self, done: tasks.Written) -> None:
        h = self.host
        h.act["undo"].setEnabled(True)
        if done.batch is None:
            h.say("Nothing to undo.", 5000)
            return
        n_restored = skipped = 0
        for res in done.results:
            ok = restored(res)
            n_restored += ok
            skipped += not ok
            row = h.model.row_of(res.track_id) if res.track_id is not None else None
            if row is None:
                continue
            fresh = done.tracks.get(row.track.id)
            if ok:
                h.model.mark_restored(row.track.id, fresh, res.field)
            elif fresh is not None:
                row.track = fresh
        redo = redo_requests(done.results)
        self._redo = redo
        h.act["redo"].setEnabled(bool(redo))
        h.say(
            f"Undo: {n_restored} of {len(done.results)} file(s) restored"
            + (f", {skipped} left as they are (changed since, or unreadable)" if skipped else "")
            + (". Ctrl+Shift+Z writes them again." if redo else "."),
            10000,
        )

    def redo(self) -> None:
        """Write again what the last Undo took back."""
        h = self.host
        redo, self._redo = self._redo, []
        h.act["redo"].setEnabled(False)
        if not redo:
            h.say("Nothing to redo.", 5000)
            return
        h.act["apply"].setEnabled(False)
        h.say(f"Writing {len(redo)} tag(s) again…")
        h.writer.submit(
            tasks.apply_changes(redo, h.settings.id3_version), self._written, self._failed
        )
