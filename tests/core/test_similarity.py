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
