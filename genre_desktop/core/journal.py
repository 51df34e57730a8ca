"""Genre writes through the journal, and undo.

Each change is recorded as 'planned' (with the old value) and committed before the file is
touched, then marked 'written' with the file's new (size, mtime_ns). A process killed in
between leaves a 'planned' row; `recover` settles it from what the file now says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from genre_desktop.core import fields, tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import GENRE, BatchKind, BatchState, ChangeState
from genre_desktop.errors import GenreDesktopError, TagReadError, TagWriteError

ALREADY = "already has this genre"


@dataclass
class ChangeResult:
    path: str
    old: list[str]
    new: list[str]
    state: ChangeState  # written | skipped | failed
    reason: str | None = None

    @property
    def already(self) -> bool:
        """Skipped because the file already had exactly this genre."""
        return self.state == ChangeState.SKIPPED and self.reason == ALREADY


def apply_change(
    library: Library,
    batch_id: int,
    path: str,
    new: list[str],
    *,
    expect: tuple[int, int] | None = None,
    id3_version: int = 4,
    old: list[str] | None = None,
    field: str = GENRE,
) -> ChangeResult:
    """Write `new` values of a field (core.fields; the genres by default) to one file
    through the journal. Never raises for a bad file."""
    w = tags.writer(field)
    try:
        current = tags.read(path)
    except GenreDesktopError as exc:
        return ChangeResult(path, old or [], new, ChangeState.FAILED, exc.reason)
    now = fields.value(current, field)
    if old is not None and now != old:
        return ChangeResult(
            path,
            now,
            new,
            ChangeState.FAILED,
            f"{_what(field)} changed since it was read; scan again",
        )
    fam = tags.family_of(current.format)
    if now == w.expected(new, fam, id3_version):
        return ChangeResult(path, now, new, ChangeState.SKIPPED, ALREADY)
    change_id = library.plan_change(batch_id, path, now, new, field)
    try:
        stat_after = w.write(path, new, expect=expect, id3_version=id3_version)
    except TagWriteError as exc:
        library.finish_change(change_id, ChangeState.FAILED, exc.reason)
        return ChangeResult(path, now, new, ChangeState.FAILED, exc.reason)
    library.finish_change(
        change_id,
        ChangeState.WRITTEN,
        stat_after=stat_after,
        values_after=w.expected(new, fam, id3_version),
    )
    return ChangeResult(path, now, new, ChangeState.WRITTEN)


def _what(field: str) -> str:
    return "genre" if field == GENRE else field


def recover(library: Library) -> int:
    """Settle changes left 'planned' by a process that died mid-write. Returns how many."""
    settled = 0
    for change in library.open_changes():
        change_id = change.id
        try:
            current = tags.read(change.path)
            now = fields.value(current, change.field)
            st = os.stat(change.path)
        except (GenreDesktopError, OSError) as exc:
            library.finish_change(
                change_id, ChangeState.FAILED, f"interrupted; file now unreadable: {exc}"
            )
            settled += 1
            continue
        if tags.reads_as_written(now, change.new, tags.family_of(current.format), change.field):
            library.finish_change(
                change_id,
                ChangeState.WRITTEN,
                stat_after=(st.st_size, st.st_mtime_ns),
                values_after=now,
            )
        elif now == change.old:
            library.finish_change(change_id, ChangeState.FAILED, "interrupted before the write")
        else:
            library.finish_change(
                change_id,
                ChangeState.FAILED,
                "interrupted; the file was changed by another program",
            )
        settled += 1
    return settled


def last_undoable(library: Library):
    """The newest batch that wrote something and is not undone yet (undo batches excluded),
    or None: what `undo` and the app's Undo restore by default."""
    batches = [
        b
        for b in library.batches()
        if b.kind != BatchKind.UNDO and b.state != BatchState.UNDONE and b.written()
    ]
    return batches[-1] if batches else None


def undo_batch(
    library: Library, batch_id: int, id3_version: int = 4
) -> tuple[int, list[ChangeResult]]:
    """Restore the old genre of every file a batch wrote (newest first). A file changed
    since that write is skipped and reported, never overwritten. Returns (undo batch id,
    results)."""
    recover(library)
    batch = library.batch(batch_id)
    if batch is None:
        raise KeyError(batch_id)
    undo_id = library.begin_batch(BatchKind.UNDO, f"undo of batch {batch_id}", undo_of=batch_id)
    results: list[ChangeResult] = []
    for change in reversed(library.changes(batch_id)):
        if change.state != ChangeState.WRITTEN:
            continue
        try:
            current = tags.read(change.path)
            st = os.stat(change.path)
        except (TagReadError, GenreDesktopError, OSError) as exc:
            reason = exc.reason if isinstance(exc, GenreDesktopError) else str(exc)
            results.append(ChangeResult(change.path, [], change.old, ChangeState.FAILED, reason))
            continue
        fam = tags.family_of(current.format)
        w = tags.writer(change.field)
        now = fields.value(current, change.field)
        if now == w.expected(change.old, fam, id3_version) and now != w.expected(
            change.new, fam, id3_version
        ):
            library.finish_change(
                change.id, ChangeState.UNDONE
            )  # an undo interrupted after its write
            results.append(ChangeResult(change.path, now, change.old, ChangeState.WRITTEN))
            continue
        # "changed since" is decided by the genre itself: a file that reads as this batch
        # wrote it is restored even when its mtime moved (a later batch wrote the same value,
        # or was undone back to it); the write itself verifies the audio stays identical
        if not tags.reads_as_written(now, change.new, fam, change.field):
            results.append(
                ChangeResult(
                    change.path,
                    now,
                    change.old,
                    ChangeState.SKIPPED,
                    f"{_what(change.field)} changed since this batch wrote it; left as it is",
                )
            )
            continue
        res = apply_change(
            library,
            undo_id,
            change.path,
            change.old,
            expect=(st.st_size, st.st_mtime_ns),
            id3_version=id3_version,
            field=change.field,
        )
        if res.state in (ChangeState.WRITTEN, ChangeState.SKIPPED):
            library.finish_change(change.id, ChangeState.UNDONE)
        results.append(res)
    if all(r.state == ChangeState.WRITTEN for r in results):
        library.set_batch_state(batch_id, BatchState.UNDONE)
    library.set_batch_state(undo_id, BatchState.DONE)
    return undo_id, results
