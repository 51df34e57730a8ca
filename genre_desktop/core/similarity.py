"""Similar songs: every cached embedding of the current model in one unit-normalised
matrix, answering top-k cosine queries with a matrix-vector product."""

from __future__ import annotations

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
    """Built from the library; `refresh()` picks up added or removed tracks."""

    def __init__(self, library: Library, model_version: str) -> None:
        self.library = library
        self.model_version = model_version
        self.ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self._row: dict[int, int] = {}
        self.refresh()

    def refresh(self) -> None:
        ids, mat = self.library.embeddings(self.model_version)
        self.set(ids, mat)

    def set(self, ids: np.ndarray, mat: np.ndarray) -> None:
        if len(ids):
            mat = mat - mat.mean(axis=0, keepdims=True) if len(ids) >= CENTRE_FROM else mat.copy()
            mat /= np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9
        self.ids, self.matrix = ids, mat.astype(np.float32, copy=False)
        self._row = {int(t): i for i, t in enumerate(ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def vector(self, track_id: int) -> np.ndarray | None:
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
