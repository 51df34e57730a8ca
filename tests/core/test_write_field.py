"""A second field (BPM) through the one write path: decided by the plan from the analysis'
tempo estimate, written through the real write session on every format, undone and redone,
read back from the files; the audio payload byte-identical throughout."""

from __future__ import annotations

import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from genre_desktop.config import Settings
from genre_desktop.core import audio, scan, tags
from genre_desktop.core.library import Library
from genre_desktop.core.plan import BPM, GENRE, Plan, Row
from genre_desktop.core.records import Analysis, BatchKind, ChangeState
from genre_desktop.core.session import WriteSession, redo_requests
from tests import audiofactory

VARIANTS = list(audiofactory.VARIANTS)


def _analysis(bpm: float | None, genre: str = "rock", confidence: float = 0.99) -> Analysis:
    probs = {g: (confidence if g == genre else (1 - confidence) / 10) for g in ("rock", "jazz")}
    a = Analysis("test", genre, confidence, probs)
    a.bpm = bpm
    return a


def _raw_bpm(path) -> object:
    """The BPM as the tag family stores it: ID3 TBPM, Vorbis BPM, MP4 tmpo."""
    fmt = tags.read(path).format
    if fmt in ("mp3", "wav", "aiff"):
        id3 = ID3(path) if fmt == "mp3" else tags.BY_FORMAT[fmt](path).tags
        frame = id3.get("TBPM")
        return None if frame is None else list(frame.text)
    if fmt == "m4a":
        return MP4(path).tags.get("tmpo")
    import mutagen

    return mutagen.File(path).tags.get("bpm")


@pytest.fixture
def library(tmp_path):
    lib = Library(tmp_path / "data" / "library.sqlite3")
    yield lib
    lib.close()


@pytest.mark.parametrize("variant", VARIANTS)
def test_bpm_is_written_undone_and_redone_through_the_session(library, music_library, variant):
    path = music_library[variant]
    scan.scan(library, [str(path)])
    [track] = library.tracks_at([str(path)])
    assert tags.read(path).extra.get("bpm", 0) == 0
    before_audio = audio.payload_digest(path)
    genres_before = tags.read(path).genres

    # the plan decides BPM from the estimate, rounded; the genre is kept (the file has one)
    plan = Plan(Settings(bpm="keep"))
    plan.reset([Row(track, _analysis(127.6))])
    [req] = plan.writes()
    assert (req.field, req.old, req.new, req.track_id) == (BPM, 0, 128, track.id)

    with WriteSession(library, BatchKind.APP) as s:
        [res] = [s.request(req)]
        batch = s.finish()
    assert res.state == ChangeState.WRITTEN and res.field == BPM and res.track_id == track.id
    after = tags.read(path)
    assert after.extra["bpm"] == 128 and after.genres == genres_before
    assert _raw_bpm(path) in (["128"], [128])  # a whole number, each family's own way
    assert library.track(track.id).extra["bpm"] == 128  # the library's record follows
    [change] = library.changes(batch or 0)
    assert (change.field, change.old, change.new) == (BPM, 0, 128)
    assert audio.payload_digest(path) == before_audio

    # undo: the file has no BPM again
    with WriteSession(library, BatchKind.UNDO) as s:
        target, undone = s.undo()
    assert target is not None and target.id == batch
    [u] = undone
    assert u.state == ChangeState.WRITTEN and u.field == BPM and u.track_id == track.id
    assert tags.read(path).extra.get("bpm", 0) == 0 and _raw_bpm(path) in (None, [])
    assert library.track(track.id).extra["bpm"] == 0
    assert audio.payload_digest(path) == before_audio

    # redo: the request the undo gives back writes the BPM again (not a genre)
    [again] = redo_requests(undone)
    assert (again.field, again.old, again.new, again.track_id) == (BPM, 0, 128, track.id)
    with WriteSession(library, BatchKind.APP) as s:
        [r2] = [s.request(again)]
        s.finish()
    assert r2.state == ChangeState.WRITTEN
    assert tags.read(path).extra["bpm"] == 128 and tags.read(path).genres == genres_before
    assert audio.payload_digest(path) == before_audio


def test_a_bpm_in_the_file_is_kept_unless_overwrite(library, music_library):
    path = music_library["flac"]
    scan.scan(library, [str(path)])
    [t] = library.tracks_at([str(path)])
    t.extra["bpm"] = 90
    a = _analysis(120.2)
    keep = Plan(Settings(bpm="keep"))
    keep.reset([Row(t, a)])
    assert keep.writes() == [] and keep.bpm_target(keep.rows[t.id]) is None
    over = Plan(Settings(bpm="overwrite"))
    over.reset([Row(t, a)])
    assert [(r.field, r.old, r.new) for r in over.writes()] == [(BPM, 90, 120)]
    off = Plan(Settings())  # the default writes no BPM
    off.reset([Row(t, a)])
    assert off.writes() == []
    none = Plan(Settings(bpm="overwrite"))
    none.reset([Row(t, _analysis(None))])
    assert none.writes() == []


def test_genre_and_bpm_requests_of_one_row_and_the_row_state(library, music_library):
    path = music_library["mp3"]
    tags.write_genres(path, [])
    scan.scan(library, [str(path)])
    [t] = library.tracks_at([str(path)])
    plan = Plan(Settings(bpm="keep"))
    plan.reset([Row(t, _analysis(99.5))])
    reqs = plan.writes()
    assert [(r.field, r.new) for r in reqs] == [(GENRE, ["Rock"]), (BPM, 100)]
    assert [r.field for r in plan.writes(only=[BPM])] == [BPM]
    with WriteSession(library, BatchKind.APP) as s:
        results = [s.request(r) for r in reqs]
        s.finish()
    assert [r.state for r in results] == [ChangeState.WRITTEN] * 2
    read = tags.read(path)
    assert read.genres == ["Rock"] and read.extra["bpm"] == 100
    # the results land on the row as the window applies them: the genre's marks it
    # written, the BPM's only refreshes the track
    row = plan.rows[t.id]
    for r in results:
        plan.written(r.track_id or 0, library.track(t.id), r.field)
    assert row.status == "written" and row.track.extra["bpm"] == 100
    assert plan.bpm_target(row) is None and plan.writes() == []  # the file has it now


def test_a_bpm_write_alone_leaves_the_genre_decision_as_it_was(library, music_library):
    path = music_library["ogg"]  # has a genre: kept under the default policy
    scan.scan(library, [str(path)])
    [t] = library.tracks_at([str(path)])
    plan = Plan(Settings(bpm="keep"))
    plan.reset([Row(t, _analysis(140))])
    row = plan.rows[t.id]
    kept = row.status
    assert kept == "keep: has a genre"
    [req] = plan.writes()
    with WriteSession(library, BatchKind.APP) as s:
        res = s.request(req)
    plan.written(res.track_id or 0, library.track(t.id), res.field)
    assert row.status == kept and row.track.extra["bpm"] == 140
