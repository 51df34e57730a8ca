"""Tag writes through the journal (any writable field of core.fields), and undo.

Each change is recorded as 'planned' (with the old value) and committed before the file is
touched, then marked 'written' with the file's new (size, mtime_ns). A process killed in
between leaves a 'planned' row; `recover` settles it from what the file now says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from genre_desktop.core import fields, tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import GENRE, BatchKind, BatchState, ChangeState
from genre_desktop.errors import GenreDesktopError, TagReadError, TagWriteError

ALREADY = "already has this genre"


@dataclass
class ChangeResult:
    """What a write (or an undo's write) did to one field of one file."""

    path: str
    old: Any  # the field's value before (as read), and the value asked for
    new: Any
    state: ChangeState  # written | skipped | failed
    reason: str | None = None
    field: str = GENRE
    track_id: int | None = None  # the library's track, where known
    source: str = ""  # which model decided the value (a redo writes it again as such)
    stat: tuple[int, int] | None = None  # the file's (size, mtime_ns) after a write

    @property
    def already(self) -> bool:
        """Skipped because the file already had exactly this value."""
        return self.state == ChangeState.SKIPPED and self.reason == _already(self.field)


@dataclass(frozen=True)
class _Who:
    """Which field of which track, decided by which model: what every result carries."""

    field: str
    track_id: int | None
    source: str

    def kw(self) -> dict[str, Any]:
        return {"field": self.field, "track_id": self.track_id, "source": self.source}


def _already(field: str) -> str:
    return ALREADY if field == GENRE else f"already has this {fields.word(field)}"


def apply_change(
    library: Library,
    batch_id: int,
    path: str,
    new: Any,
    *,
    expect: tuple[int, int] | None = None,
    id3_version: int = 4,
    old: Any = None,
    field: str = GENRE,
    source: str = "",
    track_id: int | None = None,
) -> ChangeResult:
    """Write the `new` value of a field (core.fields; the genres by default) to one file
    through the journal. The file's tags are read once here (the write verifies after);
    never raises for a bad file."""
    tags.writable(field)
    done = _Who(field, track_id, source)
    try:
        current = tags.read(path)
    except GenreDesktopError as exc:
        empty = fields.BY_NAME[field].empty()
        return ChangeResult(
            path, empty if old is None else old, new, ChangeState.FAILED, exc.reason, **done.kw()
        )
    now = fields.value(current, field)
    if old is not None and now != old:
        return ChangeResult(
            path,
            now,
            new,
            ChangeState.FAILED,
            f"{_what(field)} changed since it was read; scan again",
            **done.kw(),
        )
    fam = tags.family_of(current.format)
    after = tags.expected(field, new, fam, id3_version)
    if now == after:
        return ChangeResult(path, now, new, ChangeState.SKIPPED, _already(field), **done.kw())
    change_id = library.plan_change(batch_id, path, now, new, field, source)
    try:
        stat_after = tags.write(
            path, field, new, expect=expect, id3_version=id3_version, before=current
        )
    except TagWriteError as exc:
        library.finish_change(change_id, ChangeState.FAILED, exc.reason)
        return ChangeResult(path, now, new, ChangeState.FAILED, exc.reason, **done.kw())
    library.finish_change(change_id, ChangeState.WRITTEN, stat_after=stat_after, values_after=after)
    return ChangeResult(path, now, new, ChangeState.WRITTEN, stat=stat_after, **done.kw())


def _what(field: str) -> str:
    return fields.word(field)


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
    """Restore the old value of every field a batch wrote (newest first). A file changed
    since that write is skipped and reported, never overwritten. Returns (undo batch id,
    results: `old` the value the batch had written, `new` the value restored, with the
    track's id, the field and the model that decided, so a redo writes it again as it
    was)."""
    recover(library)
    batch = library.batch(batch_id)
    if batch is None:
        raise KeyError(batch_id)
    undo_id = library.begin_batch(BatchKind.UNDO, f"undo of batch {batch_id}", undo_of=batch_id)
    results: list[ChangeResult] = []
    for change in reversed(library.changes(batch_id)):
        if change.state != ChangeState.WRITTEN:
            continue
        known = library.track(change.path)
        done = _Who(change.field, known.id if known else None, change.source)
        try:
            current = tags.read(change.path)
            st = os.stat(change.path)
        except (TagReadError, GenreDesktopError, OSError) as exc:
            reason = exc.reason if isinstance(exc, GenreDesktopError) else str(exc)
            empty = fields.BY_NAME[change.field].empty()
            results.append(
                ChangeResult(
                    change.path, empty, change.old, ChangeState.FAILED, reason, **done.kw()
                )
            )
            continue
        fam = tags.family_of(current.format)
        now = fields.value(current, change.field)
        if now == tags.expected(change.field, change.old, fam, id3_version) and now != (
            tags.expected(change.field, change.new, fam, id3_version)
        ):
            library.finish_change(
                change.id, ChangeState.UNDONE
            )  # an undo interrupted after its write
            results.append(
                ChangeResult(change.path, change.new, change.old, ChangeState.WRITTEN, **done.kw())
            )
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
                    **done.kw(),
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
            track_id=done.track_id,
        )
        # what a redo of this undo writes again: the value the batch asked for, by its model
        res.old, res.source = change.new, change.source
        if res.state in (ChangeState.WRITTEN, ChangeState.SKIPPED):
            library.finish_change(change.id, ChangeState.UNDONE)
        results.append(res)
    if all(r.state == ChangeState.WRITTEN for r in results):
        library.set_batch_state(batch_id, BatchState.UNDONE)
    library.set_batch_state(undo_id, BatchState.DONE)
    return undo_id, results
