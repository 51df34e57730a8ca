"""The SQLite cache: migrations, WAL, tracks, analyses, journal, and kills mid-transaction."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import numpy as np
import pytest

from genre_desktop.core.library import MIGRATIONS, Analysis, Library, Track
from genre_desktop.errors import LibraryError


def track(path: str, size: int = 10, mtime: int = 1) -> Track:
    return Track(
        0,
        path,
        size,
        mtime,
        format="flac",
        duration=3.0,
        title="T",
        artist="A",
        album="B",
        genres=["Rock"],
    )


def analysis(version: str = "v1") -> Analysis:
    return Analysis(
        version,
        "rock",
        0.8,
        {"rock": 0.8, "pop": 0.2},
        [("guitar", 0.5)],
        np.arange(8, dtype=np.float32),
        3,
    )


def test_new_database_is_migrated_and_in_wal_mode(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    assert lib.schema_version == len(MIGRATIONS)
    assert lib.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    lib.close()
    # reopening applies nothing twice
    assert Library(tmp_path / "lib.sqlite3").schema_version == len(MIGRATIONS)


def test_a_database_from_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="newer"):
        Library(path)


def test_not_a_database(tmp_path):
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    with pytest.raises(LibraryError):
        Library(path)


def test_tracks_and_analyses_round_trip_and_a_changed_file_loses_its_analysis(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    [tid] = lib.add_tracks([track("/m/a.flac")])
    lib.save_analyses([(tid, analysis())])
    got = lib.analysis(tid, "v1")
    assert got is not None and got.genre == "rock" and got.tags == [("guitar", 0.5)]
    np.testing.assert_array_equal(got.embedding, np.arange(8, dtype=np.float32))
    assert lib.needs_analysis("v1") == [] and len(lib.needs_analysis("v2")) == 1
    lib.add_tracks([track("/m/a.flac", size=11)])
    assert lib.analysis(tid, "v1") is None
    ids, mat = lib.embeddings("v1")
    assert len(ids) == 0


def test_journal_records_batches_and_changes(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    lib.add_tracks([track("/m/a.flac")])
    b = lib.begin_batch("retag", "x")
    c = lib.plan_change(b, "/m/a.flac", ["Rock"], ["Jazz"])
    assert lib.open_changes("/m/a.flac")[0].id == c
    lib.finish_change(c, "written", stat_after=(5, 6), values_after=["Jazz"])
    [batch] = lib.batches()
    assert batch.counts["written"] == 1
    [change] = lib.changes(b)
    assert (change.old, change.new, change.size_after) == (["Rock"], ["Jazz"], 5)
    assert lib.track("/m/a.flac").genres == ["Jazz"]


def test_remove_root_forgets_only_its_tracks(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    lib.add_root("/m/one")
    lib.add_root("/m/one_two")
    lib.add_tracks([track("/m/one/a.flac"), track("/m/one_two/b.flac")])
    assert lib.remove_root("/m/one") == 1
    assert [t.path for t in lib.tracks()] == ["/m/one_two/b.flac"]


_FILLER = """
import sys, numpy as np
from genre_desktop.core.library import Library, Track, Analysis
lib = Library(sys.argv[1])
i = 0
while True:
    ts = [Track(0, f"/m/{i}-{j}.flac", 1, 1, title="t") for j in range(50)]
    ids = lib.add_tracks(ts)
    lib.save_analyses([(t, Analysis("v", "rock", .5, {"rock": .5}, [], np.ones(200, np.float32), 1)) for t in ids])
    i += 1
"""


def test_killed_mid_transaction_the_database_stays_consistent(tmp_path):
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    for delay in (0.8, 1.1, 1.5):
        proc = subprocess.Popen([sys.executable, "-c", _FILLER, str(path)], cwd=os.getcwd())
        time.sleep(delay)
        proc.kill()  # portable: SIGKILL on POSIX, TerminateProcess on Windows
        proc.wait()
        lib = Library(path)
        assert lib.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n_tracks = lib.track_count()
        n_analyses = lib.db.execute("SELECT COUNT(*) FROM analyses").fetchone()[0]
        assert n_tracks % 50 == 0  # whole batches only
        assert n_analyses <= n_tracks and n_analyses % 50 == 0
        lib.close()


def test_tracks_at_reads_only_the_given_paths_in_chunks(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    tracks = [Track(0, str(tmp_path / f"t{i:04d}.flac"), 1, i, format="flac") for i in range(1203)]
    lib.add_tracks(tracks)
    wanted = [t.path for t in tracks[::2]] + [str(tmp_path / "unknown.flac")]
    got = lib.tracks_at(reversed(wanted))
    assert [t.path for t in got] == sorted(wanted[:-1])
    assert lib.tracks_at([]) == []


def test_a_version_1_library_is_migrated_and_its_files_are_read_again(tmp_path):
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(MIGRATIONS[0])
    con.execute(
        "INSERT INTO tracks(path, size, mtime_ns, genres, scanned_at) VALUES ('/m/a.flac', 10, 5, '[]', 0)"
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    lib = Library(path)
    assert lib.schema_version == len(MIGRATIONS)
    t = lib.track("/m/a.flac")
    assert t is not None and t.album_artist == "" and t.track_number == 0 and not t.compilation
    assert lib.known_stats()["/m/a.flac"][1] == -1  # the next scan sees it as changed
    lib.close()
