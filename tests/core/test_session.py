"""The write session: lock, recovery, resume by key, finish, undo; real files, real SQLite."""

from __future__ import annotations

import shutil

import pytest

from genre_desktop.core import tags
from genre_desktop.core.library import Library
from genre_desktop.core.records import BatchKind, BatchState, ChangeState
from genre_desktop.core.session import WriteSession, restored
from genre_desktop.errors import BusyError


@pytest.fixture
def files(music_library):
    return [music_library[v] for v in ("flac", "mp3", "ogg", "m4a-aac")]


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "data" / "library.sqlite3")
    yield lib
    lib.close()


def test_a_second_writer_is_refused_with_one_clear_message(library, tmp_path):
    other = Library(library.path)
    with (
        WriteSession(library, BatchKind.APP),
        pytest.raises(BusyError) as err,
        WriteSession(other, BatchKind.RETAG, wait=0.3),
    ):
        pass
    assert "another genre-desktop is writing tags for this library" in err.value.reason
    with WriteSession(other, BatchKind.RETAG):  # free again once the first has finished
        pass
    other.close()


def test_writes_outside_the_session_are_refused(library, files):
    session = WriteSession(library, BatchKind.APP)
    with pytest.raises(RuntimeError):
        session.write(str(files[0]), ["Jazz"])


def test_a_batch_is_begun_at_the_first_write_and_finished(library, files):
    with WriteSession(library, BatchKind.TAGS, description="set genre Jazz") as s:
        assert s.batch_id is None  # nothing written, no batch
        res = s.write(str(files[0]), ["Jazz"])
        assert res.state == ChangeState.WRITTEN
        assert s.finish() == s.batch_id
    batch = library.batch(s.batch_id)
    assert batch.state == BatchState.DONE and batch.kind == BatchKind.TAGS
    assert batch.counts[ChangeState.WRITTEN] == 1
    assert tags.read(files[0]).genres == ["Jazz"]


def test_an_interrupted_job_resumes_its_batch_by_key(library, files):
    key = '{"roots": ["/music"], "policy": "keep"}'
    with WriteSession(library, BatchKind.RETAG, resume_key=key) as s:
        s.write(str(files[0]), ["Jazz"])
        first = s.batch_id  # no finish(): interrupted
    assert library.batch(first).state == BatchState.OPEN
    with WriteSession(library, BatchKind.RETAG, resume_key="another job") as s:
        assert s.batch_id is None  # another key starts afresh
    with WriteSession(library, BatchKind.RETAG, resume_key=key) as s:
        assert s.batch_id == first and str(files[0]) in s.settled
        s.write(str(files[1]), ["Blues"])
        s.finish()
    batch = library.batch(first)
    assert batch.state == BatchState.DONE and batch.counts[ChangeState.WRITTEN] == 2
    assert len(library.batches()) == 1  # one batch, so one undo covers the whole job


def test_a_change_left_planned_by_a_dead_process_is_settled_on_entry(library, files):
    path = str(files[0])
    batch = library.begin_batch(BatchKind.RETAG)
    library.plan_change(batch, path, tags.read(path).genres, ["Jazz"])
    tags.write_genres(path, ["Jazz"])  # the write happened, the process died before recording it
    with WriteSession(library, BatchKind.APP) as s:
        assert s.recovered == 1
    assert library.changes(batch)[0].state == ChangeState.WRITTEN


def test_undo_restores_each_file_exactly_and_the_batch_is_marked(library, files):
    before = {str(f): tags.read(f).genres for f in files}
    with WriteSession(library, BatchKind.APP) as s:
        for f in files:
            s.write(str(f), ["Jazz", "Blues"])
        batch = s.finish()
    with WriteSession(library, BatchKind.UNDO) as s:
        target, results = s.undo()
    assert target.id == batch and all(restored(r) for r in results) and len(results) == 4
    assert {str(f): tags.read(f).genres for f in files} == before
    assert library.batch(batch).state == BatchState.UNDONE
    with WriteSession(library, BatchKind.UNDO) as s:
        assert s.undo() == (None, [])  # nothing left to undo


def test_undo_leaves_a_file_changed_since_and_reports_it(library, files, tmp_path):
    with WriteSession(library, BatchKind.APP) as s:
        s.write(str(files[0]), ["Jazz"])
        s.finish()
    tags.write_genres(files[0], ["Punk"])  # another program changed it since
    with WriteSession(library, BatchKind.UNDO) as s:
        _, results = s.undo()
    assert results[0].state == ChangeState.SKIPPED and not restored(results[0])
    assert tags.read(files[0]).genres == ["Punk"]


def test_a_vanished_file_fails_alone(library, files):
    gone = files[1].with_name("gone.mp3")
    shutil.copy(files[1], gone)
    gone.unlink()
    with WriteSession(library, BatchKind.APP) as s:
        bad = s.write(str(gone), ["Jazz"])
        good = s.write(str(files[0]), ["Jazz"])
    assert bad.state == ChangeState.FAILED and "not found" in bad.reason
    assert good.state == ChangeState.WRITTEN


def test_a_write_that_was_undone_is_the_owners_genre_again_for_learning(library, files):
    """learn skips files the app wrote; after an undo the file carries the owner's genre
    again and must count (issue 31, point 1)."""
    f = str(files[0])
    with WriteSession(library, BatchKind.TAGS) as s:
        s.write(f, ["Jazz"])
        s.finish()
    assert library.written_paths() == {f}
    with WriteSession(library, BatchKind.UNDO) as s:
        s.undo()
    assert library.written_paths() == set()
    with WriteSession(library, BatchKind.APP) as s:  # written again: the app's once more
        s.write(f, ["Blues"])
        s.finish()
    assert library.written_paths() == {f}
