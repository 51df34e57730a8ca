"""The main window: drop folders, see genres, listen, fix, apply, undo."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    QSettings,
    QStandardPaths,
    Qt,
    QThreadPool,
    QTimer,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from genre_desktop import APP_NAME, config
from genre_desktop.core import formats, learn
from genre_desktop.core.library import Library, default_path
from genre_desktop.core.model import Card, load_card
from genre_desktop.core.player import Player, PlayerUnavailable
from genre_desktop.core.playlist import write_playlist
from genre_desktop.core.records import ChangeState, WriteRequest
from genre_desktop.core.similarity import SimilarityIndex
from genre_desktop.errors import GenreDesktopError, ModelError
from genre_desktop.ui import actions, tasks
from genre_desktop.ui.columns import ColumnFitter
from genre_desktop.ui.dialogs import ApplyDialog, LearnDialog, SettingsDialog
from genre_desktop.ui.history import History
from genre_desktop.ui.models import (
    ANALYSING,
    COL_CONFIDENCE,
    COL_FOLDER,
    COL_TITLE,
    COLUMNS,
    ERROR,
    KEPT,
    WAITING,
    ConfidenceDelegate,
    ElideLeftDelegate,
    Row,
    Status,
    TrackFilter,
    TrackTableModel,
)
from genre_desktop.ui.widgets import DetailsPanel

log = logging.getLogger(__name__)


STATUS_FILTERS: tuple[tuple[str, tuple[Status, ...]], ...] = (
    ("All tracks", ()),
    ("Will change", (Status.WILL_CHANGE,)),
    ("Kept as they are", KEPT),
    ("Not sure enough", (Status.KEEP_UNSURE,)),
    ("Written", (Status.WRITTEN,)),
    ("Waiting", (Status.WAITING, Status.ANALYSING)),
    ("Errors", (Status.ERROR,)),
)


def window_settings() -> QSettings:
    """Window state (geometry, splitter, columns, last folder) beside the config file, so a
    portable or test config (GENRE_DESKTOP_CONFIG_DIR) keeps its own."""
    return QSettings(str(config.config_dir() / "window.ini"), QSettings.Format.IniFormat)


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


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: config.Settings | None = None,
        data_dir: Path | None = None,
        model_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or config.Settings()
        self.data_dir = data_dir or config.data_dir()
        self.db_path = default_path(self.data_dir)
        self.model_dir = model_dir
        self.library = Library(self.db_path)
        self.card: Card | None = None
        self.model_problem = ""
        try:
            self.card = load_card(model_dir)
        except ModelError as exc:
            self.model_problem = str(exc)
        # the library's own genres (Learn from My Tags), when it learned them and they still
        # fit the stock model; why not, when they do not
        self.learned: learn.Learned | None = None
        self.learned_problem = ""
        if self.card is not None:
            self.learned, self.learned_problem = learn.load(self.library, self.card.version)
        self._learn_when_analysed = False
        self.analysis: tasks.BackgroundAnalysis | None = None
        self._queued_paths: list[str] = []
        self.writer = tasks.WriteWorker(self.db_path, self)
        self.player: Player | None = None
        self.player_problem = ""
        self.playing_id: int | None = None
        self._preview_wanted: int | None = None  # the last track asked to play
        self._preview_pool = QThreadPool(self)  # previews decode off the main thread
        self._preview_pool.setMaxThreadCount(1)
        self._preview_tasks: list = []
        self._similarity: SimilarityIndex | None = None
        self._similarity_dirty = True
        self._analysis_started = 0.0
        self.history = History(self)
        self.ask_before_quit = True  # warn about chosen genres not written yet

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1200, 720)
        self._build()
        self._restore_state()
        self._load_library()
        self._init_player()
        # keys go to the tracks, not the filter box: Ctrl+Z there would undo its typing
        self.view.setFocus()
        self.position_timer = QTimer(self)
        self.position_timer.setInterval(100)
        self.position_timer.timeout.connect(self._tick)
        self.position_timer.start()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model = TrackTableModel(self)
        self.model.set_policy(self.settings, self.learned)
        self.proxy = TrackFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        # the text columns (title, artist, album, folder) share the free width, the data
        # columns keep the width of their content: every column fits at the default size and
        # nothing becomes a wide empty strip when maximised
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(40)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # rows start in path order
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.columns = ColumnFitter(self.view, self)
        if self.learned is not None:
            self.columns.set_genre_names(self.learned.labels)
        self._details_analysis = None  # the analysis the details panel shows
        self._columns_timer = QTimer(self)
        self._columns_timer.setSingleShot(True)
        self._columns_timer.setInterval(150)
        self._columns_timer.timeout.connect(self._refresh_columns)
        self.model.dataChanged.connect(self._rows_changed)
        # the sort arrow keeps the rows sorted as they stream in and their analyses arrive
        # (at most twice a second, so a big library's rows do not jump on every result)
        self._sort_timer = QTimer(self)
        self._sort_timer.setSingleShot(True)
        self._sort_timer.setInterval(500)
        self._sort_timer.timeout.connect(self._resort)
        for signal in (self.model.rowsInserted, self.model.dataChanged, self.model.modelReset):
            signal.connect(self._sort_soon)
        self.model.modelReset.connect(self._selection_changed)
        for signal in (
            self.model.modelReset,
            self.model.rowsInserted,
            self.model.rowsRemoved,
            self.model.dataChanged,
        ):
            signal.connect(self._columns_timer.start)
        self.view.doubleClicked.connect(lambda idx: self._play_or_pause(self._row_at(idx)))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._row_menu)
        self.view.setItemDelegateForColumn(COL_CONFIDENCE, ConfidenceDelegate(self.model))
        self._folder_delegate = ElideLeftDelegate(self.view)
        self.view.setItemDelegateForColumn(COL_FOLDER, self._folder_delegate)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter by title, artist, album or file…")
        self.filter_text.setClearButtonEnabled(True)
        self.filter_text.textChanged.connect(self.proxy.set_text)
        self.filter_genre = QComboBox()
        self.filter_genre.addItem("All genres", "")
        self.filter_genre.currentIndexChanged.connect(
            lambda _: self.proxy.set_genre(self.filter_genre.currentData() or "")
        )
        self.filter_status = QComboBox()
        for label, states in STATUS_FILTERS:
            self.filter_status.addItem(label, states)
        self.filter_status.currentIndexChanged.connect(
            lambda _: self.proxy.set_status(self.filter_status.currentData() or ())
        )
        filters = QHBoxLayout()
        filters.addWidget(self.filter_text, 1)
        filters.addWidget(self.filter_genre)
        filters.addWidget(self.filter_status)
        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(filters)
        tl.addWidget(self.view)
        self.stack = QStackedWidget()
        self.empty = EmptyState()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(table_page)

        self.details = DetailsPanel()
        self.details.genre_chosen.connect(self._genre_chosen)
        self.details.accept_all.connect(self.accept_selected)
        self.details.choose_all.connect(self.choose_for_selected)
        self.details.play_requested.connect(self._play_or_pause)
        self.details.stop_requested.connect(self.stop_preview)
        self.details.seek_requested.connect(lambda f: self.player.seek(f) if self.player else None)
        self.details.volume_changed.connect(self._volume)
        self.details.similar_play.connect(self._similar_activated)
        self.details.similar_select.connect(self.more_like_this)
        self.details.export_playlist.connect(self.export_playlist)
        self.details.volume.setValue(int(self.settings.volume * 100))
        self.details.set_genre_names(self.model.plan.genre_names())

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidget(self.details)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # the panel wraps to its width; it scrolls down, never sideways
        self.details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details_scroll.setMinimumWidth(
            self.details.minimumSizeHint().width()
            + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
            + 2
        )
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.details_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)

        # status bar: progress, rate, time left, cancel
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(240)
        self.progress.setVisible(False)
        self.progress_label = QLabel("")
        self.errors_link = QLabel("")
        self.errors_link.setTextFormat(Qt.TextFormat.RichText)
        self.errors_link.linkActivated.connect(lambda _: self.show_errors())
        self.errors_link.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_analysis)
        sb = self.statusBar()
        self.waiting_link = QLabel("")
        self.waiting_link.setTextFormat(Qt.TextFormat.RichText)
        self.waiting_link.setToolTip(
            "Tracks the model is not sure enough about to write on its own: select them and "
            "Accept the suggestion, or choose a genre (right-click)"
        )
        self.waiting_link.linkActivated.connect(lambda _: self.show_waiting())
        self.waiting_link.setVisible(False)
        self.learn_link = QLabel("")
        self.learn_link.setTextFormat(Qt.TextFormat.RichText)
        self.learn_link.linkActivated.connect(lambda _: self.learn_from_tags())
        self.learn_link.setVisible(False)
        sb.addPermanentWidget(self.learn_link)
        sb.addPermanentWidget(self.waiting_link)
        sb.addPermanentWidget(self.errors_link)
        sb.addPermanentWidget(self.progress_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)

        actions.install(self)
        self._update_empty_state()
        self._show_learned_state()

    # -- library -------------------------------------------------------------------------------
    def _load_library(self) -> None:
        """Rows from the cache at once; then look for new or changed files in the background."""
        analyses = self.library.analyses(self.card.version) if self.card else {}
        rows = []
        for t in self.library.tracks():
            a = analyses.get(t.id)
            status = ERROR if t.error else WAITING
            rows.append(Row(t, a, status=status, error=t.error))
        self.model.set_rows(rows)
        self._resort()  # a restored arrow: sort as it says
        self._refresh_genre_filter()
        self._update_empty_state()
        if self.library.roots() or rows:
            QTimer.singleShot(0, lambda: self.start_analysis([]))

    def _resort(self) -> None:
        """Sort the rows as the header's arrow says (none: they stay in path order)."""
        h = self.view.horizontalHeader()
        if 0 <= h.sortIndicatorSection() < len(COLUMNS) and self.model.rows:
            self.model.sort(h.sortIndicatorSection(), h.sortIndicatorOrder())

    def _sort_soon(self, *_args) -> None:
        if not self._sort_timer.isActive():
            self._sort_timer.start()

    def _update_empty_state(self) -> None:
        self.stack.setCurrentIndex(1 if self.model.rowCount() else 0)

    def _refresh_genre_filter(self) -> None:
        current = self.filter_genre.currentData()
        self.filter_genre.blockSignals(True)
        self.filter_genre.clear()
        self.filter_genre.addItem("All genres", "")
        for g in self.model.genres():
            self.filter_genre.addItem(g, g)
        i = self.filter_genre.findData(current)
        self.filter_genre.setCurrentIndex(max(0, i))
        self.filter_genre.blockSignals(False)

    # -- adding music --------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    def _start_folder(self) -> str:
        """Where Add Folder/Files open: the last folder added, else the Music folder."""
        last = window_settings().value("paths/last_added", "")
        if isinstance(last, str) and last and os.path.isdir(last):
            return last
        music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
        return music if music and os.path.isdir(music) else os.path.expanduser("~")

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a music folder", self._start_folder())
        if folder:
            window_settings().setValue("paths/last_added", os.path.dirname(folder))
            self.add_paths([folder])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Add music files",
            self._start_folder(),
            formats.dialog_filter(),
        )
        if files:
            self.add_paths(files)

    def add_paths(self, paths: list[str]) -> None:
        # the analysis worker records new folders as library roots, off the main thread
        self.start_analysis([os.path.abspath(p) for p in paths])

    def remove_folder(self) -> None:
        roots = self.library.roots()
        if not roots:
            QMessageBox.information(self, "Remove folder", "There are no folders in the library.")
            return
        root, ok = QInputDialog.getItem(
            self,
            "Remove folder from library",
            "Forget this folder (its files are not touched):",
            roots,
            0,
            False,
        )
        if ok and root:
            # a database write: on the writer's thread, never the window's
            def forget(library: Library) -> set[int]:
                library.remove_root(root)
                return {t.id for t in library.tracks()}

            def forgotten(remaining: set[int]) -> None:
                self.model.remove_ids({r.track.id for r in self.model.rows} - remaining)
                self._similarity_dirty = True
                self._update_empty_state()

            self.writer.submit(
                forget,
                forgotten,
                lambda msg: self.statusBar().showMessage(f"Folder not removed: {msg}", 15000),
            )

    # -- analysis ------------------------------------------------------------------------------
    def start_analysis(self, paths: list[str]) -> None:
        if self.card is None:
            self.statusBar().showMessage(f"Analysis is off: {self.model_problem}")
            return
        if self.analysis is not None:
            self._queued_paths.extend(paths or [])
            return
        worker = tasks.AnalysisWorker(
            self.db_path, paths, self.settings.effective_jobs, self.model_dir
        )
        worker.scanned.connect(self._scanned)
        worker.progress.connect(self._progress)
        worker.results.connect(self._results)
        worker.failed.connect(lambda msg: self.statusBar().showMessage(f"Analysis stopped: {msg}"))
        worker.finished.connect(self._analysis_finished)
        self.analysis = tasks.BackgroundAnalysis(worker, self)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress_label.setText("Scanning…")
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._analysis_started = time.perf_counter()
        self.analysis.start()

    def cancel_analysis(self) -> None:
        if self.analysis is not None:
            self.analysis.cancel()
            self._queued_paths.clear()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText("Cancelling…")

    def _scanned(self, result) -> None:
        # only what the scan changed: a re-scan of a big library must not reload all of it
        # on the main thread (10,000 unchanged tracks took 257 ms that way)
        if result.removed:
            gone = set(result.removed)
            self.model.remove_ids({r.track.id for r in self.model.rows if r.track.path in gone})
        changed = [*result.added, *result.updated, *(new for _, new in result.renamed)]
        if changed:
            self.model.upsert_tracks(self.library.tracks_at(changed))
        pending = self.library.needs_analysis(self.card.version) if self.card else []
        for t in pending[: self.settings.effective_jobs]:
            self.model.set_status(t.id, ANALYSING)
        self._update_empty_state()
        msg = (
            f"{len(result.added)} new, {len(result.updated)} changed, {result.unchanged} unchanged"
        )
        self.statusBar().showMessage(msg, 8000)
        self._update_errors()
        if pending:
            self.progress.setRange(0, len(pending))
            self.progress.setValue(0)
            self.progress_label.setText(f"Analysing 0 of {len(pending)}")

    def _progress(self, done: int, total: int, rate: float) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        left = (total - done) / rate if rate > 0 else 0
        self.progress_label.setText(
            f"Analysing {done} of {total} · {rate:.1f} tracks/s · {int(left // 60)}:{int(left % 60):02d} left"
        )

    def _update_errors(self) -> None:
        """A lasting 'N files failed' link in the status bar that lists them."""
        n = sum(1 for r in self.model.rows if r.status == ERROR)
        self.errors_link.setVisible(n > 0)
        self.errors_link.setText(
            f"<a href='errors'>{n} file{'s' if n != 1 else ''} failed</a>" if n else ""
        )
        self.act_errors.setEnabled(n > 0)

    def show_errors(self) -> None:
        """Filter the table to the files that failed, and select the first."""
        i = next(k for k, (label, _) in enumerate(STATUS_FILTERS) if label == "Errors")
        self.filter_status.setCurrentIndex(i)
        if self.proxy.rowCount():
            self.view.selectRow(0)

    def _row_at(self, proxy_index) -> int | None:
        if not proxy_index.isValid():
            return None
        return self.model.rows[self.proxy.mapToSource(proxy_index).row()].track.id

    def show_column(self, col: int, on: bool) -> None:
        """The person's choice from the column menu (kept across restarts)."""
        self.columns.show_column(col, on)

    def _refresh_columns(self) -> None:
        self.columns.set_empty(self.model.empty_columns())
        self._update_errors()  # the errors link follows errors as they come
        waiting = self.model.waiting_for_decision()
        self.waiting_link.setText(
            f'<a href="waiting">{waiting} waiting for your decision</a>' if waiting else ""
        )
        self.waiting_link.setVisible(bool(waiting))

    def show_waiting(self) -> None:
        """Only the tracks kept for want of confidence."""
        self.filter_status.setCurrentIndex(
            next(i for i, (label, _) in enumerate(STATUS_FILTERS) if label == "Not sure enough")
        )

    def _results(self, batch: list) -> None:
        for track_id, analysis, error in batch:
            self.model.set_analysis(track_id, analysis, error)
            if analysis is None:
                self.model.set_status(track_id, ERROR, error)
        self.model.settle_albums()
        # the next few waiting tracks are the ones in the workers now
        n = 0
        for r in self.model.rows:
            if r.status == WAITING and r.analysis is None and not r.error:
                self.model.set_status(r.track.id, ANALYSING)
                n += 1
                if n >= self.settings.effective_jobs:
                    break
        self._similarity_dirty = True
        sel = self.details.row
        if sel is not None and any(tid == sel.track.id for tid, _, _ in batch):
            self._show_details(sel)

    def _analysis_finished(self, cancelled: int) -> None:
        if self.analysis is not None:
            self.analysis.wait(5000)  # the worker has returned; its thread is ending
        self.analysis = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        took = time.perf_counter() - self._analysis_started
        self.model.settle_unanalysed()
        self._resort()  # every row in its place once the last result is in
        self.progress_label.setText("Cancelled" if cancelled else f"Done in {took:.0f} s")
        self._refresh_genre_filter()
        self._update_errors()
        if self._queued_paths and not cancelled:
            paths, self._queued_paths = self._queued_paths, []
            self.start_analysis(paths)
        elif self._learn_when_analysed:
            self._learn_when_analysed = False
            self.learn_from_tags()
        else:
            self._check_learned_fresh()

    # -- selection and details -----------------------------------------------------------------
    def selected_rows(self) -> list[Row]:
        rows = []
        for idx in self.view.selectionModel().selectedRows():
            src = self.proxy.mapToSource(idx)
            rows.append(self.model.rows[src.row()])
        return rows

    def _rows_changed(self, top: QModelIndex, bottom: QModelIndex, *_: object) -> None:
        """An analysis, a choice, a write or an undo changed rows: the details panel shows
        what is true now for its track (similar songs too, once it has an analysis)."""
        shown = self.details.row
        if shown is None:
            return
        i = self.model.index_of(shown.track.id)
        if i is None or not top.row() <= i <= bottom.row():
            return
        row = self.model.rows[i]
        if row.analysis is not self._details_analysis:  # new analysis: similar songs too
            self._show_details(row)
        else:
            self.details.set_row(row)

    def _selection_changed(self, *_: object) -> None:
        rows = self.selected_rows()
        self.details.set_selected(len(rows))
        self._show_details(rows[0] if rows else None)

    def related_min_score(self) -> float:
        """Cosine from which a neighbour counts as related (the model card measures it)."""
        return self.card.related_min_score if self.card else 0.0

    def related(self, track_id: int, k: int = 10) -> list[tuple[int, float]]:
        """Up to k related tracks of the library, best first (only those above the
        measured threshold: four related songs are shown as four, not padded to ten)."""
        floor = self.related_min_score()
        return [
            (n.track_id, n.score)
            for n in self.similarity().query(track_id, k)
            if n.score >= floor and self.model.row_of(n.track_id) is not None
        ]

    def _show_details(self, row: Row | None) -> None:
        if self.details.row is not row:
            playing = row is not None and row.track.id == self.playing_id
            if not playing:  # another track: its own (not yet played) position
                self.details.set_position(0.0)
            self.details.set_playing(
                bool(playing and self.player and self.player.playing), stoppable=playing
            )
        self.details.set_row(row)
        self._details_analysis = row.analysis if row is not None else None
        if row is None or row.analysis is None or self.card is None:
            self.details.set_similar([])
            return
        items = []
        for tid, score in self.related(row.track.id):
            other = self.model.row_of(tid)
            assert other is not None
            t = other.track
            items.append(
                (tid, score, f"{t.display_title} — {t.artist}" if t.artist else t.display_title)
            )
        self.details.set_similar(items)

    def _similar_activated(self, track_id: int) -> None:
        """Double-click on a similar song: select it in the table and play it."""
        current = self.details.row
        self.select_tracks([track_id])
        if self.player is not None:
            self.play_preview(track_id)
        elif current is not None and self.details.row is None:
            self.details.set_row(current)

    def similarity(self) -> SimilarityIndex:
        assert self.card is not None
        if self._similarity is None:
            self._similarity = SimilarityIndex(self.library, self.card.version)
            self._similarity_dirty = False
        elif self._similarity_dirty:
            self._similarity.refresh()
            self._similarity_dirty = False
        return self._similarity

    def more_like_this(self, ids: list[int]) -> None:
        """Select the origin and its related tracks; a filter that hides some of them is
        cleared (and the status bar says so), and the origin stays in view."""
        origin = self.details.row
        wanted = ([origin.track.id] if origin is not None else []) + list(ids)
        hidden = [
            tid
            for tid in wanted
            if (i := self.model.index_of(tid)) is not None
            and not self.proxy.mapFromSource(self.model.index(i, 0)).isValid()
        ]
        if hidden:
            self.clear_filters()
            self.statusBar().showMessage(
                f"Filters cleared to show the {len(ids)} related track(s)", 8000
            )
        self.select_tracks(wanted)
        if origin is not None:  # the details stay on the track the person asked about
            self._show_details(origin)

    def clear_filters(self) -> None:
        self.filter_text.clear()
        self.filter_genre.setCurrentIndex(0)
        self.filter_status.setCurrentIndex(0)

    def select_tracks(self, ids: list[int]) -> None:
        selection = QItemSelection()
        for tid in ids:
            i = self.model.index_of(tid)
            if i is None:
                continue
            idx = self.proxy.mapFromSource(self.model.index(i, 0))
            if idx.isValid():
                selection.select(idx, idx)
        sm = self.view.selectionModel()
        sm.select(
            selection,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if not selection.isEmpty():
            self.view.scrollTo(selection.indexes()[0])

    def export_playlist(self, ids: list[int]) -> None:
        row = self.details.row
        if row is None:
            return
        start = os.path.join(
            os.path.dirname(row.track.path), f"Like {row.track.display_title}.m3u8"
        )
        path, _ = QFileDialog.getSaveFileName(
            self, "Export as playlist", start, "M3U8 playlist (*.m3u8)"
        )
        if path:
            others = [r.track for r in (self.model.row_of(i) for i in ids) if r is not None]
            try:
                write_playlist(Path(path), [row.track, *others])
            except OSError as exc:
                QMessageBox.warning(self, "Export as playlist", f"Not saved: {exc}")
                return
            self.statusBar().showMessage(f"Playlist saved: {path}", 6000)

    def _genre_chosen(self, track_id: int, genres: list[str] | None) -> None:
        self.model.set_override(track_id, genres)

    def accept_selected(self) -> None:
        """The prediction becomes the person's choice for every selected analysed track."""
        rows = [r for r in self.selected_rows() if r.analysis is not None]
        for r in rows:
            self.model.set_override(r.track.id, [r.predicted])
        self._say_chosen(rows, "the suggested genre")

    def choose_for_selected(self, genres: list[str] | None) -> None:
        """One genre for every selected track (None: back to the prediction)."""
        rows = [r for r in self.selected_rows() if r.error is None]
        for r in rows:
            self.model.set_override(r.track.id, genres)
        self._say_chosen(rows, "; ".join(genres) if genres else "the prediction")

    def _say_chosen(self, rows: list[Row], what: str) -> None:
        writes = sum(1 for r in rows if r.target)
        self.statusBar().showMessage(
            f"{len(rows)} track(s) set to {what}: Apply writes {writes}"
            if rows
            else "Select analysed tracks first.",
            8000,
        )

    def select_album(self) -> None:
        """Every track of the current track's album, as core.albums groups them (a
        compilation, never pooled: its tracks with the same album tag in its folder)."""
        row = self.details.row
        if row is None:
            return
        self.select_tracks(self.model.plan.release_ids(row.track.id))

    def _row_menu(self, pos: QPoint) -> None:
        """Right-click on the tracks: decide for all selected ones at once."""
        from PySide6.QtWidgets import QMenu

        rows = self.selected_rows()
        if not rows:
            return
        menu = QMenu(self)
        n = len(rows)
        self.act_accept.setText(f"Accept Suggestion ({n} track{'s' if n > 1 else ''})")
        menu.addAction(self.act_accept)
        choose = menu.addMenu(f"Set Genre of {n} Track{'s' if n > 1 else ''}")
        for name in self.model.plan.genre_names():
            choose.addAction(name, lambda n=name: self.choose_for_selected([n]))
        choose.addSeparator()
        choose.addAction("Other…", self._choose_other)
        menu.addAction(self.act_back)
        menu.addSeparator()
        shown = self.details.row
        self.act_select_album.setEnabled(
            bool(shown is not None and (shown.track.album or self.model.album_ids(shown.track.id)))
        )
        menu.addAction(self.act_select_album)
        menu.addAction(self.act_apply_sel)
        self._row_menu_widget = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _choose_other(self) -> None:
        text, ok = QInputDialog.getText(self, "Set genre", "Genre (several: separate with ;)")
        names = [self.model.plan.name(g) for g in text.split(";") if g.strip()] if ok else []
        if names:
            self.choose_for_selected(names)

    # -- applying --------------------------------------------------------------------------------
    def apply_all(self) -> None:
        self._apply([r for r in self.model.rows if self.model.plan.will_write(r)])

    def apply_selected(self) -> None:
        selected = self.selected_rows()
        self._apply([r for r in selected if self.model.plan.will_write(r)], selected)

    def _apply(self, rows: list[Row], considered: list[Row] | None = None) -> None:
        if not rows:  # said where the person looks, without a box to dismiss
            self.statusBar().showMessage(
                "Nothing to write: no track is marked 'will change' "
                "(the Status column says why each is kept).",
                8000,
            )
            return
        changes = self.model.plan.writes(r.track.id for r in rows)
        kept = [
            (r.track.path, r.plan())
            for r in (considered if considered is not None else self.model.rows)
            if not self.model.plan.will_write(r) and r.analysis is not None
        ]
        dialog = ApplyDialog(changes, self, kept=kept)
        self._last_dialog = dialog
        if dialog.exec() != ApplyDialog.DialogCode.Accepted:
            return
        chosen = [changes[i] for i in dialog.chosen()]
        if chosen:
            self.write_changes(chosen)

    def write_changes(self, jobs: list[WriteRequest]) -> None:
        """Write without asking (the dialog already did); results land on the rows."""
        self.act_apply.setEnabled(False)
        self.statusBar().showMessage(f"Writing {len(jobs)} tag(s)…")
        self.writer.submit(
            tasks.apply_changes(jobs, self.settings.id3_version), self._written, self._write_failed
        )

    def _written(self, result) -> None:
        batch, results = result
        self.act_apply.setEnabled(True)
        by_path = {r.track.path: r for r in self.model.rows}
        ok = failed = 0
        for res in results:
            row = by_path.get(res.path)
            if row is None:
                continue
            fresh = self.library.track(row.track.id)
            if res.state == ChangeState.FAILED:
                failed += 1
                if fresh is not None:
                    row.track = fresh
                self.model.set_status(row.track.id, ERROR, res.reason)
            else:
                ok += 1
                self.model.mark_written(row.track.id, fresh, res.field)
        self.statusBar().showMessage(
            f"Wrote {ok} tag(s)"
            + (f", {failed} failed (see the Status column)" if failed else "")
            # nothing written: nothing to undo, and no Undo is offered for it
            + (". Ctrl+Z undoes it." if ok else "."),
            10000,
        )
        self._refresh_genre_filter()

    def _write_failed(self, message: str) -> None:
        """Nothing was written (another writer holds the library, say): say so plainly."""
        self.act_apply.setEnabled(True)
        self.act_undo.setEnabled(True)
        self.statusBar().showMessage(f"Nothing written: {message}", 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Nothing written", message, parent=self)
        self._last_dialog = box
        box.open()  # not modal: the window stays usable

    def undo_last(self) -> None:
        """Ask, then restore the genres of the last Apply (or batch command)."""
        self.history.undo()

    def redo_last(self) -> None:
        """Write again what the last Undo took back."""
        self.history.redo()

    # -- player ----------------------------------------------------------------------------------
    def _init_player(self) -> None:
        try:
            self.player = Player()
            self.player.set_volume(self.settings.volume)
            self.details.set_player_available(True)
        except PlayerUnavailable as exc:
            self.player = None
            self.player_problem = exc.reason
            self.details.set_player_available(False, exc.reason)
            log.warning("preview disabled: %s", exc.reason)

    def play_preview(self, track_id: int) -> None:
        """Decode the preview on a worker thread, then play it (unless another track was
        asked for meanwhile)."""
        row = self.model.row_of(track_id)
        if self.player is None or row is None:
            return
        player, path = self.player, row.track.path
        self._preview_wanted = track_id
        self.details.set_playing(False)

        def decoded(data) -> None:
            if self._preview_wanted != track_id or self.player is not player:
                return  # a later click won
            player.set_preview(path, data)
            try:
                player.play()
            except GenreDesktopError as exc:
                failed(exc.reason)
                return
            self.playing_id = track_id
            self.details.set_playing(True)

        def failed(reason: str) -> None:
            if self._preview_wanted == track_id:
                self.statusBar().showMessage(
                    f"Cannot play {os.path.basename(path)}: {reason}", 8000
                )
                self.details.set_playing(False)

        tasks.run_in_pool(
            self._preview_pool,
            lambda: player.decode(path, row.track.duration, self.settings.preview_seconds),
            decoded,
            failed,
            self._preview_tasks,
        )

    def _play_or_pause(self, track_id: int) -> None:
        if self.player is not None and self.playing_id == track_id and self.player.length:
            self.player.toggle()
            self.details.set_playing(self.player.playing, stoppable=True)  # paused: Stop stops
        else:
            self.play_preview(track_id)

    def _space(self) -> None:
        if self.details.row is not None:
            self._play_or_pause(self.details.row.track.id)

    def stop_preview(self) -> None:
        self._preview_wanted = None  # a preview still decoding is not started
        if self.player is not None:
            self.player.stop()
        self.playing_id = None
        self.details.set_playing(False)
        self.details.set_position(0)

    def _volume(self, v: float) -> None:
        if self.player is not None:
            self.player.set_volume(v)
        self.settings = self.settings.updated(volume=round(v, 2))

    def _tick(self) -> None:
        shown = self.details.row
        if shown is None or shown.track.id != self.playing_id:
            return  # the slider belongs to the track on show, not to another one playing
        if self.player is not None and self.player.length:
            self.details.set_position(
                self.player.position / self.player.length,
                self.player.position,
                self.player.length,
            )
            if not self.player.playing:
                self.details.set_playing(False)

    # -- the library's own genres -------------------------------------------------------------------
    def learn_from_tags(self) -> None:
        """Learn the genres the person already wrote (core.learn), off the window's thread;
        after the running analysis, so every tagged track counts."""
        if self.card is None:
            self.statusBar().showMessage(f"Nothing to learn with: {self.model_problem}", 10000)
            return
        if self.analysis is not None:
            self._learn_when_analysed = True
            self.statusBar().showMessage(
                "Learning from your tags as soon as the analysis is done…", 10000
            )
            return
        card = self.card
        self.act_learn.setEnabled(False)
        self.statusBar().showMessage("Learning from your tags…")

        def job(library: Library) -> tuple[learn.Learned | None, learn.Report]:
            tracks = library.tracks()
            return learn.learn_library(library, tracks, card.version, card.labels, card.tag_labels)

        self.writer.submit(job, self._learned, self._learn_failed)

    def _learned(self, result: tuple[learn.Learned | None, learn.Report]) -> None:
        model, report = result
        self.act_learn.setEnabled(True)
        if model is not None:
            self._use_learned(model)
            self.statusBar().showMessage("Your own genres are proposed from now on.", 10000)
        else:
            self.statusBar().showMessage("Learned nothing new: " + report.reason, 10000)
            self._show_learned_state()
        dialog = LearnDialog(report.lines(), model is not None, self)
        dialog.finished.connect(
            lambda code: self.forget_learned() if code == LearnDialog.FORGET else None
        )
        self._last_dialog = dialog
        dialog.open()  # not modal: the table already shows the new genres behind it

    def _learn_failed(self, message: str) -> None:
        self.act_learn.setEnabled(True)
        self.statusBar().showMessage(f"Nothing learned: {message}", 15000)

    def _use_learned(self, model: learn.Learned | None) -> None:
        self.learned, self.learned_problem = model, ""
        self.model.set_policy(self.settings, model)
        self.details.set_genre_names(self.model.plan.genre_names())
        self.columns.set_genre_names(self.model.plan.genre_names())
        self._refresh_genre_filter()
        self._show_learned_state()

    def forget_learned(self) -> None:
        """Back to the stock genres (what was learned is forgotten in the library too)."""
        self.writer.submit(
            lambda library: learn.save(library, None),
            lambda _: self.statusBar().showMessage("Back to the stock genres.", 8000),
            self._learn_failed,
        )
        self._use_learned(None)

    def _show_learned_state(self, stale: bool = False) -> None:
        """The status bar says when the library's own genres are in use, and offers to learn
        again when they no longer fit (a new stock model, genres changed in the files)."""
        self.act_forget.setEnabled(self.learned is not None)
        why = self.learned_problem or (
            "your genre tags changed since the library learned them" if stale else ""
        )
        if why:
            self.learn_link.setText("<a href='learn'>Learn your genres again</a>")
            self.learn_link.setToolTip(why[0].upper() + why[1:] + ".")
        elif self.learned is not None:
            n = self.learned.report.get("tagged", 0)
            self.learn_link.setText("Your genres")
            self.learn_link.setToolTip(
                f"Genres are proposed in your words, learned from {n} of your tagged songs "
                "(Tools ▸ Use the Stock Genres goes back)"
            )
        self.learn_link.setVisible(bool(why) or self.learned is not None)

    def _check_learned_fresh(self) -> None:
        """After a scan: do the genres in the files still match what was learned?"""
        model = self.learned
        if model is None:
            return
        self.writer.submit(
            lambda library: learn.stale_tags(library, model),
            lambda stale: self._show_learned_state(bool(stale)) if model is self.learned else None,
            lambda _: None,
        )

    # -- settings and state ----------------------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self.settings, str(self.data_dir), self, threshold=self.model.plan.threshold
        )
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            try:
                self.settings = dialog.settings()
                config.save_settings(self.settings)
            except (config.ConfigError, OSError) as exc:
                QMessageBox.warning(self, "Settings", f"Settings not saved: {exc}")
            self.model.set_policy(self.settings)

    def _restore_state(self) -> None:
        s = window_settings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([880, 320])
        header = s.value("window/header")
        if isinstance(header, QByteArray):
            self.view.horizontalHeader().restoreState(header)
        hidden = s.value("window/hidden_columns")
        if isinstance(hidden, list | str):
            names = [hidden] if isinstance(hidden, str) else hidden
            self.columns.person_hidden = {COLUMNS.index(n) for n in names if n in COLUMNS} - {
                COL_TITLE
            }
        for key, attr in (("shown_columns", "person_shown"), ("kept_columns", "person_kept")):
            value = s.value(f"window/{key}")
            if isinstance(value, list | str):
                names = [value] if isinstance(value, str) else value
                setattr(self.columns, attr, {COLUMNS.index(n) for n in names if n in COLUMNS})
        self.columns.fit()

    def save_state(self) -> None:
        s = window_settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/header", self.view.horizontalHeader().saveState())
        s.setValue(
            "window/hidden_columns", [COLUMNS[c] for c in sorted(self.columns.person_hidden)]
        )
        s.setValue("window/shown_columns", [COLUMNS[c] for c in sorted(self.columns.person_shown)])
        s.setValue("window/kept_columns", [COLUMNS[c] for c in sorted(self.columns.person_kept)])
        s.sync()

    def unapplied_choices(self) -> list[Row]:
        return [r for r in self.model.rows if r.pending_choice]

    def closeEvent(self, event) -> None:
        pending = self.unapplied_choices()
        if pending and self.ask_before_quit:
            n = len(pending)
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Quit",
                f"You chose a genre for {n} track{'s' if n != 1 else ''} that "
                f"{'are' if n != 1 else 'is'} not written yet. Choices are not kept after you quit.",
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                self,
            )
            quit_button = box.button(QMessageBox.StandardButton.Discard)
            quit_button.setText("Quit without writing")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            self._last_dialog = box
            box.exec()
            if box.clickedButton() is not quit_button:
                event.ignore()
                return
        self.save_state()
        if self.analysis is not None:
            self.analysis.cancel()
            self.analysis.wait(15000)
        self.writer.wait(30000)
        self._preview_pool.waitForDone(5000)
        if self.player is not None:
            self.player.stop()
        with contextlib.suppress(config.ConfigError, OSError):
            config.save_settings(self.settings)
        super().closeEvent(event)


def app_icon() -> QIcon:
    folder = config.resources_dir()
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256, 512):
        p = folder / "icons" / f"genre-desktop-{size}.png"
        if p.exists():
            icon.addFile(str(p))
    return icon
