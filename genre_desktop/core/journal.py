"""Genre writes through the journal, and undo.

Each change is recorded as 'planned' (with the old value) and committed before the file is
touched, then marked 'written' with the file's new (size, mtime_ns). A process killed in
between leaves a 'planned' row; `recover` settles it from what the file now says.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from genre_desktop.core import tags
from genre_desktop.core.library import Library
from genre_desktop.errors import GenreDesktopError, TagReadError, TagWriteError


@dataclass
class ChangeResult:
    path: str
    old: list[str]
    new: list[str]
    state: str  # written | skipped | failed
    reason: str | None = None


def apply_change(
    library: Library,
    batch_id: int,
    path: str,
    new: list[str],
    *,
    expect: tuple[int, int] | None = None,
    id3_version: int = 4,
    old: list[str] | None = None,
) -> ChangeResult:
    """Write `new` genres to one file through the journal. Never raises for a bad file."""
    try:
        current = tags.read(path)
    except GenreDesktopError as exc:
        return ChangeResult(path, old or [], new, "failed", exc.reason)
    if old is not None and current.genres != old:
        return ChangeResult(
            path, current.genres, new, "failed", "genre changed since it was read; scan again"
        )
    fam = tags.family_of(current.format)
    if current.genres == tags.expected_genres(new, fam, id3_version):
        return ChangeResult(path, current.genres, new, "skipped", "already has this genre")
    change_id = library.plan_change(batch_id, path, current.genres, new)
    try:
        stat_after = tags.write_genres(path, new, expect=expect, id3_version=id3_version)
    except TagWriteError as exc:
        library.finish_change(change_id, "failed", exc.reason)
        return ChangeResult(path, current.genres, new, "failed", exc.reason)
    library.finish_change(
        change_id,
        "written",
        stat_after=stat_after,
        genres_after=tags.expected_genres(new, fam, id3_version),
    )
    return ChangeResult(path, current.genres, new, "written")


def recover(library: Library) -> int:
    """Settle changes left 'planned' by a process that died mid-write. Returns how many."""
    settled = 0
    for change in library.open_changes():
        change_id = change.id
        try:
            current = tags.read(change.path)
            now = current.genres
            st = os.stat(change.path)
        except (GenreDesktopError, OSError) as exc:
            library.finish_change(change_id, "failed", f"interrupted; file now unreadable: {exc}")
            settled += 1
            continue
        if tags.reads_as_written(now, change.new, tags.family_of(current.format)):
            library.finish_change(
                change_id, "written", stat_after=(st.st_size, st.st_mtime_ns), genres_after=now
            )
        elif now == change.old:
            library.finish_change(change_id, "failed", "interrupted before the write")
        else:
            library.finish_change(
                change_id, "failed", "interrupted; the file was changed by another program"
            )
        settled += 1
    return settled


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
    undo_id = library.begin_batch("undo", f"undo of batch {batch_id}", undo_of=batch_id)
    results: list[ChangeResult] = []
    for change in reversed(library.changes(batch_id)):
        if change.state != "written":
            continue
        try:
            current = tags.read(change.path)
            st = os.stat(change.path)
        except (TagReadError, GenreDesktopError, OSError) as exc:
            reason = exc.reason if isinstance(exc, GenreDesktopError) else str(exc)
            results.append(ChangeResult(change.path, [], change.old, "failed", reason))
            continue
        fam = tags.family_of(current.format)
        if current.genres == tags.expected_genres(
            change.old, fam, id3_version
        ) and current.genres != tags.expected_genres(change.new, fam, id3_version):
            library.finish_change(change.id, "undone")  # an undo interrupted after its write
            results.append(ChangeResult(change.path, current.genres, change.old, "written"))
            continue
        unchanged = change.size_after is None or (st.st_size, st.st_mtime_ns) == (
            change.size_after,
            change.mtime_ns_after,
        )
        if not unchanged or not tags.reads_as_written(current.genres, change.new, fam):
            results.append(
                ChangeResult(
                    change.path,
                    current.genres,
                    change.old,
                    "skipped",
                    "file changed since this batch wrote it; left as it is",
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
        )
        if res.state in ("written", "skipped"):
            library.finish_change(change.id, "undone")
        results.append(res)
    if all(r.state == "written" for r in results):
        library.set_batch_state(batch_id, "undone")
    library.set_batch_state(undo_id, "done")
    return undo_id, results
