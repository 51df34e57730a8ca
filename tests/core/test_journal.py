"""The journal (core/journal.py) on real files: a change is recorded before the file is
touched and settled after, a file already right is left alone, one changed since it was read
is refused, a crash mid-write is settled on the next start, and an undo restores only what
still reads as the batch wrote it. Audio byte-identical throughout."""

from __future__ import annotations

import os

import pytest

from genre_desktop.core import audio, journal, tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import BPM, GENRE, BatchKind, BatchState, ChangeState, Track


@pytest.fixture
def lib(tmp_path):
    library = Library(tmp_path / "lib.sqlite3")
    yield library
    library.close()


def _track(lib: Library, path) -> int:
    st = os.stat(path)
    return lib.add_tracks([Track(0, str(path), st.st_size, st.st_mtime_ns)])[0]


@pytest.mark.parametrize("variant", ["flac", "mp3", "m4a-aac", "ogg"])
def test_a_write_is_journalled_and_its_result_says_what_changed(lib, music_library, variant):
    path = str(music_library[variant])
    tid = _track(lib, path)
    audio_before = audio.payload_digest(path)
    batch = lib.begin_batch(BatchKind.APP)
    res = journal.apply_change(
        lib, batch, path, ["Jazz"], field=GENRE, source="stock", track_id=tid
    )
    assert res.state == ChangeState.WRITTEN and res.old == ["Old Genre"] and res.new == ["Jazz"]
    assert (res.track_id, res.field, res.source) == (tid, GENRE, "stock")
    st = os.stat(path)
    assert res.stat == (st.st_size, st.st_mtime_ns)  # the fresh stat, for the window's row
    [change] = lib.changes(batch)
    assert (change.state, change.old, change.new, change.field) == (
        ChangeState.WRITTEN,
        ["Old Genre"],
        ["Jazz"],
        GENRE,
    )
    assert (change.size_after, change.mtime_ns_after) == res.stat
    assert tags.read(path).genres == ["Jazz"]
    assert audio.payload_digest(path) == audio_before


def test_a_file_that_already_has_the_value_is_skipped_without_a_journal_line(lib, music_library):
    path = str(music_library["flac"])
    batch = lib.begin_batch(BatchKind.APP)
    mtime = os.stat(path).st_mtime_ns
    res = journal.apply_change(lib, batch, path, ["Old Genre"])
    assert res.state == ChangeState.SKIPPED and res.already
    assert lib.changes(batch) == [] and os.stat(path).st_mtime_ns == mtime


def test_a_value_changed_since_it_was_read_is_not_overwritten(lib, music_library):
    path = str(music_library["ogg"])
    batch = lib.begin_batch(BatchKind.APP)
    res = journal.apply_change(lib, batch, path, ["Jazz"], old=["Rock"])
    assert res.state == ChangeState.FAILED and "changed since" in (res.reason or "")
    assert res.old == ["Old Genre"]  # what the file says now
    assert tags.read(path).genres == ["Old Genre"] and lib.changes(batch) == []


def test_an_unreadable_file_fails_with_its_reason_and_nothing_is_journalled(lib, tmp_path):
    bad = tmp_path / "not audio.mp3"
    bad.write_bytes(b"\0" * 4096)
    batch = lib.begin_batch(BatchKind.APP)
    res = journal.apply_change(lib, batch, str(bad), ["Jazz"], field=GENRE)
    assert res.state == ChangeState.FAILED and res.reason and res.old == []
    assert lib.changes(batch) == []
    bpm = journal.apply_change(lib, batch, str(bad), 120, field=BPM)
    assert bpm.state == ChangeState.FAILED and bpm.old == 0  # the field's own empty value


def test_a_crash_mid_write_is_settled_by_what_the_file_says(lib, music_library):
    """A change left 'planned' (the process died): written if the file reads as the new
    value, failed if it still has the old one."""
    done, untouched = str(music_library["flac"]), str(music_library["mp3"])
    batch = lib.begin_batch(BatchKind.APP)
    a = lib.plan_change(batch, done, ["Old Genre"], ["Jazz"])
    tags.write(done, GENRE, ["Jazz"])  # the write happened, its settling did not
    b = lib.plan_change(batch, untouched, ["Old Genre"], ["Jazz"])
    assert {c.id for c in lib.open_changes()} == {a, b}
    assert journal.recover(lib) == 2
    states = {c.id: c for c in lib.changes(batch)}
    assert states[a].state == ChangeState.WRITTEN and states[a].size_after == os.stat(done).st_size
    assert states[b].state == ChangeState.FAILED and "before the write" in (states[b].error or "")
    assert lib.open_changes() == []


def test_undo_restores_what_still_reads_as_written_and_leaves_a_later_change_alone(
    lib, music_library
):
    kept, changed = str(music_library["flac"]), str(music_library["ogg"])
    ids = {p: _track(lib, p) for p in (kept, changed)}
    batch = lib.begin_batch(BatchKind.APP)
    for p in (kept, changed):
        journal.apply_change(lib, batch, p, ["Jazz"], track_id=ids[p], source="library")
    lib.set_batch_state(batch, BatchState.DONE)
    assert journal.last_undoable(lib).id == batch
    tags.write(changed, GENRE, ["Polka"])  # the owner changed it since, by hand
    undo_id, results = journal.undo_batch(lib, batch)
    by_path = {r.path: r for r in results}
    assert by_path[kept].state == ChangeState.WRITTEN and tags.read(kept).genres == ["Old Genre"]
    # what a redo writes again: the batch's value, by the model that decided it, same track
    assert (by_path[kept].old, by_path[kept].source, by_path[kept].track_id) == (
        ["Jazz"],
        "library",
        ids[kept],
    )
    assert by_path[changed].state == ChangeState.SKIPPED
    assert tags.read(changed).genres == ["Polka"]
    # not every file restored: the batch is not undone, and still the one to undo
    assert lib.batch(batch).state != BatchState.UNDONE
    assert journal.last_undoable(lib).id == batch
    assert lib.batch(undo_id).kind == BatchKind.UNDO
