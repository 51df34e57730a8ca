"""The track table: a QAbstractTableModel over plain rows, a filter proxy, a confidence bar.

Rows are kept in a Python list in display order; sorting is done here with one key function
(fast for 50,000 rows), and the proxy only filters.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
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
from genre_desktop.core import albums, policy
from genre_desktop.core.labels import display_name
from genre_desktop.core.records import Analysis, Track, duration_text

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
) = range(len(COLUMNS))
# shown until the person picks columns (header context menu)
DEFAULT_HIDDEN = (COL_FILE, COL_YEAR)
# in a window too narrow for every column, these give way first (the title never does)
YIELD_ORDER = (COL_FOLDER, COL_LENGTH, COL_NUMBER, COL_ALBUM_GENRE, COL_GENRE, COL_ALBUM)
# columns kept out of sight while no row has anything to show in them (untagged files)
_HAS_CONTENT = {
    COL_ARTIST: lambda r: bool(r.track.artist),
    COL_ALBUM: lambda r: bool(r.track.album),
    COL_NUMBER: lambda r: bool(r.track.track_number),
    COL_YEAR: lambda r: bool(r.track.year),
    COL_GENRE: lambda r: bool(r.track.genre),
    COL_ALBUM_GENRE: lambda r: bool(r.verdict is not None and r.verdict.album is not None),
}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


class Status(StrEnum):
    """What the table says of a row: what has happened, or what Apply will do."""

    WAITING = "waiting"
    ANALYSING = "analysing…"
    WILL_CHANGE = "will change"
    KEEP_HAS_GENRE = "keep: has a genre"
    KEEP_SAME = "keep: already this genre"
    KEEP_UNSURE = "keep: not sure enough"
    WRITTEN = "written"
    ERROR = "error"


WAITING, ANALYSING, WILL_CHANGE, WRITTEN, ERROR = (
    Status.WAITING,
    Status.ANALYSING,
    Status.WILL_CHANGE,
    Status.WRITTEN,
    Status.ERROR,
)
KEPT = (Status.KEEP_HAS_GENRE, Status.KEEP_SAME, Status.KEEP_UNSURE)
_KEEP_STATUS = {
    policy.HAS_GENRE: Status.KEEP_HAS_GENRE,
    policy.SAME: Status.KEEP_SAME,
    policy.LOW_CONFIDENCE: Status.KEEP_UNSURE,
}


@dataclass
class Row:
    track: Track
    analysis: Analysis | None = None
    status: Status = Status.WAITING
    error: str | None = None
    override: list[str] | None = None  # the person's choice, beats the prediction
    decision: policy.Decision | None = None
    verdict: albums.Verdict | None = None  # the album's pooled genre, if in an album

    @property
    def album_text(self) -> str:
        """'Rock 88%' (the album decides this track) or 'Rock 88% (not this)'."""
        v = self.verdict
        if v is None or v.album is None:
            return ""
        text = f"{display_name(v.album.genre)} {policy.percent(v.album.confidence)}"
        return text if v.follows else text + " (not this)"

    @property
    def predicted(self) -> str:
        return display_name(self.analysis.genre) if self.analysis else ""

    @property
    def pending_choice(self) -> bool:
        """The person chose a genre that is not in the file yet."""
        return self.override is not None and bool(self.target)

    def plan(self) -> str:
        """What Apply will do with this track, in a sentence (the details panel)."""
        if self.status == Status.ERROR:
            return "Nothing: the file could not be read."
        if self.override is not None:
            return (
                f"Write {'; '.join(self.override)} (your choice)."
                if self.target
                else "Nothing: the file already has your choice."
            )
        if self.analysis is None:
            return "Nothing yet: not analysed."
        if self.status == Status.WRITTEN and not self.target:
            return "Nothing: written."
        if self.target:
            return f"Write {'; '.join(self.target)}."
        reason = self.decision.reason if self.decision else ""
        return f"Keep the file as it is ({reason})." if reason else "Keep the file as it is."

    @property
    def target(self) -> list[str]:
        """What Apply would write ([] = nothing)."""
        if self.override is not None:
            return self.override if self.override != self.track.genres else []
        if self.decision is not None and self.decision.kind == policy.WRITE:
            return self.decision.new
        return []


def _short_folder(path: str) -> str:
    """The file's folder, the home folder written as ~."""
    folder = os.path.dirname(path)
    home = os.path.expanduser("~")
    if home and home != "~" and (folder == home or folder.startswith(home + os.sep)):
        return "~" + folder[len(home) :]
    return folder


class TrackTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self._index: dict[int, int] = {}  # track id -> row number
        defaults = Settings()  # the defaults live in one place; set_policy applies the person's
        self.policy = defaults.policy
        self.min_confidence = defaults.min_confidence
        self.per = albums.Per(defaults.per)
        self.pooling = defaults.album_pooling
        self._album_of: dict[int, str] = {}  # track id -> album key (pooled albums only)
        self._members: dict[str, list[int]] = {}
        self._dirty_albums: set[str] = set()

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
            if col == COL_TITLE:
                return t.display_title
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
                return policy.percent(row.analysis.confidence) if row.analysis else ""
            if col == COL_ALBUM_GENRE:
                return row.album_text
            if col == COL_STATUS:
                return str(row.status)
            if col == COL_FOLDER:
                return _short_folder(t.path)
            if col == COL_FILE:
                return os.path.basename(t.path)
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
            return t.path
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS and row.status == ERROR:
            return QColor(200, 40, 40)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (
            COL_LENGTH,
            COL_CONFIDENCE,
            COL_NUMBER,
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
            return row.analysis.confidence if row.analysis else -1.0
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

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self._reindex()
        self._regroup(notify=False)
        for r in rows:
            self._decide(r)
        self.endResetModel()

    # -- albums ------------------------------------------------------------------------------
    def _regroup(self, notify: bool = True) -> None:
        """Which tracks form albums (core.albums' rules); after rows came or went."""
        groups = albums.group([r.track for r in self.rows])
        self._members = {k: [t.id for t in m] for k, m in groups.items()}
        self._album_of = {tid: k for k, ids in self._members.items() for tid in ids}
        for r in self.rows:
            if r.track.id not in self._album_of:
                r.verdict = None
        self._dirty_albums = set(self._members)
        self.settle_albums(notify)

    def settle_albums(self, notify: bool = True) -> None:
        """Recompute the genre of the albums whose tracks changed (only those: a result
        batch touches a few albums, not the whole library)."""
        changed: list[int] = []
        for key in self._dirty_albums:
            ids = self._members.get(key, [])
            rows = [self.rows[self._index[i]] for i in ids if i in self._index]
            found = {r.track.id: r.analysis for r in rows if r.analysis is not None}
            verdicts = albums.verdicts([r.track for r in rows], found, self.pooling)
            for r in rows:
                r.verdict = verdicts.get(r.track.id)
                self._decide(r)
                changed.append(self._index[r.track.id])
        self._dirty_albums.clear()
        if notify and changed:
            self.dataChanged.emit(
                self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1)
            )

    def upsert_tracks(self, tracks: list[Track]) -> None:
        """Add new tracks at the end, refresh known ones."""
        new = []
        for t in tracks:
            i = self._index.get(t.id)
            if i is None:
                new.append(Row(t, status=ERROR if t.error else WAITING, error=t.error))
            else:
                row = self.rows[i]
                row.track = t
                if t.error:
                    row.status, row.error = ERROR, t.error
                self._decide(row)
                self._changed(i)
        if new:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
            self.rows.extend(new)
            self._reindex()
            self.endInsertRows()
        if tracks:
            self._regroup()

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
        self._regroup()

    def settle_unanalysed(self) -> None:
        """After an analysis run: rows shown as 'analysing' that got no result go back to
        'waiting'. Cells change, rows do not move: dataChanged, never a bare layoutChanged
        (that leaves the proxy's persistent indexes dangling and crashes Qt)."""
        for i, r in enumerate(self.rows):
            if r.status == ANALYSING and r.analysis is None and not r.error:
                r.status = WAITING
                self._changed(i)

    def album_ids(self, track_id: int) -> list[int]:
        """The tracks pooled with this one as an album (core.albums' grouping, the album whose
        genre the Album genre column shows); [] when it is in no pooled album."""
        key = self._album_of.get(track_id)
        return [i for i in self._members.get(key, []) if i in self._index] if key else []

    def index_of(self, track_id: int) -> int | None:
        """The row number of a track, None when it is not listed."""
        return self._index.get(track_id)

    def row_of(self, track_id: int) -> Row | None:
        i = self._index.get(track_id)
        return None if i is None else self.rows[i]

    def set_status(self, track_id: int, status: str, error: str | None = None) -> None:
        i = self._index.get(track_id)
        if i is not None:
            self.rows[i].status, self.rows[i].error = status, error
            self._changed(i)

    def set_analysis(self, track_id: int, analysis: Analysis | None, error: str | None) -> None:
        i = self._index.get(track_id)
        if i is None:
            return
        row = self.rows[i]
        row.analysis, row.error = analysis, error
        key = self._album_of.get(track_id)
        if key is not None:
            self._dirty_albums.add(key)  # settled by settle_albums() after the batch
        self._decide(row)
        self._changed(i)

    def set_override(self, track_id: int, genres: list[str] | None) -> None:
        i = self._index.get(track_id)
        if i is not None:
            self.rows[i].override = genres
            self._decide(self.rows[i])
            self._changed(i)

    def waiting_for_decision(self) -> int:
        """Analysed tracks kept only because the model is not sure enough, with no choice
        made by the person: what waits for them."""
        return sum(1 for r in self.rows if r.status == Status.KEEP_UNSURE and r.override is None)

    def set_policy(
        self, policy_name: str, min_confidence: float, per: str = "album", pooling: str = "mean"
    ) -> None:
        self.policy, self.min_confidence = policy_name, min_confidence
        self.per, self.pooling = albums.Per(per), pooling
        self._dirty_albums = set(self._members)
        self.settle_albums(notify=False)
        for r in self.rows:
            self._decide(r)
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1)
            )

    def _decide(self, row: Row) -> None:
        if row.error and row.analysis is None:
            row.status = ERROR
            return
        if row.analysis is None:
            return
        verdict = row.verdict if self.per == albums.Per.ALBUM else None
        row.decision = policy.decide(
            row.track, row.analysis, self.policy, self.min_confidence, verdict=verdict
        )
        if row.status == Status.WRITTEN and not row.target:
            return
        if row.target:
            row.status = Status.WILL_CHANGE
        elif row.override is not None:
            row.status = Status.KEEP_SAME
        else:
            row.status = _KEEP_STATUS.get(row.decision.kind, Status.KEEP_SAME)

    def _changed(self, i: int) -> None:
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def genres(self) -> list[str]:
        """Every predicted or file genre present, for the genre filter."""
        names = {r.predicted for r in self.rows if r.predicted} | {
            g for r in self.rows for g in r.track.genres
        }
        return sorted(names, key=str.casefold)


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
        if row is None or row.analysis is None:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect = option.rect.adjusted(3, 4, -3, -4)
        bar = QRect(
            rect.left(), rect.top(), int(rect.width() * row.analysis.confidence), rect.height()
        )
        color = option.palette.color(QPalette.ColorRole.Highlight)
        # the one rounding rule: bright from the percent the threshold compares
        sure = policy.as_percent(row.analysis.confidence) >= policy.as_percent(
            self.min_confidence()
        )
        color.setAlpha(90 if sure else 40)
        painter.save()
        painter.fillRect(bar, color)
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        painter.drawText(
            rect.adjusted(0, 0, -2, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            policy.percent(row.analysis.confidence),
        )
        painter.restore()

    def min_confidence(self) -> float:
        model = self.parent()
        return getattr(model, "min_confidence", Settings.min_confidence)
