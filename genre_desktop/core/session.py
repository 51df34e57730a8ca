"""The write session: the one way any front end writes tags (beets' ImportSession).

    with WriteSession(library, BatchKind.RETAG, resume_key=key) as session:
        for track in ...:
            if track.path in session.settled:     # done by an interrupted run of the same job
                continue
            result = session.request(req)          # a core.plan write request (any field)
        session.finish()                          # the batch is complete

It takes the library's write lock (a second writer waits `wait` seconds, then gets one
clear BusyError, the same everywhere), settles changes a dead process left 'planned',
begins the batch at the first write or resumes the unfinished batch with the same resume
key (so one batch, and one undo, covers a job however often it was interrupted), writes
through the journal and settles the batch. `undo` restores a batch the same way.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from genre_desktop.core import journal
from genre_desktop.core.journal import ChangeResult
from genre_desktop.core.library import Library
from genre_desktop.core.lock import WriteLock
from genre_desktop.core.records import (
    GENRE,
    STOCK,
    Batch,
    BatchKind,
    BatchState,
    ChangeState,
    WriteRequest,
)
from genre_desktop.errors import BusyError


def lock_path(library: Library) -> Path:
    return library.path.with_name("write.lock")


class WriteSession:
    def __init__(
        self,
        library: Library,
        kind: BatchKind,
        *,
        resume_key: str = "",
        description: str = "",
        id3_version: int = 4,
        wait: float = 0.0,
        on_wait=None,
    ) -> None:
        """`wait`: seconds to wait for another writer; `on_wait()` is called once when the
        session starts waiting (a command says so on its terminal)."""
        self.library = library
        self.kind = BatchKind(kind)
        self.resume_key = resume_key
        self.description = description
        self.id3_version = id3_version
        self.wait = wait
        self.on_wait = on_wait
        self.batch_id: int | None = None
        self.settled: set[str] = set()  # paths the resumed batch already settled
        # path -> (stat before, stat after) of this session's own writes: a second field of
        # the same file expects the stat its scan saw, which the first write moved
        self._moved: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {}
        self.recovered = 0
        self._lock = WriteLock(lock_path(library))
        self._held = False

    # -- lock ----------------------------------------------------------------------------
    def __enter__(self) -> WriteSession:
        deadline = time.monotonic() + self.wait
        while True:
            try:
                self._lock.acquire()
                break
            except BusyError:
                if time.monotonic() >= deadline:
                    raise
                if self.on_wait is not None:
                    self.on_wait()
                    self.on_wait = None
                time.sleep(0.2)
        self._held = True
        self.recovered = journal.recover(self.library)
        if self.resume_key:
            found = self.library.open_batch(self.kind, self.resume_key)
            if found is not None:
                self.batch_id = found.id
                self.settled = self.library.changed_paths(found.id)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._held:
            self._lock.release()
        self._held = False

    # -- writing -------------------------------------------------------------------------
    def _batch(self) -> int:
        if not self._held:
            raise RuntimeError("a WriteSession writes only inside `with`")
        if self.batch_id is None:
            self.batch_id = self.library.begin_batch(
                self.kind, self.description, resume_key=self.resume_key
            )
        return self.batch_id

    def write(
        self,
        path: str,
        new: Any,
        *,
        expect: tuple[int, int] | None = None,
        old: Any = None,
        field: str = GENRE,
        source: str = "",
        track_id: int | None = None,
    ) -> ChangeResult:
        """Write one file's field (the genres by default) through the journal; never raises
        for a bad file."""
        moved = self._moved.get(path)
        if expect is not None and moved is not None and tuple(expect) == moved[0]:
            expect = moved[1]  # changed since the scan by this session alone
        result = journal.apply_change(
            self.library,
            self._batch(),
            path,
            new,
            expect=expect,
            id3_version=self.id3_version,
            old=old,
            field=field,
            source=source,
            track_id=track_id,
        )
        if expect is not None and result.stat is not None:
            self._moved[path] = (moved[0] if moved else tuple(expect), result.stat)  # type: ignore[assignment]
        self.settled.add(path)
        return result

    def request(self, req: WriteRequest) -> ChangeResult:
        """Write one request of a plan (core.plan.Plan.writes, or `redo_requests`)."""
        return self.write(
            req.path,
            req.new,
            expect=req.expect,
            old=req.old,
            field=req.field,
            source=req.source,
            track_id=req.track_id or None,
        )

    def finish(self) -> int | None:
        """The job is complete: close its batch (also an interrupted one that had nothing
        left to write). Returns the batch id, or None when nothing was ever written."""
        if self.batch_id is not None:
            self.library.set_batch_state(self.batch_id, BatchState.DONE)
        return self.batch_id

    # -- undo ----------------------------------------------------------------------------
    def undo(self, batch_id: int | None = None) -> tuple[Batch | None, list[ChangeResult]]:
        """Restore the values a batch wrote (default: the newest not undone yet). Returns
        (the batch undone, or None when there is nothing to undo; the results)."""
        if not self._held:
            raise RuntimeError("a WriteSession writes only inside `with`")
        target = (
            journal.last_undoable(self.library)
            if batch_id is None
            else self.library.batch(batch_id)
        )
        if target is None:
            return None, []
        undo_id, results = journal.undo_batch(self.library, target.id, self.id3_version)
        self.batch_id = undo_id
        return target, results


def restored(result: ChangeResult) -> bool:
    """An undo result that leaves the file with its old value (written now, or already)."""
    return result.state == ChangeState.WRITTEN or result.already


def redo_requests(results: Iterable[ChangeResult]) -> list[WriteRequest]:
    """What an undo took back, as the write requests that put it back: the same track,
    field and deciding model; written only where the file still reads as the undo left
    it (`old`), so a file changed since is reported, not overwritten."""
    return [
        WriteRequest(
            r.track_id or 0,
            r.path,
            r.new,  # the file holds what the undo restored
            r.old,  # the value the undone batch had written
            None,
            1.0,
            False,
            True,  # asked for again by the person
            r.source or STOCK,
            r.field,
        )
        for r in results
        if restored(r)
    ]
