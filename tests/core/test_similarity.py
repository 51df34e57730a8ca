"""Similar songs: top-k cosine over cached embeddings, with duplicates and filters."""

from __future__ import annotations

import numpy as np

from genre_desktop.core.library import Analysis, Library, Track
from genre_desktop.core.similarity import SimilarityIndex


def build(tmp_path, vectors, genres=None, artists=None):
    lib = Library(tmp_path / "lib.sqlite3")
    n = len(vectors)
    ids = lib.add_tracks(
        Track(0, f"/m/{i}.flac", 1, 1, artist=(artists or ["a"] * n)[i], album="x")
        for i in range(n)
    )
    lib.save_analyses(
        (
            tid,
            Analysis(
                "v1",
                (genres or ["rock"] * n)[i],
                0.9,
                {"rock": 0.9},
                [],
                np.asarray(vectors[i], np.float32),
                4,
            ),
        )
        for i, tid in enumerate(ids)
    )
    return lib, ids


def test_nearest_first_and_never_itself(tmp_path):
    vecs = [[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0.5, 0.5, 0]]
    lib, ids = build(tmp_path, vecs)
    index = SimilarityIndex(lib, "v1")
    got = index.query(ids[0], 3)
    assert [n.track_id for n in got] == [ids[1], ids[3], ids[2]]
    assert got[0].score > got[1].score > got[2].score
    assert ids[0] not in [n.track_id for n in got]


def test_exact_duplicates_are_left_out(tmp_path):
    lib, ids = build(tmp_path, [[1, 0], [1, 0], [0.8, 0.6]])
    got = SimilarityIndex(lib, "v1").query(ids[0], 5)
    assert [n.track_id for n in got] == [ids[2]]


def test_filters_same_genre_and_other_artists(tmp_path):
    vecs = [[1, 0], [0.99, 0.1], [0.9, 0.3], [0.7, 0.7]]
    lib, ids = build(
        tmp_path, vecs, genres=["rock", "jazz", "rock", "rock"], artists=["a", "b", "a", "c"]
    )
    index = SimilarityIndex(lib, "v1")
    assert [n.track_id for n in index.query(ids[0], 5, same_genre=True)] == [ids[2], ids[3]]
    assert [n.track_id for n in index.query(ids[0], 5, exclude_same_artist=True)] == [
        ids[1],
        ids[3],
    ]


def test_refresh_sees_added_and_removed_tracks(tmp_path):
    lib, ids = build(tmp_path, [[1, 0], [0, 1]])
    index = SimilarityIndex(lib, "v1")
    [new] = lib.add_tracks([Track(0, "/m/new.flac", 1, 1)])
    lib.save_analyses(
        [(new, Analysis("v1", "rock", 0.5, {}, [], np.array([0.9, 0.1], np.float32), 1))]
    )
    lib.remove_tracks([ids[1]])
    index.refresh()
    assert len(index) == 2 and [n.track_id for n in index.query(ids[0], 5)] == [new]


def test_another_model_version_is_not_mixed_in(tmp_path):
    lib, ids = build(tmp_path, [[1, 0], [0, 1]])
    assert len(SimilarityIndex(lib, "v2")) == 0


def test_a_large_library_is_centred_on_its_own_mean(tmp_path):
    rng = np.random.default_rng(3)
    offset = np.full(8, 5.0, np.float32)  # a direction every track shares says nothing
    vecs = rng.standard_normal((60, 8)).astype(np.float32) + offset
    lib, ids = build(tmp_path, list(vecs))
    index = SimilarityIndex(lib, "v1")
    assert abs(float(index.matrix.mean(axis=0).mean())) < 0.2
    centred = vecs - vecs.mean(0)
    centred /= np.linalg.norm(centred, axis=1, keepdims=True)
    expected = int(np.argsort(-(centred[1:] @ centred[0]))[0]) + 1
    assert index.query(ids[0], 1)[0].track_id == ids[expected]


def test_an_index_kept_up_by_put_and_remove_answers_as_one_read_from_the_library(tmp_path):
    """The window keeps its index up to date from the analyses it receives (no SQLite on
    its thread): the answers are those of an index read from the library afresh, centred
    once the library is big enough, a replaced embedding replaced and a removed track gone."""
    rng = np.random.default_rng(3)
    vecs = rng.normal(size=(80, 6)).astype(np.float32)
    lib, ids = build(tmp_path, list(vecs))
    kept = SimilarityIndex(None, "v1")
    assert len(kept) == 0 and kept.query(ids[0]) == []
    kept.put((tid, vecs[i]) for i, tid in enumerate(ids[:30]))  # below CENTRE_FROM
    kept.put((tid, vecs[30 + i]) for i, tid in enumerate(ids[30:]))
    kept.put([(ids[1], None)])  # no embedding: nothing changes
    fresh = SimilarityIndex(lib, "v1")
    for tid in ids[:10]:
        assert kept.query(tid, 5) == fresh.query(tid, 5)
    kept.remove([ids[2], ids[3]])
    assert len(kept) == 78
    assert all(n.track_id not in (ids[2], ids[3]) for n in kept.query(ids[0], 79))
    kept.put([(ids[0], vecs[7])])  # re-analysed: its new embedding, not a second row
    assert len(kept) == 78
    assert ids[7] not in [n.track_id for n in kept.query(ids[0], 77)]  # same audio: a copy
