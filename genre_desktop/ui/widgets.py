"""The details panel: genre probabilities, descriptive tags, file genre vs prediction, the
genre picker, the preview player and similar songs."""

from __future__ import annotations

import os

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from genre_desktop.core.labels import DISPLAY, GENRES
from genre_desktop.core.plan import percent
from genre_desktop.core.records import duration_text
from genre_desktop.ui.models import Row


def breakable(text: str) -> str:
    """`text` with a zero-width space after each `_`, `/`, `\\` and `-`, so a word-wrapped
    label can break a file name or a path there instead of growing the panel sideways."""
    for ch in "_/\\-":
        text = text.replace(ch, ch + "\u200b")
    return text


class ProbabilityChart(QWidget):
    """One horizontal bar per genre, best first."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def _label_width(self) -> int:
        fm = self.fontMetrics()
        names = [*DISPLAY.values(), *(n for n, _ in self._items)]  # the owner's words too
        return max(fm.horizontalAdvance(n) for n in names) + 10

    def _pct_width(self) -> int:
        return self.fontMetrics().horizontalAdvance("100%") + 8

    def sizeHint(self) -> QSize:
        rows = max(len(GENRES), len(self._items))  # the owner's genres can be more than ours
        return QSize(260, (self.fontMetrics().height() + 6) * rows)

    def minimumSizeHint(self) -> QSize:
        # the names and percentages always fit; the bars are what shrinks
        return QSize(self._label_width() + self._pct_width() + 30, self.sizeHint().height())

    def set_probabilities(self, items: list[tuple[str, float]]) -> None:
        grows = len(items) != len(self._items)
        self._items = items
        if grows:
            self.updateGeometry()
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        pal = self.palette()
        fm = self.fontMetrics()
        line = fm.height() + 6
        label_w, pct_w = self._label_width(), self._pct_width()
        bar_w = max(10, self.width() - label_w - pct_w)
        for i, (name, prob) in enumerate(self._items):
            y = i * line
            p.setPen(pal.color(QPalette.ColorRole.WindowText))
            p.drawText(
                QRectF(0, y, label_w - 6, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
            color = pal.color(QPalette.ColorRole.Highlight)
            if i > 0:
                color.setAlpha(130)
            p.fillRect(QRectF(label_w, y + 3, max(1.0, bar_w * prob), line - 6), color)
            p.drawText(
                QRectF(label_w + bar_w, y, pct_w, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                percent(prob),
            )
        p.end()


class DetailsPanel(QWidget):
    genre_chosen = Signal(int, object)  # track id, [genres] or None (back to the prediction)
    accept_all = Signal()  # several tracks selected: each takes its own suggestion
    choose_all = Signal(object)  # several tracks selected: [genres] or None for all of them
    play_requested = Signal(int)  # track id
    stop_requested = Signal()
    seek_requested = Signal(float)
    volume_changed = Signal(float)
    similar_play = Signal(int)
    similar_select = Signal(list)
    export_playlist = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.row: Row | None = None
        self._similar_ids: list[int] = []
        self._suggested = ""
        self._runner_up = ""
        self._stoppable = False  # a preview is playing or paused: Stop has something to stop
        self.selected = 1  # how many tracks are selected (the panel shows the first)
        layout = QVBoxLayout(self)
        self.title = QLabel("No track selected")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        self.title.setFont(f)
        self.title.setWordWrap(True)
        self.subtitle = QLabel("")
        self.subtitle.setWordWrap(True)
        # several tracks selected: says so, and that Accept and Choose act on all of them
        self.selection_note = QLabel("")
        self.selection_note.setWordWrap(True)
        self.selection_note.setStyleSheet("font-weight: bold")
        self.selection_note.setVisible(False)
        layout.addWidget(self.selection_note)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

        genre_box = QGroupBox("Genre")
        form = QFormLayout(genre_box)
        self.in_file = QLabel("—")
        self.in_file.setWordWrap(True)
        self.prediction = QLabel("—")
        self.prediction.setWordWrap(True)
        self.picker = QComboBox()
        self.picker.setEditable(True)
        # a narrow panel narrows the picker rather than cutting the panel off
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker.setMinimumContentsLength(8)
        self.picker.addItem("Use the prediction", None)
        for g in GENRES:
            self.picker.addItem(DISPLAY[g], DISPLAY[g])
        self.picker.setToolTip("Choose the genre to write, or type your own")
        self.picker.activated.connect(self._picked)
        self.picker.lineEdit().returnPressed.connect(self._typed)
        self.plan = QLabel("")
        self.plan.setWordWrap(True)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c82828")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("In the file:", self.in_file)
        self.album = QLabel("—")
        self.album.setWordWrap(True)
        form.addRow("Predicted:", self.prediction)
        # the next step in one click: take the suggestion, or its runner-up
        self.accept_button = QPushButton("Accept")
        self.accept_button.setToolTip("Write the predicted genre on the next Apply")
        self.accept_button.clicked.connect(self._accept_clicked)
        self.runner_button = QPushButton("")
        self.runner_button.setToolTip("Write the second most likely genre on the next Apply")
        self.runner_button.clicked.connect(lambda: self._choose(self._runner_up))
        for b in (self.accept_button, self.runner_button):
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        suggestion = QHBoxLayout()
        suggestion.addWidget(self.accept_button)
        suggestion.addWidget(self.runner_button)
        suggestion.addStretch()
        form.addRow("", suggestion)
        form.addRow("Album:", self.album)
        form.addRow("Choose:", self.picker)
        form.addRow("Apply will:", self.plan)
        form.addRow(self.error)
        layout.addWidget(genre_box)

        chart_box = QGroupBox("How it sounds")
        cl = QVBoxLayout(chart_box)
        self.chart = ProbabilityChart()
        self.tags = QLabel("")
        self.tags.setWordWrap(True)
        cl.addWidget(self.chart)
        cl.addWidget(self.tags)
        layout.addWidget(chart_box)

        player_box = QGroupBox("Preview")
        pl = QVBoxLayout(player_box)
        buttons = QHBoxLayout()
        style = self.style()
        self.play_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play"
        )
        self.play_button.setToolTip("Play 20 s from the middle (Space)")
        self.stop_button = QPushButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaStop), "Stop"
        )
        self.play_button.clicked.connect(self._play_clicked)
        self.stop_button.clicked.connect(self.stop_requested)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setToolTip("Volume")
        self.volume.setMaximumWidth(110)
        self.volume.setMinimumWidth(40)
        self.volume.valueChanged.connect(lambda v: self.volume_changed.emit(v / 100))
        buttons.addWidget(self.play_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch()
        speaker = QLabel()
        speaker.setPixmap(style.standardIcon(QStyle.StandardPixmap.SP_MediaVolume).pixmap(16, 16))
        speaker.setToolTip("Volume")
        buttons.addWidget(speaker)
        buttons.addWidget(self.volume)
        self.position = QSlider(Qt.Orientation.Horizontal)
        self.position.setRange(0, 1000)
        self.position.sliderReleased.connect(
            lambda: self.seek_requested.emit(self.position.value() / 1000)
        )
        self.time = QLabel("0:00 / 0:00")
        self.time.setMinimumWidth(self.fontMetrics().horizontalAdvance("00:00 / 00:00") + 6)
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        seek_row = QHBoxLayout()
        seek_row.addWidget(self.position, 1)
        seek_row.addWidget(self.time)
        self.player_note = QLabel("")
        self.player_note.setWordWrap(True)
        pl.addLayout(buttons)
        pl.addLayout(seek_row)
        pl.addWidget(self.player_note)
        layout.addWidget(player_box)

        sim_box = QGroupBox("Similar in your library")
        sl = QVBoxLayout(sim_box)
        self.similar = QListWidget()
        self.similar.setToolTip("Double-click to select the track and hear a preview")
        self.similar.setMinimumHeight(self.fontMetrics().height() * 5)
        self.similar.setWordWrap(True)  # a note wraps in a narrow panel instead of being cut
        self.similar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.similar.itemDoubleClicked.connect(
            lambda item: self.similar_play.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        sb = QHBoxLayout()
        self.more_like_this = QPushButton("More like this")
        self.more_like_this.setToolTip("Select the related tracks in the table")
        self.more_like_this.clicked.connect(
            lambda: self.similar_select.emit(list(self._similar_ids))
        )
        self.export_button = QPushButton("Export as playlist…")
        self.export_button.clicked.connect(
            lambda: self.export_playlist.emit(list(self._similar_ids))
        )
        sb.addWidget(self.more_like_this)
        sb.addWidget(self.export_button)
        sl.addWidget(self.similar)
        sl.addLayout(sb)
        layout.addWidget(sim_box, 1)
        self.set_row(None)
        self.set_player_available(True)

    # -- showing a track ---------------------------------------------------------------------
    def set_row(self, row: Row | None) -> None:
        # the same row again (a change streamed in) while the person types a genre: their
        # typing stays
        typing = row is not None and row is self.row and self.picker.lineEdit().hasFocus()
        self.row = row
        enabled = row is not None
        for w in (
            self.picker,
            self.play_button,
            self.stop_button,
            self.more_like_this,
            self.export_button,
        ):
            w.setEnabled(
                enabled
                and (w is not self.play_button or self._player_ok)
                and (w is not self.stop_button or (self._player_ok and self._stoppable))
            )
        self._set_suggestions(row)
        if row is not None and row.error:  # nothing to hear in a file that does not decode
            self.play_button.setEnabled(False)
            self.play_button.setToolTip("This file could not be decoded, so it cannot be played")
        else:
            self.play_button.setToolTip("Play 20 s from the middle (Space)")
        self.error.setVisible(bool(row is not None and row.error))
        failed = "read" if row is None or row.track.error or row.analysis is None else "write"
        self.error.setText(
            f"Could not {failed} this file: {row.error}" if row and row.error else ""
        )
        self.plan.setText(row.plan() if row is not None else "")
        self.album.setText(_album_line(row))
        if row is not None and row.analysis is None:
            self.picker.setEnabled(False)  # nothing to correct before there is a prediction
        if row is None:
            self.title.setText("No track selected")
            self.subtitle.setText("Select a track to see how it sounds.")
            self.in_file.setText("—")
            self.prediction.setText("—")
            self.chart.set_probabilities([])
            self.tags.setText("")
            self.set_similar([])
            return
        t = row.track
        if row.error:  # a file that failed is named by its file, not by tags it may share
            self.title.setText(breakable(os.path.basename(t.path)))
            self.subtitle.setText(breakable(t.path))
        else:
            self.title.setText(breakable(t.display_title))
            self.subtitle.setText(
                breakable(" — ".join(x for x in (t.artist, t.album) if x) or t.path)
            )
        self.title.setToolTip(t.path)
        self.in_file.setText(breakable(t.genre) if t.genre else "(none)")
        a = row.opinion  # the library's own model's reading when it decides, else the stock one
        if a is not None:
            ranked = row.ranked()
            runner = f", then {ranked[1][0]} {percent(ranked[1][1])}" if len(ranked) > 1 else ""
            self.prediction.setText(f"<b>{ranked[0][0]}</b> {percent(a.confidence)}{runner}")
            self.chart.set_probabilities(ranked)
            self.tags.setText("Sounds like: " + ", ".join(t for t, _ in a.tags) if a.tags else "")
        else:
            self.prediction.setText("—" if row.error else "not analysed yet")
            self.chart.set_probabilities([])
            self.tags.setText("")
        if typing:
            return
        self.picker.blockSignals(True)
        if row.override is None:
            self.picker.setCurrentIndex(0)
        else:
            text = "; ".join(row.override)
            i = self.picker.findData(text)
            if i < 0:
                self.picker.addItem(text, text)
                i = self.picker.count() - 1
            self.picker.setCurrentIndex(i)
        self.picker.blockSignals(False)

    def _set_suggestions(self, row: Row | None) -> None:
        """'Accept Rock' and 'Jazz 21%' (the runner-up), for a row with a prediction."""
        ranked = row.ranked() if row is not None else []
        self._suggested = ranked[0][0] if ranked else ""
        self._runner_up = ranked[1][0] if len(ranked) > 1 else ""
        # what Apply would leave in the file: the choice, else what is there
        chosen = (row.override or row.track.genres) if row is not None else None
        many = self.selected > 1
        self.accept_button.setVisible(bool(ranked))
        self.runner_button.setVisible(len(ranked) > 1 and not many)  # one track's runner-up
        if ranked and many:
            self.accept_button.setText(f"Accept the suggestions of all {self.selected}")
            self.accept_button.setToolTip(
                "Each selected track takes its own predicted genre on the next Apply"
            )
            self.accept_button.setEnabled(True)
        elif ranked:
            self.accept_button.setText(f"Accept {self._suggested}")
            self.accept_button.setToolTip("Write the predicted genre on the next Apply")
            self.accept_button.setEnabled(chosen != [self._suggested])
        if len(ranked) > 1 and not many:
            self.runner_button.setText(f"{self._runner_up} {percent(ranked[1][1])}")
            self.runner_button.setEnabled(chosen != [self._runner_up])

    def _choose(self, genre: str) -> None:
        if self.row is not None and genre:
            self.genre_chosen.emit(self.row.track.id, [genre])

    def _accept_clicked(self) -> None:
        if self.selected > 1:
            self.accept_all.emit()
        else:
            self._choose(self._suggested)

    def set_selected(self, n: int) -> None:
        """How many tracks are selected: with several, the panel says so (its details are
        of the first) and Accept and Choose act on every one of them."""
        self.selected = max(1, n)
        many = n > 1
        self.selection_note.setVisible(many)
        self.selection_note.setText(
            f"{n} tracks selected: Accept and Choose apply to all {n}; "
            "the details below are of the first."
            if many
            else ""
        )
        self.picker.setToolTip(
            f"Choose the genre to write into all {n} selected tracks, or type your own"
            if many
            else "Choose the genre to write, or type your own"
        )
        self._set_suggestions(self.row)

    def set_similar(self, items: list[tuple[int, float, str]]) -> None:
        """[(track id, score, label)]"""
        self.similar.clear()
        self._similar_ids = [i for i, _, _ in items]
        for tid, score, label in items:
            # a match in percent: cosine 0 (unrelated) .. 1 (the same sound)
            item = QListWidgetItem(f"{max(0.0, score):.0%}  {label}")
            item.setToolTip(f"similarity {score:.2f} (cosine of the audio embeddings)")
            item.setData(Qt.ItemDataRole.UserRole, tid)
            self.similar.addItem(item)
        if not items and self.row is not None:
            if self.row.error:
                note = "None: this file could not be decoded, so it has no sound to compare."
            elif self.row.analysis is not None:
                note = "Nothing close enough in your library yet."
            else:
                note = "Similar songs appear once this track is analysed."
            self.similar.addItem(QListWidgetItem(note))
        has = bool(items)
        self.more_like_this.setEnabled(has)
        self.export_button.setEnabled(has)

    def set_genre_names(self, names: list[str]) -> None:
        """The genres offered: ours, or the owner's words once the library has learned them."""
        self.picker.blockSignals(True)
        while self.picker.count() > 1:
            self.picker.removeItem(1)
        for name in names:
            self.picker.addItem(name, name)
        self.picker.blockSignals(False)
        self.set_row(self.row)

    def _picked(self, index: int) -> None:
        if self.row is None:
            return
        data = self.picker.itemData(index)
        genres = (
            None if data is None else [self.row.name(g) for g in str(data).split(";") if g.strip()]
        )
        if self.selected > 1:
            self.choose_all.emit(genres)
        else:
            self.genre_chosen.emit(self.row.track.id, genres)

    def _typed(self) -> None:
        if self.row is None:
            return
        text = self.picker.currentText().strip()
        if text and text != "Use the prediction":
            genres = [self.row.name(g) for g in text.split(";") if g.strip()]
            if self.selected > 1:
                self.choose_all.emit(genres)
            else:
                self.genre_chosen.emit(self.row.track.id, genres)

    # -- player ------------------------------------------------------------------------------
    def _play_clicked(self) -> None:
        if self.row is not None:
            self.play_requested.emit(self.row.track.id)

    def set_player_available(self, ok: bool, reason: str = "") -> None:
        self._player_ok = ok
        self.play_button.setEnabled(ok and self.row is not None)
        self.stop_button.setEnabled(ok and self.row is not None and self._stoppable)
        self.position.setEnabled(ok)
        self.volume.setEnabled(ok)
        self.player_note.setText("" if ok else f"Preview is off: {reason}")

    def set_playing(self, playing: bool, stoppable: bool | None = None) -> None:
        """Play or Pause on the button; Stop only while a preview plays (or is paused:
        `stoppable`)."""
        self._stoppable = playing if stoppable is None else stoppable
        self.stop_button.setEnabled(self._player_ok and self.row is not None and self._stoppable)
        style = self.style()
        if playing:
            self.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause))
            self.play_button.setText("Pause")
        else:
            self.play_button.setIcon(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
            self.play_button.setText("Play")

    def set_position(self, fraction: float, elapsed: float = 0.0, total: float = 0.0) -> None:
        if not self.position.isSliderDown():
            self.position.setValue(int(fraction * 1000))
        self.time.setText(f"{duration_text(elapsed)} / {duration_text(total)}" if total else "")


def _album_line(row: Row | None) -> str:
    """'Rock 88% from 11 tracks' (and whether this track follows it)."""
    v = row.verdict if row is not None else None
    if v is None or v.album is None:
        return "—" if row is None or not row.track.album else "not pooled (a compilation, or alone)"
    a = v.album
    line = f"<b>{row.name(a.genre)}</b> {percent(a.confidence)} from {a.tracks} tracks"
    if not v.follows:
        line += " — this track is confidently something else and keeps its own genre"
    return line
