"""The main window: drop folders, see genres, listen, fix, apply, undo.

It builds the layout and wires signals; what a person can do lives beside it: the actions
(`ui/actions.py`, a registry), writes with Undo and Redo (`ui/history.py`), the scan and
analysis (`ui/analysis.py`), the preview player (`ui/preview.py`), the library's own genres
(`ui/learning.py`), similar songs (`ui/related.py`), the filters (`ui/filters.py`), the
columns (`ui/columns.py`), the window's remembered state (`ui/state.py`)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from genre_desktop import APP_NAME, config
from genre_desktop.core import formats, learn
from genre_desktop.core.library import Library, default_path
from genre_desktop.core.model import Card, load_card
from genre_desktop.errors import ModelError
from genre_desktop.ui import actions, state, tasks
from genre_desktop.ui.analysis import Analysing
from genre_desktop.ui.columns import ColumnFitter
from genre_desktop.ui.dialogs import ApplyDialog, SettingsDialog, about, quit_question
from genre_desktop.ui.filters import FilterBar, StatusLinks
from genre_desktop.ui.history import History
from genre_desktop.ui.learning import Learning
from genre_desktop.ui.models import COLUMNS, ERROR, WAITING, Row, TrackFilter, TrackTableModel
from genre_desktop.ui.preview import Preview
from genre_desktop.ui.related import Related
from genre_desktop.ui.trackview import EmptyState, TrackView
from genre_desktop.ui.widgets import DetailsPanel


class MainWindow(QMainWindow):
    act: dict[str, QAction]  # the actions by name, from the registry of ui/actions.py

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
        self.library = Library(self.db_path)
        self.card: Card | None = None
        self.model_problem = ""
        try:
            self.card = load_card(model_dir)
        except ModelError as exc:
            self.model_problem = str(exc)
        self.writer = tasks.WriteWorker(self.db_path, self)
        self.learning = Learning(
            self, self.card, self.model_problem, lambda: self.analysis is not None, self
        )
        self.analysing = Analysing(
            self, self.db_path, self.card, model_dir, self.model_problem, self
        )
        self.history = History(self)
        self._last_dialog: QWidget | None = None  # the last question or report shown
        self.ask_before_quit = True  # warn about chosen genres not written yet

        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.resize(1200, 720)
        self._build()
        state.restore(self, self.splitter, self.view, self.columns)
        self._load_library()
        # keys go to the tracks, not the filter box: Ctrl+Z there would undo its typing
        self.view.setFocus()

    # -- what the window's parts ask of it (ui/host.Host) ----------------------------------------
    def widget(self) -> QWidget:
        return self

    def say(self, text: str, ms: int = 0) -> None:
        self.statusBar().showMessage(text, ms)

    def show_dialog(self, dialog: QWidget) -> None:
        self._last_dialog = dialog

    def refresh_genre_filter(self) -> None:
        self.filters.set_genres(self.model.genres())

    @property
    def analysis(self) -> tasks.BackgroundAnalysis | None:
        """The scan and analysis running now, if any."""
        return self.analysing.running

    # -- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        self.model = TrackTableModel(self)
        self.model.set_policy(self.settings, self.learning.learned)
        self.related = Related(self.model, self.card)
        self.proxy = TrackFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = TrackView(self.model, self.proxy)
        self.columns = ColumnFitter(self.view, self)
        if self.learning.learned is not None:
            self.columns.set_genre_names(self.learning.learned.labels)
        self._details_analysis: object = None  # the analysis the details panel shows
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
        self.view.doubleClicked.connect(lambda i: self.preview.play_or_pause(self.view.track_at(i)))
        self.view.customContextMenuRequested.connect(self._row_menu)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.filters = FilterBar(self.proxy)
        self.filter_text, self.filter_genre = self.filters.text, self.filters.genre
        self.filter_status = self.filters.status
        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addLayout(self.filters)
        tl.addWidget(self.view)
        self.stack = QStackedWidget()
        self.empty = EmptyState()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(table_page)

        self.details = DetailsPanel()
        self.preview = Preview(self, self.details, self)
        self.details.genre_chosen.connect(self._genre_chosen)
        self.details.accept_all.connect(self.accept_selected)
        self.details.choose_all.connect(self.choose_for_selected)
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

        # status bar: the learned genres, waiting tracks, errors, progress, rate, cancel
        self.links = StatusLinks(self.model, self.filters, self.show_errors)
        self.errors_link, self.waiting_link = self.links.errors, self.links.waiting
        a = self.analysing
        self.progress, self.progress_label = a.progress, a.label
        for w in (self.learning.link, self.waiting_link, self.errors_link, a.label, a.progress):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().addPermanentWidget(a.cancel_button)
        a.scanned.connect(self._scanned)
        a.analysed.connect(self._analysed)
        a.finished.connect(self._analysis_finished)
        a.idle.connect(self.learning.analysis_done)
        self.learning.changed.connect(self._use_learned)

        self.act = actions.create(self)
        self._update_empty_state()
        self.learning.show_state()

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
        self.refresh_genre_filter()
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
        folder = QFileDialog.getExistingDirectory(self, "Add a music folder", state.start_folder())
        if folder:
            state.added_folder(folder)
            self.add_paths([folder])

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Add music files", state.start_folder(), formats.dialog_filter()
        )
        if files:
            self.add_paths(files)

    def add_paths(self, paths: list[str]) -> None:
        # the analysis worker records new folders as library roots, off the main thread
        self.start_analysis([os.path.abspath(p) for p in paths])

    def rescan(self) -> None:
        self.start_analysis([])

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
                gone = {r.track.id for r in self.model.rows} - remaining
                self.model.remove_ids(gone)
                self.related.remove(gone)
                self._update_empty_state()

            self.writer.submit(
                forget,
                forgotten,
                lambda msg: self.say(f"Folder not removed: {msg}", 15000),
            )

    # -- analysis (ui/analysis.py does the work; the window updates what shows it) -------------
    def start_analysis(self, paths: list[str]) -> None:
        self.analysing.start(paths)

    def cancel_analysis(self) -> None:
        self.analysing.cancel()

    def _scanned(self, removed: list[int]) -> None:
        self.related.remove(removed)
        self._update_empty_state()
        self._update_errors()

    def _analysed(self, batch: list) -> None:
        self.related.put((tid, a.embedding) for tid, a, _ in batch if a is not None)
        sel = self.details.row
        if sel is not None and any(tid == sel.track.id for tid, _, _ in batch):
            self._show_details(sel)

    def _analysis_finished(self, cancelled: int) -> None:
        self._resort()  # every row in its place once the last result is in
        self.columns.set_empty(self.model.empty_columns(), force=True)  # widths of the last
        self.refresh_genre_filter()
        self._update_errors()

    def _update_errors(self) -> None:
        self.act["errors"].setEnabled(self.links.update_errors() > 0)

    def show_errors(self) -> None:
        """Filter the table to the files that failed, and select the first."""
        self.filters.show_status("Errors")
        if self.proxy.rowCount():
            self.view.selectRow(0)

    def show_waiting(self) -> None:
        """Only the tracks kept for want of confidence."""
        self.filters.show_status("Not sure enough")

    def show_column(self, col: int, on: bool) -> None:
        """The person's choice from the column menu (kept across restarts)."""
        self.columns.show_column(col, on)

    def _refresh_columns(self) -> None:
        self.columns.set_empty(self.model.empty_columns())
        self._update_errors()  # the errors link follows errors as they come
        self.links.update_waiting()

    # -- selection and details -----------------------------------------------------------------
    def selected_rows(self) -> list[Row]:
        return self.view.selected_rows()

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

    def _show_details(self, row: Row | None) -> None:
        if self.details.row is not row:
            self.preview.showing(row.track.id if row is not None else None)
        self.details.set_row(row)
        self._details_analysis = row.analysis if row is not None else None
        if row is None or row.analysis is None or self.card is None:
            self.details.set_similar([])
            return
        items = []
        for tid, score in self.related.of(row.track.id):
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
        if self.preview.player is not None:
            self.preview.play(track_id)
        elif current is not None and self.details.row is None:
            self.details.set_row(current)

    def more_like_this(self, ids: list[int]) -> None:
        """Select the origin and its related tracks; a filter that hides some of them is
        cleared (and the status bar says so), and the origin stays in view."""
        origin = self.details.row
        wanted = ([origin.track.id] if origin is not None else []) + list(ids)
        if any(self.model.index_of(t) is not None and not self.view.shows(t) for t in wanted):
            self.filters.clear()
            self.say(f"Filters cleared to show the {len(ids)} related track(s)", 8000)
        self.select_tracks(wanted)
        if origin is not None:  # the details stay on the track the person asked about
            self._show_details(origin)

    def select_tracks(self, ids: list[int]) -> None:
        self.view.select_tracks(ids)

    def export_playlist(self, ids: list[int]) -> None:
        if self.details.row is not None:
            self.related.export_playlist(self, self.details.row.track, ids, self.say)

    # -- the person's decisions ------------------------------------------------------------------
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

    def back_to_prediction(self) -> None:
        self.choose_for_selected(None)

    def _say_chosen(self, rows: list[Row], what: str) -> None:
        writes = sum(1 for r in rows if r.target)
        self.say(
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
        rows = self.selected_rows()
        if not rows:
            return
        act = self.act
        menu = QMenu(self)
        n = len(rows)
        act["accept"].setText(f"Accept Suggestion ({n} track{'s' if n > 1 else ''})")
        menu.addAction(act["accept"])
        choose = menu.addMenu(f"Set Genre of {n} Track{'s' if n > 1 else ''}")
        for name in self.model.plan.genre_names():
            choose.addAction(name, lambda n=name: self.choose_for_selected([n]))
        choose.addSeparator()
        choose.addAction("Other…", self._choose_other)
        menu.addAction(act["back"])
        menu.addSeparator()
        shown = self.details.row
        act["select_album"].setEnabled(
            bool(shown is not None and (shown.track.album or self.model.album_ids(shown.track.id)))
        )
        menu.addAction(act["select_album"])
        menu.addAction(act["apply_sel"])
        self._row_menu_widget = menu
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _choose_other(self) -> None:
        text, ok = QInputDialog.getText(self, "Set genre", "Genre (several: separate with ;)")
        names = [self.model.plan.name(g) for g in text.split(";") if g.strip()] if ok else []
        if names:
            self.choose_for_selected(names)

    # -- applying (the writes, Undo and Redo: ui/history.py) --------------------------------------
    def apply_all(self) -> None:
        self._apply([r for r in self.model.rows if self.model.plan.will_write(r)])

    def apply_selected(self) -> None:
        selected = self.selected_rows()
        self._apply([r for r in selected if self.model.plan.will_write(r)], selected)

    def _apply(self, rows: list[Row], considered: list[Row] | None = None) -> None:
        if not rows:  # said where the person looks, without a box to dismiss
            self.say(
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
            self.history.write(chosen)

    def undo_last(self) -> None:
        """Ask, then restore the genres of the last Apply (or batch command)."""
        self.history.undo()

    def redo_last(self) -> None:
        """Write again what the last Undo took back."""
        self.history.redo()

    # -- the preview (ui/preview.py) and the library's own genres (ui/learning.py) ---------------
    def play_pause(self) -> None:
        self.preview.space()

    def _volume(self, v: float) -> None:
        self.preview.set_volume(v)
        self.settings = self.settings.updated(volume=round(v, 2))

    def learn_from_tags(self) -> None:
        self.learning.learn()

    def forget_learned(self) -> None:
        self.learning.forget()

    def _use_learned(self, model: learn.Learned | None) -> None:
        self.model.set_policy(self.settings, model)
        self.details.set_genre_names(self.model.plan.genre_names())
        self.columns.set_genre_names(self.model.plan.genre_names())
        self.refresh_genre_filter()

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

    def show_about(self) -> None:
        card = self.card
        about(self, card.version if card else "missing", card.accuracy if card else None)

    def save_state(self) -> None:
        state.save(self, self.splitter, self.view, self.columns)

    def unapplied_choices(self) -> list[Row]:
        return [r for r in self.model.rows if r.pending_choice]

    def closeEvent(self, event) -> None:
        pending = self.unapplied_choices()
        if pending and self.ask_before_quit:
            box, quit_button = quit_question(self, len(pending))
            self._last_dialog = box
            box.exec()
            if box.clickedButton() is not quit_button:
                event.ignore()
                return
        self.save_state()
        self.analysing.close()
        self.writer.wait(30000)
        self.preview.close()
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
