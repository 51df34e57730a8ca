"""Similar songs: every cached embedding of the current model in one unit-normalised
matrix, answering top-k cosine queries with a matrix-vector product."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from genre_desktop.core.library import Library

DUPLICATE_COSINE = 0.9999  # same audio in two files: embeddings identical to float16 precision
# From this many tracks on, embeddings are centred on the library's own mean before cosine
# (what the model card measures; +0.01 precision at 5 there). Few tracks give a noisy mean.
CENTRE_FROM = 50


@dataclass(frozen=True)
class Neighbour:
    track_id: int
    score: float


class SimilarityIndex:
    """Built from the library (`refresh()` reads every embedding again), or kept up to date
    one analysis at a time without the database (`put`, `remove`: a window that already
    holds the analyses)."""

    def __init__(self, library: Library | None, model_version: str, *, load: bool = True) -> None:
        self.library = library
        self.model_version = model_version
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self._row: dict[int, int] = {}
        # the embeddings as stored (float16 precision), by track id; normalised on demand
        self._raw_ids = np.zeros(0, dtype=np.int64)
        self._raw = np.zeros((0, 0), dtype=np.float32)
        self._stale = False
        if library is not None and load:
            self.refresh()

    def refresh(self) -> None:
        assert self.library is not None
        ids, mat = self.library.embeddings(self.model_version)
        self.set(ids, mat)

    def set(self, ids: np.ndarray, mat: np.ndarray) -> None:
        self._raw_ids, self._raw = ids, np.asarray(mat, dtype=np.float32)
        self._normalise()

    def put(self, items: Iterable[tuple[int, np.ndarray | None]]) -> None:
        """Add or replace the embeddings of these tracks (None: nothing to add), as the
        library would store them (float16); the next query sees them."""
        got = [
            (int(t), np.asarray(v, dtype=np.float16).astype(np.float32))
            for t, v in items
            if v is not None
        ]
        if not got:
            return
        new_ids = np.array([t for t, _ in got], dtype=np.int64)
        vecs = np.stack([v for _, v in got])
        keep = ~np.isin(self._raw_ids, new_ids)
        old = self._raw[keep] if len(self._raw_ids) else np.zeros((0, vecs.shape[1]), np.float32)
        ids = np.concatenate([self._raw_ids[keep], new_ids])
        order = np.argsort(ids, kind="stable")  # by track id, as the library reads them
        self._raw_ids, self._raw = ids[order], np.vstack([old, vecs])[order]
        self._stale = True

    def remove(self, ids: Iterable[int]) -> None:
        gone = np.fromiter((int(t) for t in ids), dtype=np.int64)
        keep = ~np.isin(self._raw_ids, gone)
        if not keep.all():
            self._raw_ids, self._raw = self._raw_ids[keep], self._raw[keep]
            self._stale = True

    def _normalise(self) -> None:
        ids, mat = self._raw_ids, self._raw
        if len(ids):
            mat = mat - mat.mean(axis=0, keepdims=True) if len(ids) >= CENTRE_FROM else mat.copy()
            mat /= np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9
        self.ids, self.matrix = ids, mat.astype(np.float32, copy=False)
        self._row = {int(t): i for i, t in enumerate(ids)}
        self._stale = False

    def __len__(self) -> int:
        return len(self._raw_ids)

    def vector(self, track_id: int) -> np.ndarray | None:
        if self._stale:
            self._normalise()
        row = self._row.get(track_id)
        return None if row is None else self.matrix[row]

    def query(
        self,
        track_id: int,
        k: int = 10,
        *,
        same_genre: bool = False,
        exclude_same_album: bool = False,
        exclude_same_artist: bool = False,
    ) -> list[Neighbour]:
        """The k most similar tracks: never the track itself or a copy of the same audio."""
        q = self.vector(track_id)
        if q is None:
            return []
        scores = self.matrix @ q
        scores[self._row[track_id]] = -np.inf
        scores[scores >= DUPLICATE_COSINE] = -np.inf
        mask = self._filter_mask(track_id, same_genre, exclude_same_album, exclude_same_artist)
        if mask is not None:
            scores[~mask] = -np.inf
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [Neighbour(int(self.ids[i]), float(scores[i])) for i in top]

    def _filter_mask(
        self, track_id: int, same_genre: bool, same_album: bool, same_artist: bool
    ) -> np.ndarray | None:
        if not (same_genre or same_album or same_artist):
            return None
        assert self.library is not None, "filters read the library"
        info = self.library.genre_info(self.model_version)
        me = info.get(track_id, ("", "", ""))
        keep = np.ones(len(self.ids), dtype=bool)
        for i, t in enumerate(self.ids):
            artist, album, genre = info.get(int(t), ("", "", ""))
            if same_genre and genre != me[2]:
                keep[i] = False
            if same_album and album and album == me[1] and artist == me[0]:
                keep[i] = False
            if same_artist and artist and artist == me[0]:
                keep[i] = False
        return keep
