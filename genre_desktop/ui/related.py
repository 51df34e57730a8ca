"""Similar songs for the details panel: a `core.similarity.SimilarityIndex` built from the
analyses the window's rows already hold, then kept up to date as analyses arrive and rows
go (no embedding is read from the library on the window's thread)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from genre_desktop.core.model import Card
from genre_desktop.core.playlist import write_playlist
from genre_desktop.core.records import Track
from genre_desktop.core.similarity import SimilarityIndex
from genre_desktop.ui.models import TrackTableModel


class Related:
    def __init__(self, model: TrackTableModel, card: Card | None) -> None:
        self.model = model
        self.card = card
        self._index: SimilarityIndex | None = None  # built on the first question

    def index(self) -> SimilarityIndex:
        assert self.card is not None
        if self._index is None:
            self._index = SimilarityIndex(None, self.card.version)
            self._index.put(
                (r.track.id, r.analysis.embedding)
                for r in self.model.rows
                if r.analysis is not None and r.analysis.model_version == self.card.version
            )
        return self._index

    def put(self, items: Iterable[tuple[int, np.ndarray | None]]) -> None:
        """New analyses (track id, embedding or None)."""
        if self._index is not None:
            self._index.put(items)

    def remove(self, ids: Iterable[int]) -> None:
        if self._index is not None:
            self._index.remove(ids)

    def min_score(self) -> float:
        """Cosine from which a neighbour counts as related (the model card measures it)."""
        return self.card.related_min_score if self.card else 0.0

    def of(self, track_id: int, k: int = 10) -> list[tuple[int, float]]:
        """Up to k related tracks of the library, best first (only those above the
        measured threshold: four related songs are shown as four, not padded to ten)."""
        floor = self.min_score()
        return [
            (n.track_id, n.score)
            for n in self.index().query(track_id, k)
            if n.score >= floor and self.model.row_of(n.track_id) is not None
        ]

    def export_playlist(
        self, parent: QWidget, origin: Track, ids: list[int], say: Callable[[str, int], None]
    ) -> None:
        """The track on show and its related tracks as an M3U8 playlist, where the person
        chooses (beside the track, by default)."""
        start = os.path.join(os.path.dirname(origin.path), f"Like {origin.display_title}.m3u8")
        path, _ = QFileDialog.getSaveFileName(
            parent, "Export as playlist", start, "M3U8 playlist (*.m3u8)"
        )
        if path:
            others = [r.track for r in (self.model.row_of(i) for i in ids) if r is not None]
            try:
                write_playlist(Path(path), [origin, *others])
            except OSError as exc:
                QMessageBox.warning(parent, "Export as playlist", f"Not saved: {exc}")
                return
            say(f"Playlist saved: {path}", 6000)
