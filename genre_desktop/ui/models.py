"""The track table: a QAbstractTableModel over plain rows, a filter proxy, a confidence bar.

Rows are kept in a Python list in display order; sorting is done here with one key function
(fast for 50,000 rows), and the proxy only filters.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from genre_desktop.config import Settings
from genre_desktop.core import fields
from genre_desktop.core.plan import KEPT, Plan, Row, Status, as_percent, percent
from genre_desktop.core.records import GENRE, Analysis, Track, duration_text

__all__ = ["KEPT", "Row", "Status", "TrackTableModel", "TrackFilter"]

COLUMNS = (
    "Title",
    "Artist",
    "Album",
    "#",
    "Year",
    "Length",
    "Genre in file",
    "Predicted",
    "Confidence",
    "Album genre",
    "Status",
    "Folder",
    "File",
    # then one column for each field core.fields declares with a title (BPM, ...)
    *(f.title for f in fields.COLUMN_FIELDS),
)
(
    COL_TITLE,
    COL_ARTIST,
    COL_ALBUM,
    COL_NUMBER,
    COL_YEAR,
    COL_LENGTH,
    COL_GENRE,
    COL_PREDICTED,
    COL_CONFIDENCE,
    COL_ALBUM_GENRE,
    COL_STATUS,
    COL_FOLDER,
    COL_FILE,
) = range(len(COLUMNS) - len(fields.COLUMN_FIELDS))
# the columns of core.fields: column -> its field
FIELD_COLUMNS: dict[int, fields.Field] = {
    COL_FILE + 1 + i: f for i, f in enumerate(fields.COLUMN_FIELDS)
}
# shown until the person picks columns (header context menu)
DEFAULT_HIDDEN = (COL_FILE, COL_YEAR, *(c for c, f in FIELD_COLUMNS.items() if not f.shown))
# in a window too narrow for every column, these give way first (the title never does)
YIELD_ORDER = (
    *FIELD_COLUMNS,
    COL_FOLDER,
    COL_LENGTH,
    COL_NUMBER,
    COL_ALBUM_GENRE,
    COL_GENRE,
    COL_ALBUM,
)
# columns kept out of sight while no row has anything to show in them (untagged files); a
# file's own value brings its column up, an estimate alone does not (the BPM heard in every
# analysed track would take the title's room in a small window): shown from the header's
# menu, the column holds the estimates too
_HAS_CONTENT = {
    COL_ARTIST: lambda r: bool(r.track.artist),
    COL_ALBUM: lambda r: bool(r.track.album),
    COL_NUMBER: lambda r: bool(r.track.track_number),
    COL_YEAR: lambda r: bool(r.track.year),
    COL_GENRE: lambda r: bool(r.track.genre),
    COL_ALBUM_GENRE: lambda r: bool(r.verdict is not None and r.verdict.album is not None),
    **{c: (lambda r, n=f.name: bool(fields.value(r.track, n))) for c, f in FIELD_COLUMNS.items()},
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


WAITING, ANALYSING, WILL_CHANGE, WRITTEN, ERROR = (
    Status.WAITING,
    Status.ANALYSING,
    Status.WILL_CHANGE,
    Status.WRITTEN,
    Status.ERROR,
)


def _field_text(v: Any) -> str:
    """A field's value in a cell: lists joined, 0 and False empty."""
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return "" if v in (0, False, None) else str(v)


def _estimate(row: Row, name: str) -> float | None:
    """What the analysis heard for a field the file leaves empty (the tempo), else None."""
    if name == "bpm" and row.analysis is not None and row.analysis.bpm:
        return float(row.analysis.bpm)
    return None


def _field_cell(row: Row, col: int) -> tuple[Any, bool]:
    """(the value a field column shows, whether it is the analysis' estimate): the file's
    value, or, when the file has none, the estimate (BPM heard in the audio)."""
    name = FIELD_COLUMNS[col].name
    v = fields.value(row.track, name)
    if v in (0, "", None, []):
        est = _estimate(row, name)
        if est is not None:
            return est, True
    return v, False


def _short_folder(path: str) -> str:
    """The file's folder, the home folder written as ~."""
    folder = os.path.dirname(path)
    home = os.path.expanduser("~")
    if home and home != "~" and (folder == home or folder.startswith(home + os.sep)):
        return "~" + folder[len(home) :]
    return folder


class TrackTableModel(QAbstractTableModel):
    """A Qt adapter over `core.plan.Plan`: the plan decides, this shows its rows in the
    table's order and says which cells changed."""

    def __init__(self, parent=None, plan: Plan | None = None) -> None:
        super().__init__(parent)
        self.plan = (
            plan or Plan()
        )  # its defaults are config.Settings'; set_policy applies the person's
        self.rows: list[Row] = []  # the plan's rows, in display order
        self._index: dict[int, int] = {}  # track id -> row number

    @property
    def min_confidence(self) -> float:
        return self.plan.min_confidence

    # -- Qt interface ----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        t = row.track
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TITLE:  # a file that failed: its name (its tags may be a song's)
                return os.path.basename(t.path) if row.error else t.display_title
            if col == COL_ARTIST:
                return t.artist
            if col == COL_ALBUM:
                return t.album
            if col == COL_NUMBER:
                if not t.track_number:
                    return ""
                return (
                    f"{t.disc_number}-{t.track_number}"
                    if t.disc_number > 1
                    else str(t.track_number)
                )
            if col == COL_YEAR:
                return t.year
            if col == COL_LENGTH:
                return duration_text(t.duration) if t.duration else ""
            if col == COL_GENRE:
                return t.genre
            if col == COL_PREDICTED:
                # the person's choice is marked by a pencil, so it fits the column
                return "✎ " + "; ".join(row.override) if row.override is not None else row.predicted
            if col == COL_CONFIDENCE:
                return percent(row.confidence) if row.confidence is not None else ""
            if col == COL_ALBUM_GENRE:
                return row.album_text
            if col == COL_STATUS:
                return str(row.status)
            if col == COL_FOLDER:
                return _short_folder(t.path)
            if col == COL_FILE:
                return os.path.basename(t.path)
            if col in FIELD_COLUMNS:
                v, estimated = _field_cell(row, col)
                return f"≈{round(v)}" if estimated else _field_text(v)
            return None
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.error:
                return f"{t.path}\n{row.error}"
            if col == COL_PREDICTED and row.override is not None:
                return f"Your choice: {'; '.join(row.override)} (predicted: {row.predicted or '—'})"
            if col == COL_STATUS:
                return row.plan()
            if col in FIELD_COLUMNS and _field_cell(row, col)[1]:
                return f"Estimated from the audio: {_field_cell(row, col)[0]:.0f} (not in the file)"
            return t.path
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS and row.status == ERROR:
            return QColor(200, 40, 40)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and col in FIELD_COLUMNS
            and _field_cell(row, col)[1]
        ):  # an estimate, not the file's value: muted
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.TextAlignmentRole and (
            col in (COL_LENGTH, COL_CONFIDENCE, COL_NUMBER)
            or (col in FIELD_COLUMNS and FIELD_COLUMNS[col].kind == fields.Kind.NUMBER)
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _sort_key(row: Row, col: int) -> Any:
        t = row.track
        if col == COL_LENGTH:
            return t.duration
        if col == COL_NUMBER:
            return (t.album.casefold(), t.disc_number, t.track_number, t.path)
        if col == COL_YEAR:
            return t.year
        if col == COL_CONFIDENCE:
            return row.confidence if row.confidence is not None else -1.0
        if col == COL_TITLE:
            return t.display_title.casefold()
        if col == COL_ARTIST:
            return t.artist.casefold()
        if col == COL_ALBUM:  # an album's tracks together, in disc and track order
            return (t.album.casefold(), t.disc_number, t.track_number, t.path)
        if col == COL_ALBUM_GENRE:
            v = row.verdict
            return (v.album.genre, -v.album.confidence, v.album.key) if v and v.album else ("~",)
        if col == COL_GENRE:
            return t.genre.casefold()
        if col == COL_PREDICTED:
            return row.predicted
        if col == COL_FOLDER:
            return os.path.dirname(t.path).casefold()
        if col == COL_FILE:
            return os.path.basename(t.path).casefold()
        if col in FIELD_COLUMNS:  # numbers by value (an estimate among them), then text
            v, _ = _field_cell(row, col)
            return (0, v) if isinstance(v, int | float) else (1, _field_text(v).casefold())
        return str(row.status)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        ids = [self.rows[i.row()].track.id for i in old]
        self.rows.sort(
            key=lambda r: self._sort_key(r, column), reverse=order == Qt.SortOrder.DescendingOrder
        )
        self._reindex()
        self.changePersistentIndexList(
            old, [self.index(self._index[tid], i.column()) for tid, i in zip(ids, old, strict=True)]
        )
        self.layoutChanged.emit()

    def empty_columns(self) -> set[int]:
        """The columns no row has anything to show in (stops at the first row that has)."""
        return {c for c, has in _HAS_CONTENT.items() if not any(has(r) for r in self.rows)}

    # -- updates -----------------------------------------------------------------------------
    def _reindex(self) -> None:
        self._index = {r.track.id: i for i, r in enumerate(self.rows)}

    def _notify(self, ids: set[int]) -> None:
        """dataChanged over the span of these rows (cells change, rows do not move)."""
        found = [self._index[i] for i in ids if i in self._index]
        if found:
            self.dataChanged.emit(
                self.index(min(found), 0), self.index(max(found), len(COLUMNS) - 1)
            )

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._reindex()
        self.plan.reset(rows)
        self.endResetModel()

    def settle_albums(self, notify: bool = True) -> None:
        """Pool the albums whose tracks changed since the last call."""
        changed = self.plan.settle()
        if notify:
            self._notify(changed)

    def upsert_tracks(self, tracks: list[Track]) -> None:
        """Add new tracks at the end, refresh known ones."""
        new, changed = self.plan.add(tracks)
        if new:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
            self.rows.extend(new)
            self._reindex()
            self.endInsertRows()
        self._notify(changed)

    def remove_ids(self, ids: set[int]) -> None:
        """Remove rows with begin/endRemoveRows, one run of neighbours at a time (from the
        end), so the selection and the proxy's persistent indexes of other rows survive."""
        doomed = sorted((self._index[i] for i in ids if i in self._index), reverse=True)
        while doomed:
            last = first = doomed.pop(0)
            while doomed and doomed[0] == first - 1:
                first = doomed.pop(0)
            self.beginRemoveRows(QModelIndex(), first, last)
            del self.rows[first : last + 1]
            self.endRemoveRows()
        self._reindex()
        self._notify(self.plan.remove(ids))

    def settle_unanalysed(self) -> None:
        """After an analysis run: rows shown as 'analysing' that got no result go back to
        'waiting'. Cells change, rows do not move: dataChanged, never a bare layoutChanged
        (that leaves the proxy's persistent indexes dangling and crashes Qt)."""
        for tid in self.plan.settle_unanalysed():
            self._changed(self._index[tid])

    def album_ids(self, track_id: int) -> list[int]:
        """The tracks pooled with this one as an album (the album whose genre the Album
        genre column shows); [] when it is in no pooled album."""
        return self.plan.album_ids(track_id)

    def index_of(self, track_id: int) -> int | None:
        """The row number of a track, None when it is not listed."""
        return self._index.get(track_id)

    def row_of(self, track_id: int) -> Row | None:
        i = self._index.get(track_id)
        return None if i is None else self.rows[i]

    def set_status(self, track_id: int, status: Status, error: str | None = None) -> None:
        self._notify(self.plan.set_status(track_id, status, error))

    def set_analysis(self, track_id: int, analysis: Analysis | None, error: str | None) -> None:
        self._notify(self.plan.set_analysis(track_id, analysis, error))

    def set_override(self, track_id: int, genres: list[str] | None) -> None:
        self._notify(self.plan.choose(track_id, genres))

    def mark_written(self, track_id: int, track: Track | None, field: str = GENRE) -> None:
        self._notify(self.plan.written(track_id, track, field))

    def mark_restored(self, track_id: int, track: Track | None, field: str = GENRE) -> None:
        self._notify(self.plan.restored(track_id, track, field))

    def waiting_for_decision(self) -> int:
        return self.plan.waiting_for_decision()

    def set_policy(self, settings: Settings, judge=False) -> None:
        """New settings (or a new judge): every row decided again."""
        self._notify(self.plan.configure(settings, judge))

    def _changed(self, i: int) -> None:
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def genres(self) -> list[str]:
        """Every predicted or file genre present, for the genre filter."""
        return self.plan.genres()


class TrackFilter(QSortFilterProxyModel):
    """Text filter over title/artist/album/file name, and a genre filter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._text = ""
        self._genre = ""
        self._status: tuple[Status, ...] = ()

    def _refilter(self, change) -> None:
        # begin/endFilterChange: the current API (invalidateFilter is deprecated in Qt 6.10)
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.casefold().strip()))

    def set_genre(self, genre: str) -> None:
        self._refilter(lambda: setattr(self, "_genre", genre))

    def set_status(self, statuses: tuple[Status, ...]) -> None:
        """Only rows in one of these states (() = every row)."""
        self._refilter(lambda: setattr(self, "_status", tuple(statuses)))

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        assert isinstance(model, TrackTableModel)
        row = model.rows[source_row]
        t = row.track
        if self._genre and self._genre != row.predicted and self._genre not in t.genres:
            return False
        if self._status and row.status not in self._status:
            return False
        if self._text:
            hay = f"{t.title}\n{t.artist}\n{t.album}\n{t.path}".casefold()
            return self._text in hay
        return True


class ElideLeftDelegate(QStyledItemDelegate):
    """Folders are cut on the left: the end ('…/Artist/Album') is what tells them apart."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


class ConfidenceDelegate(QStyledItemDelegate):
    """The confidence drawn as a bar behind its percentage."""

    def paint(
        self, painter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        row: Row | None = index.data(ROW_ROLE)
        if row is None or row.confidence is None:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect = option.rect.adjusted(3, 4, -3, -4)
        bar = QRect(rect.left(), rect.top(), int(rect.width() * row.confidence), rect.height())
        color = option.palette.color(QPalette.ColorRole.Highlight)
        # the one rounding rule: bright from the percent the threshold compares
        sure = as_percent(row.confidence) >= as_percent(self.min_confidence())
        color.setAlpha(90 if sure else 40)
        painter.save()
        painter.fillRect(bar, color)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            rect.adjusted(0, 0, -2, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            percent(row.confidence),
        )
        painter.restore()

    def min_confidence(self) -> float:
        model = self.parent()
        return getattr(model, "min_confidence", Settings.min_confidence)
