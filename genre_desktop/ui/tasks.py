"""All thread glue in one place (as Picard does it): long work runs off the main thread and
reports back by queued signals; widgets are touched only on the main thread.

- `AnalysisWorker`: scan + analyse on a QThread (the analysis itself in worker processes).
- `WriteWorker`: tag writes and undo, one file at a time, on their own single thread, so
  two writes never race on one file.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThread, QThreadPool, Signal, Slot

from genre_desktop.core import journal
from genre_desktop.core.library import Library
from genre_desktop.core.pipeline import Analyser, run_in_background
from genre_desktop.core.records import BatchKind, Track, WriteRequest
from genre_desktop.core.scan import Cancelled, Progress, scan
from genre_desktop.core.session import WriteSession
from genre_desktop.errors import GenreDesktopError

log = logging.getLogger(__name__)


class AnalysisWorker(QObject):
    """Scans `paths` (or the library's roots) and analyses what needs it."""

    # what changed, read here so the window applies it without asking the library again:
    # the ScanResult, the Tracks it added, changed or renamed, the ids still to analyse
    scanned = Signal(object, list, list)
    progress = Signal(int, int, float)  # done, total, tracks per second
    # [(track_id, Analysis | None, error | None)], batched; the ids in the workers now
    results = Signal(list, list)
    failed = Signal(str)
    finished = Signal(int)  # 1 = cancelled (an int: shiboken miscounts queued Python bools)

    def __init__(
        self,
        db_path: Path,
        paths: list[str],
        jobs: int,
        model_dir: Path | None = None,
        model_version: str = "",
    ) -> None:
        super().__init__()
        self.model_version = model_version  # the card's: which tracks still need analysis
        self.db_path = db_path
        self.paths = paths
        self.jobs = jobs
        self.model_dir = model_dir
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    @Slot()
    def run(self) -> None:
        cancelled = False
        run_in_background()  # this thread and its analysis processes yield to the window
        try:
            library = Library(self.db_path)
            for p in self.paths:  # a dropped folder becomes a root that Rescan walks again
                if Path(p).is_dir():
                    library.add_root(p)
            progress = Progress(is_cancelled=lambda: self._cancel)
            result = scan(library, self.paths or library.roots(), progress)
            changed = [*result.added, *result.updated, *(new for _, new in result.renamed)]
            todo = [] if result.cancelled else library.needs_analysis(self.model_version)
            self.scanned.emit(
                result, library.tracks_at(changed) if changed else [], [t.id for t in todo]
            )
            if result.cancelled:
                cancelled = True
                return
            analyser = Analyser(library, self.model_dir, jobs=self.jobs, background=True)
            if analyser.version != self.model_version:  # a card changed under the window
                todo = library.needs_analysis(analyser.version)
            start = time.perf_counter()
            batch: list[tuple[int, Any, str | None]] = []
            last = time.perf_counter()
            for done, outcome in enumerate(analyser.run(todo, progress), 1):
                batch.append((outcome.track.id, outcome.analysis, outcome.error))
                now = time.perf_counter()
                if now - last > 0.1 or done == len(todo):  # ~10 updates a second at most
                    self.results.emit(batch, [t.id for t in todo[done : done + self.jobs]])
                    batch = []
                    last = now
                    self.progress.emit(done, len(todo), done / max(1e-6, now - start))
            if batch:
                self.results.emit(batch, [])
        except Cancelled:
            cancelled = True
        except Exception as exc:
            log.error("analysis failed: %s", traceback.format_exc())
            self.failed.emit(str(exc))
        finally:
            self.finished.emit(int(cancelled or self._cancel))


class BackgroundAnalysis(QObject):
    """Owns the thread of one AnalysisWorker."""

    def __init__(self, worker: AnalysisWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.thread = QThread()
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.run)
        # direct: the main thread may be waiting for this thread, so quit must not queue behind it
        worker.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self.worker.cancel()

    def wait(self, ms: int = 30000) -> bool:
        return self.thread.wait(ms)


class _Signals(QObject):
    done = Signal(object)
    error = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            if isinstance(exc, GenreDesktopError):  # busy library, unreadable database
                self.signals.error.emit(exc.reason)
            else:
                log.error("background task failed: %s", traceback.format_exc())
                self.signals.error.emit(str(exc))
        else:
            self.signals.done.emit(result)


def run_in_pool(
    pool: QThreadPool,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str], None],
    keep: list,
) -> None:
    """Run `fn` on `pool`; its result or error comes back to the main thread by signal.
    `keep` holds the task until then (Qt must not delete it while a signal is queued)."""
    task = _Task(fn)
    task.setAutoDelete(False)
    task.signals.done.connect(on_done)
    task.signals.error.connect(on_error)
    task.signals.done.connect(lambda _=None, t=task: t in keep and keep.remove(t))
    task.signals.error.connect(lambda _=None, t=task: t in keep and keep.remove(t))
    keep.append(task)
    pool.start(task)


class WriteWorker(QObject):
    """Tag writes, one at a time, in order."""

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._tasks: list[_Task] = []

    def submit(
        self,
        fn: Callable[[Library], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> None:
        def run() -> Any:
            library = Library(self.db_path)
            try:
                return fn(library)
            finally:
                library.close()

        run_in_pool(self.pool, run, on_done, on_error, self._tasks)

    def wait(self, ms: int = 30000) -> bool:
        return self.pool.waitForDone(ms)


@dataclass(frozen=True)
class Written:
    """What a write or an undo did, for the window to apply as is: the batch, each file's
    result (track id, field, old, new, state, the fresh stat), and the tracks as the
    library now holds them (read on the write thread, by track id)."""

    batch: int | None
    results: list[journal.ChangeResult]
    tracks: dict[int, Track]


def _fresh(library: Library, results: list[journal.ChangeResult]) -> dict[int, Track]:
    ids = {r.track_id for r in results if r.track_id is not None}
    return {t.id: t for t in (library.track(i) for i in sorted(ids)) if t is not None}


# the app waits this long for a command-line writer before it says the library is busy
LOCK_WAIT_S = 2.0


def apply_changes(changes: list[WriteRequest], id3_version: int) -> Callable[[Library], Written]:
    """A WriteWorker job: write the plan's requests (any field: genre, BPM) as one batch,
    through the write session (the library's lock, the journal); BusyError if another
    writer holds the lock. Each result carries its track id, field and new stat."""

    def job(library: Library) -> Written:
        with WriteSession(
            library,
            BatchKind.APP,
            description=f"{len(changes)} tag change(s) from the app",
            id3_version=id3_version,
            wait=LOCK_WAIT_S,
        ) as session:
            results = [session.request(c) for c in changes]
            batch = session.finish()
        return Written(batch, results, _fresh(library, results))

    return job


def undo_batch(batch_id: int, id3_version: int) -> Callable[[Library], Written]:
    """A WriteWorker job: restore the tags batch `batch_id` wrote (the one the person
    confirmed, even if another writer has finished a newer batch since)."""

    def job(library: Library) -> Written:
        with WriteSession(
            library, BatchKind.UNDO, id3_version=id3_version, wait=LOCK_WAIT_S
        ) as session:
            target, results = session.undo(batch_id)
        return Written(target.id if target else None, results, _fresh(library, results))

    return job
