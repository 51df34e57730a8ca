"""The table of tracks (or, while there is none, the invitation to drop a folder): a QTableView over the filter proxy, set up once (whole rows,
sortable and movable columns, the confidence bar and the folder cut on the left), and the
selection asked and set by track id."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView

from genre_desktop.ui.models import (
    COL_CONFIDENCE,
    COL_FOLDER,
    ConfidenceDelegate,
    ElideLeftDelegate,
    Row,
    TrackFilter,
    TrackTableModel,
)


class TrackView(QTableView):
    def __init__(self, model: TrackTableModel, proxy: TrackFilter) -> None:
        super().__init__()
        self.rows, self.proxy = model, proxy
        self.setModel(proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        # the text columns (title, artist, album, folder) share the free width, the data
        # columns keep the width of their content: every column fits at the default size and
        # nothing becomes a wide empty strip when maximised
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # rows start in path order
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(model.sort)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegateForColumn(COL_CONFIDENCE, ConfidenceDelegate(model))
        self._folder_delegate = ElideLeftDelegate(self)
        self.setItemDelegateForColumn(COL_FOLDER, self._folder_delegate)

    def track_at(self, proxy_index: QModelIndex) -> int | None:
        if not proxy_index.isValid():
            return None
        return self.rows.rows[self.proxy.mapToSource(proxy_index).row()].track.id

    def selected_rows(self) -> list[Row]:
        return [
            self.rows.rows[self.proxy.mapToSource(idx).row()]
            for idx in self.selectionModel().selectedRows()
        ]

    def shows(self, track_id: int) -> bool:
        """Whether the filters let this track's row show."""
        i = self.rows.index_of(track_id)
        return i is not None and self.proxy.mapFromSource(self.rows.index(i, 0)).isValid()

    def select_tracks(self, ids: list[int]) -> None:
        selection = QItemSelection()
        for tid in ids:
            i = self.rows.index_of(tid)
            if i is None:
                continue
            idx = self.proxy.mapFromSource(self.rows.index(i, 0))
            if idx.isValid():
                selection.select(idx, idx)
        self.selectionModel().select(
            selection,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if not selection.isEmpty():
            self.scrollTo(selection.indexes()[0])


class EmptyState(QLabel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setText(
            "<p style='font-size:18pt'>Drop a music folder here</p>"
            "<p>or choose <b>Add Folder…</b> (Ctrl+O). Genre Desktop lists your tracks, listens to each one "
            "and suggests its genre. Nothing is written to your files until you press <b>Apply</b>.</p>"
        )
        self.setMargin(40)
