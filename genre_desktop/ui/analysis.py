"""The scan and analysis glue of the window: starts `tasks.AnalysisWorker` (one at a time;
paths dropped meanwhile wait their turn), shows its progress in the status bar, and applies
what the worker hands over as it is: the tracks the scan added or changed and the ids still
to analyse (read by the worker, not asked of the library here), the analyses in batches and
the tracks the workers hold now."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from genre_desktop.core.model import Card
from genre_desktop.core.records import Track
from genre_desktop.core.scan import ScanResult
from genre_desktop.ui import tasks
from genre_desktop.ui.host import Host
from genre_desktop.ui.models import ANALYSING, ERROR, WAITING


class Analysing(QObject):
    scanned = Signal(list)  # the ids the scan removed (rows already gone)
    analysed = Signal(list)  # a batch of (track_id, Analysis | None, error), on the rows already
    finished = Signal(int)  # a run ended (1: cancelled); its rows settled
    idle = Signal()  # ... and no queued run follows it

    def __init__(
        self,
        host: Host,
        db_path: Path,
        card: Card | None,
        model_dir: Path | None,
        model_problem: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.db_path = db_path
        self.card = card
        self.model_dir = model_dir
        self.model_problem = model_problem
        self.running: tasks.BackgroundAnalysis | None = None
        self._queued: list[str] = []
        self._started = 0.0
        # the status bar's part: progress, rate, time left, cancel
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setVisible(False)
        self.label = QLabel("")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)

    def start(self, paths: list[str]) -> None:
        if self.card is None:
            self.host.say(f"Analysis is off: {self.model_problem}")
            return
        if self.running is not None:
            self._queued.extend(paths or [])
            return
        worker = tasks.AnalysisWorker(
            self.db_path,
            paths,
            self.host.settings.effective_jobs,
            self.model_dir,
            self.card.version,
        )
        worker.scanned.connect(self._scanned)
        worker.progress.connect(self._progress)
        worker.results.connect(self._results)
        worker.failed.connect(lambda msg: self.host.say(f"Analysis stopped: {msg}"))
        worker.finished.connect(self._finished)
        self.running = tasks.BackgroundAnalysis(worker, self)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.label.setText("Scanning…")
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._started = time.perf_counter()
        self.running.start()

    def cancel(self) -> None:
        if self.running is not None:
            self.running.cancel()
            self._queued.clear()
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")

    def close(self) -> None:
        if self.running is not None:
            self.running.cancel()
            self.running.wait(15000)

    def _scanned(self, result: ScanResult, tracks: list[Track], pending: list[int]) -> None:
        # only what the scan changed: a re-scan of a big library must not reload all of it
        # on the main thread (10,000 unchanged tracks took 257 ms that way)
        model = self.host.model
        gone_ids: set[int] = set()
        if result.removed:
            gone = set(result.removed)
            gone_ids = {r.track.id for r in model.rows if r.track.path in gone}
            model.remove_ids(gone_ids)
        if tracks:
            model.upsert_tracks(tracks)
        for tid in pending[: self.host.settings.effective_jobs]:
            model.set_status(tid, ANALYSING)
        self.host.say(
            f"{len(result.added)} new, {len(result.updated)} changed, {result.unchanged} unchanged",
            8000,
        )
        self.scanned.emit(sorted(gone_ids))
        if pending:
            self.progress.setRange(0, len(pending))
            self.progress.setValue(0)
            self.label.setText(f"Analysing 0 of {len(pending)}")

    def _progress(self, done: int, total: int, rate: float) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        left = (total - done) / rate if rate > 0 else 0
        self.label.setText(
            f"Analysing {done} of {total} · {rate:.1f} tracks/s · {int(left // 60)}:{int(left % 60):02d} left"
        )

    def _results(self, batch: list, in_workers: list[int]) -> None:
        model = self.host.model
        for track_id, analysis, error in batch:
            model.set_analysis(track_id, analysis, error)
            if analysis is None:
                model.set_status(track_id, ERROR, error)
        model.settle_albums()
        # the tracks in the workers now, as the worker says (no walk over every row)
        for tid in in_workers:
            r = model.row_of(tid)
            if r is not None and r.status == WAITING and r.analysis is None and not r.error:
                model.set_status(tid, ANALYSING)
        self.analysed.emit(batch)

    def _finished(self, cancelled: int) -> None:
        if self.running is not None:
            self.running.wait(5000)  # the worker has returned; its thread is ending
        self.running = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        took = time.perf_counter() - self._started
        self.host.model.settle_unanalysed()
        self.label.setText("Cancelled" if cancelled else f"Done in {took:.0f} s")
        self.finished.emit(cancelled)
        if self._queued and not cancelled:
            paths, self._queued = self._queued, []
            self.start(paths)
        else:
            self.idle.emit()
