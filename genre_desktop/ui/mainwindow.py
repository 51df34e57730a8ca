"""The main window: drop folders, see genres, listen, fix, apply, undo."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
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
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from genre_desktop import APP_NAME, config
from genre_desktop.core.library import Library, default_path
from genre_desktop.core.model import Card, load_card
from genre_desktop.core.player import Player, PlayerUnavailable
from genre_desktop.core.similarity import SimilarityIndex
from genre_desktop.errors import GenreDesktopError, ModelError
from genre_desktop.ui import tasks
from genre_desktop.ui.dialogs import ApplyDialog, SettingsDialog, about
from genre_desktop.ui.models import (
    ANALYSING,
    COL_CONFIDENCE,
    ERROR,
    WAITING,
    WRITTEN,
    ConfidenceDelegate,
    Row,
    TrackFilter,
    TrackTableModel,
)
from genre_desktop.ui.widgets import DetailsPanel

log = logging.getLogger(__name__)


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
        self.analysis: tasks.BackgroundAnalysis | None = None
        self._queued_paths: list[str] = []
        self.writer = tasks.WriteWorker(self.db_path, self)
        self.player: Player | None = None
        self.player_problem = ""
        self.playing_id: int | None = None
        self._similarity: SimilarityIndex | None = None
        self._similarity_dirty = True
        self._analysis_started = 0.0

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1200, 720)
        self._build()
        self._restore_state()
        self._load_library()
        self._init_player()
        self.position_timer = QTimer(self)
        self.position_timer.setInterval(100)
        self.position_timer.timeout.connect(self._tick)
        self.position_timer.start()

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model = TrackTableModel(self)
        self.model.set_policy(self.settings.policy, self.settings.min_confidence)
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
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        for col, width in enumerate((200, 130, 130, 56, 100, 100, 90, 90)):
            header.resizeSection(col, width)
        self.view.setItemDelegateForColumn(COL_CONFIDENCE, ConfidenceDelegate(self.model))
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
        filters = QHBoxLayout()
        filters.addWidget(self.filter_text, 1)
        filters.addWidget(self.filter_genre)
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
        self.details.play_requested.connect(self._play_or_pause)
        self.details.stop_requested.connect(self.stop_preview)
        self.details.seek_requested.connect(lambda f: self.player.seek(f) if self.player else None)
        self.details.volume_changed.connect(self._volume)
        self.details.similar_play.connect(self.play_preview)
        self.details.similar_select.connect(self.select_tracks)
        self.details.export_playlist.connect(self.export_playlist)
        self.details.volume.setValue(int(self.settings.volume * 100))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.details_scroll = QScrollArea()
        self.details_scroll.setWidget(self.details)
        self.details_scroll.setWidgetResizable(True)
        self.details_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
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
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_analysis)
        sb = self.statusBar()
        sb.addPermanentWidget(self.progress_label)
        sb.addPermanentWidget(self.progress)
        sb.addPermanentWidget(self.cancel_button)

        self._build_actions()
        self._update_empty_state()

    def _action(self, text: str, slot, shortcut=None, icon=None, tip: str = "") -> QAction:
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(shortcut)
        if icon is not None:
            a.setIcon(icon)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        style = self.style()
        from PySide6.QtWidgets import QStyle

        sp = QStyle.StandardPixmap
        self.act_add = self._action(
            "Add Folder…",
            self.choose_folder,
            QKeySequence.StandardKey.Open,
            style.standardIcon(sp.SP_DirOpenIcon),
            "Add a music folder to the library",
        )
        self.act_add_files = self._action(
            "Add Files…", self.choose_files, None, style.standardIcon(sp.SP_FileIcon)
        )
        self.act_remove = self._action(
            "Remove Folder from Library…",
            self.remove_folder,
            None,
            None,
            "Forget a folder (its files are not touched)",
        )
        self.act_rescan = self._action(
            "Rescan",
            lambda: self.start_analysis([]),
            QKeySequence("F5"),
            style.standardIcon(sp.SP_BrowserReload),
            "Look for new or changed files",
        )
        self.act_apply = self._action(
            "Apply",
            self.apply_all,
            QKeySequence("Ctrl+Return"),
            style.standardIcon(sp.SP_DialogApplyButton),
            "Write the genres marked 'will change'",
        )
        self.act_apply_sel = self._action(
            "Apply Selected", self.apply_selected, QKeySequence("Ctrl+Shift+Return")
        )
        self.act_undo = self._action(
            "Undo Last Apply",
            self.undo_last,
            QKeySequence.StandardKey.Undo,
            style.standardIcon(sp.SP_ArrowBack),
            "Restore the genres the last Apply changed",
        )
        self.act_settings = self._action(
            "Settings…", self.open_settings, QKeySequence.StandardKey.Preferences
        )
        self.act_play = self._action("Play/Pause", self._space, QKeySequence(Qt.Key.Key_Space))
        self.act_play.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.act_quit = self._action("Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_about = self._action(
            f"About {APP_NAME}",
            lambda: about(
                self,
                self.card.version if self.card else "missing",
                self.card.accuracy if self.card else None,
            ),
        )
        self.addAction(self.act_play)

        m = self.menuBar().addMenu("&File")
        for a in (self.act_add, self.act_add_files, self.act_rescan, self.act_remove):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        e = self.menuBar().addMenu("&Edit")
        for a in (self.act_apply, self.act_apply_sel, self.act_undo):
            e.addAction(a)
        e.addSeparator()
        e.addAction(self.act_settings)
        p = self.menuBar().addMenu("&Play")
        p.addAction(self.act_play)
        h = self.menuBar().addMenu("&Help")
        h.addAction(self.act_about)

        tb = QToolBar("Main")
        tb.setObjectName("main-toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.act_add, self.act_rescan, self.act_apply, self.act_undo):
            tb.addAction(a)
        self.addToolBar(tb)

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
        self._refresh_genre_filter()
        self._update_empty_state()
        if self.library.roots() or rows:
            QTimer.singleShot(0, lambda: self.start_analysis([]))

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

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a music folder")
        if folder:
            self.add_paths([folder])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self,
            "Add music files",
            "",
            "Audio (*.mp3 *.flac *.ogg *.oga *.opus *.m4a *.mp4 *.wav *.aif *.aiff);;All files (*)",
        )
        if files:
            self.add_paths(files)

    def add_paths(self, paths: list[str]) -> None:
        paths = [os.path.abspath(p) for p in paths]
        for p in paths:
            if os.path.isdir(p):
                self.library.add_root(p)
        self.start_analysis(paths)

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
            before = {r.track.id for r in self.model.rows}
            self.library.remove_root(root)
            after = {t.id for t in self.library.tracks()}
            self.model.remove_ids(before - after)
            self._similarity_dirty = True
            self._update_empty_state()

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
        n_err = len(result.errors)
        msg = (
            f"{len(result.added)} new, {len(result.updated)} changed, {result.unchanged} unchanged"
        )
        if n_err:
            msg += f", {n_err} unreadable"
        self.statusBar().showMessage(msg, 8000)
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

    def _results(self, batch: list) -> None:
        for track_id, analysis, error in batch:
            self.model.set_analysis(track_id, analysis, error)
            if analysis is None:
                self.model.set_status(track_id, ERROR, error)
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
        for r in self.model.rows:
            if r.status in (WAITING, ANALYSING) and r.analysis is None and not r.error:
                r.status = WAITING
        self.model.layoutChanged.emit()
        self.progress_label.setText("Cancelled" if cancelled else f"Done in {took:.0f} s")
        self._refresh_genre_filter()
        if self._queued_paths and not cancelled:
            paths, self._queued_paths = self._queued_paths, []
            self.start_analysis(paths)

    # -- selection and details -----------------------------------------------------------------
    def selected_rows(self) -> list[Row]:
        rows = []
        for idx in self.view.selectionModel().selectedRows():
            src = self.proxy.mapToSource(idx)
            rows.append(self.model.rows[src.row()])
        return rows

    def _selection_changed(self, *_: object) -> None:
        rows = self.selected_rows()
        self._show_details(rows[0] if rows else None)

    def _show_details(self, row: Row | None) -> None:
        self.details.set_row(row)
        if row is None or row.analysis is None or self.card is None:
            self.details.set_similar([])
            return
        index = self.similarity()
        items = []
        for n in index.query(row.track.id, 10):
            other = self.model.row_of(n.track_id)
            if other is not None:
                t = other.track
                items.append(
                    (
                        n.track_id,
                        n.score,
                        f"{t.display_title} — {t.artist}" if t.artist else t.display_title,
                    )
                )
        self.details.set_similar(items)

    def similarity(self) -> SimilarityIndex:
        assert self.card is not None
        if self._similarity is None:
            self._similarity = SimilarityIndex(self.library, self.card.version)
            self._similarity_dirty = False
        elif self._similarity_dirty:
            self._similarity.refresh()
            self._similarity_dirty = False
        return self._similarity

    def select_tracks(self, ids: list[int]) -> None:
        selection = QItemSelection()
        for tid in ids:
            i = self.model._index.get(tid)
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
            write_playlist(
                Path(path),
                [row.track.path]
                + [r.track.path for r in (self.model.row_of(i) for i in ids) if r is not None],
            )
            self.statusBar().showMessage(f"Playlist saved: {path}", 6000)

    def _genre_chosen(self, track_id: int, genres: list[str] | None) -> None:
        self.model.set_override(track_id, genres)

    # -- applying --------------------------------------------------------------------------------
    def apply_all(self) -> None:
        self._apply([r for r in self.model.rows if r.target])

    def apply_selected(self) -> None:
        self._apply([r for r in self.selected_rows() if r.target])

    def _apply(self, rows: list[Row]) -> None:
        if not rows:
            QMessageBox.information(
                self, "Apply", "Nothing to write: no track is marked 'will change'."
            )
            return
        changes = [
            (
                r.track.path,
                r.track.genres,
                r.target,
                None if r.override is not None else (r.analysis.confidence if r.analysis else None),
            )
            for r in rows
        ]
        dialog = ApplyDialog(changes, self)
        self._last_dialog = dialog
        if dialog.exec() != ApplyDialog.DialogCode.Accepted:
            return
        self.write_changes(rows)

    def write_changes(self, rows: list[Row]) -> None:
        """Write without asking (the dialog already did); results land on the rows."""
        jobs = [
            (r.track.path, r.track.genres, r.target, (r.track.size, r.track.mtime_ns)) for r in rows
        ]
        self.act_apply.setEnabled(False)
        self.statusBar().showMessage(f"Writing {len(jobs)} genre(s)…")
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
            if fresh is not None:
                row.track = fresh
            if res.state == "failed":
                failed += 1
                self.model.set_status(row.track.id, ERROR, res.reason)
            else:
                ok += 1
                row.override = None
                self.model.set_analysis(row.track.id, row.analysis, None)
                self.model.set_status(row.track.id, WRITTEN)
        self.statusBar().showMessage(
            f"Wrote {ok} genre(s)"
            + (f", {failed} failed (see the Status column)" if failed else "")
            + ". Ctrl+Z undoes it.",
            10000,
        )
        self._refresh_genre_filter()

    def _write_failed(self, message: str) -> None:
        self.act_apply.setEnabled(True)
        self.statusBar().showMessage(f"Writing stopped: {message}", 10000)

    def undo_last(self) -> None:
        self.act_undo.setEnabled(False)
        self.writer.submit(
            tasks.undo_last(self.settings.id3_version), self._undone, self._write_failed
        )

    def _undone(self, result) -> None:
        batch, results = result
        self.act_undo.setEnabled(True)
        if batch is None:
            self.statusBar().showMessage("Nothing to undo.", 5000)
            return
        by_path = {r.track.path: r for r in self.model.rows}
        restored = 0
        for res in results:
            row = by_path.get(res.path)
            if row is None:
                continue
            fresh = self.library.track(row.track.id)
            if fresh is not None:
                row.track = fresh
            if res.state == "failed" or (
                res.state == "skipped" and res.reason != "already has this genre"
            ):
                self.model.set_status(row.track.id, ERROR, res.reason)
            else:
                restored += 1
                row.status = WAITING
                self.model.set_analysis(row.track.id, row.analysis, None)
        self.statusBar().showMessage(f"Undo: {restored} of {len(results)} file(s) restored.", 10000)

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
        row = self.model.row_of(track_id)
        if self.player is None or row is None:
            return
        try:
            self.player.load(row.track.path, row.track.duration, self.settings.preview_seconds)
            self.player.play()
            self.playing_id = track_id
            self.details.set_playing(True)
        except GenreDesktopError as exc:
            self.statusBar().showMessage(
                f"Cannot play {os.path.basename(row.track.path)}: {exc.reason}", 8000
            )
            self.details.set_playing(False)

    def _play_or_pause(self, track_id: int) -> None:
        if self.player is not None and self.playing_id == track_id and self.player.length:
            self.player.toggle()
            self.details.set_playing(self.player.playing)
        else:
            self.play_preview(track_id)

    def _space(self) -> None:
        if self.details.row is not None:
            self._play_or_pause(self.details.row.track.id)

    def stop_preview(self) -> None:
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
        if self.player is not None and self.player.length:
            self.details.set_position(self.player.position / self.player.length)
            if not self.player.playing:
                self.details.set_playing(False)

    # -- settings and state ----------------------------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, str(self.data_dir), self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            try:
                self.settings = dialog.settings()
                config.save_settings(self.settings)
            except (config.ConfigError, OSError) as exc:
                QMessageBox.warning(self, "Settings", f"Settings not saved: {exc}")
            self.model.set_policy(self.settings.policy, self.settings.min_confidence)

    def _restore_state(self) -> None:
        s = QSettings()
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([920, 340])
        header = s.value("window/header")
        if isinstance(header, QByteArray):
            self.view.horizontalHeader().restoreState(header)

    def save_state(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/header", self.view.horizontalHeader().saveState())
        s.sync()

    def closeEvent(self, event) -> None:
        self.save_state()
        if self.analysis is not None:
            self.analysis.cancel()
            self.analysis.wait(15000)
        self.writer.wait(30000)
        if self.player is not None:
            self.player.stop()
        with contextlib.suppress(config.ConfigError, OSError):
            config.save_settings(self.settings)
        super().closeEvent(event)


def write_playlist(path: Path, tracks: list[str]) -> None:
    """An M3U8 file; paths relative to the playlist's folder where possible."""
    base = path.parent
    lines = ["#EXTM3U"]
    for t in tracks:
        try:
            rel = os.path.relpath(t, base)
            entry = t if rel.startswith("..") and os.path.isabs(t) and rel.count("..") > 3 else rel
        except ValueError:  # another drive on Windows
            entry = t
        lines.append(entry.replace(os.sep, "/") if not os.path.isabs(entry) else entry)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def app_icon() -> QIcon:
    folder = config.resources_dir()
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256, 512):
        p = folder / "icons" / f"genre-desktop-{size}.png"
        if p.exists():
            icon.addFile(str(p))
    return icon
