"""Confirmation of changes, settings, what the library learned, About."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from genre_desktop import APP_NAME, __version__
from genre_desktop.config import Settings
from genre_desktop.core.fields import word
from genre_desktop.core.plan import GENRE, Threshold, WriteRequest, percent


def value_text(value: object) -> str:
    """A field's value in a cell: a list joined, a BPM as is, nothing as '(none)'."""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "(none)"
    return str(value) if value not in (0, "", None, False) else "(none)"


def relative_names(paths: list[str]) -> list[str]:
    """Paths relative to their common folder, so same-named files in two folders differ."""
    if not paths:
        return []
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in paths])
    except ValueError:  # different drives on Windows
        return list(paths)
    return [os.path.relpath(p, root) if root else p for p in paths]


class ApplyDialog(QDialog):
    """Lists every change before anything is written, one checkbox a change (a file's
    genre, its BPM), and says which files are kept as they are and why."""

    def __init__(
        self,
        changes: list[WriteRequest],
        parent: QWidget | None = None,
        kept: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.fields = [c.field for c in changes]
        what = sorted({word(f) for f in self.fields}, key=lambda w: w != "genre") or ["genre"]
        self.setWindowTitle("Apply " + " and ".join(w if w.isupper() else w + "s" for w in what))
        self.resize(820, 460)
        layout = QVBoxLayout(self)
        kept = kept or []
        n = len(changes)
        only = " and ".join(what)
        self.intro = QLabel(
            f"Tick the changes to write. Only the {only} tag{'s' if len(what) > 1 else ''} "
            f"change; Undo (Ctrl+Z) restores each file's previous {only}."
            + (f" {len(kept)} other file(s) are kept as they are." if kept else "")
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        names = relative_names([c.path for c in changes] + [k[0] for k in kept])
        table = QTableWidget(n, 5)
        table.setHorizontalHeaderLabels(["File", "Tag", "Now", "Will be", "Confidence"])
        for i, c in enumerate(changes):
            item = QTableWidgetItem(names[i])
            item.setToolTip(c.path)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            table.setItem(i, 0, item)
            tag = word(c.field)
            table.setItem(i, 1, QTableWidgetItem(tag if tag.isupper() else tag.capitalize()))
            table.setItem(i, 2, QTableWidgetItem(value_text(c.old)))
            table.setItem(i, 3, QTableWidgetItem(value_text(c.new)))
            why = (
                "your choice"
                if c.by_person
                else "estimate"
                if c.field != GENRE
                else ("album " if c.by_album else "") + percent(c.confidence)
            )
            table.setItem(i, 4, QTableWidgetItem(why))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.itemChanged.connect(lambda _: self._update_button())
        self.table = table
        tabs = QTabWidget()
        tabs.addTab(table, f"Will change ({n})")
        self.kept_table = QTableWidget(len(kept), 2)
        self.kept_table.setHorizontalHeaderLabels(["File", "Why it is kept"])
        for i, (path, why) in enumerate(kept):
            item = QTableWidgetItem(names[n + i])
            item.setToolTip(path)
            self.kept_table.setItem(i, 0, item)
            reason = QTableWidgetItem(why)
            reason.setToolTip(why)  # the whole reason, however narrow the column
            self.kept_table.setItem(i, 1, reason)
        self.kept_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.kept_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # one line a file, as in the other tab: even rows; a long reason is elided and its
        # tooltip holds it whole
        self.kept_table.setWordWrap(False)
        self.kept_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.kept_table.verticalHeader().setVisible(False)
        tabs.addTab(self.kept_table, f"Kept as they are ({len(kept)})")
        layout.addWidget(tabs)
        row = QHBoxLayout()
        for label, state in (
            ("Tick all", Qt.CheckState.Checked),
            ("Untick all", Qt.CheckState.Unchecked),
        ):
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, st=state: self._set_all(st))
            row.addWidget(b)
        row.addStretch()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self._update_button()

    def _set_all(self, state: Qt.CheckState) -> None:
        for i in range(self.table.rowCount()):
            self.table.item(i, 0).setCheckState(state)

    def chosen(self) -> list[int]:
        """Indices of the ticked changes."""
        return [
            i
            for i in range(self.table.rowCount())
            if self.table.item(i, 0).checkState() == Qt.CheckState.Checked
        ]

    def _update_button(self) -> None:
        chosen = self.chosen()
        k = len(chosen)
        noun = "genre" if all(self.fields[i] == GENRE for i in chosen) else "change"
        self.ok.setText(f"Write {k} {noun}{'s' if k != 1 else ''}")
        self.ok.setEnabled(k > 0)


class SettingsDialog(QDialog):
    """The settings; the threshold shown is the one in force (`core.plan.threshold_of`)
    with where it comes from, and it becomes the person's own only when changed here."""

    def __init__(
        self,
        settings: Settings,
        data_dir: str,
        parent: QWidget | None = None,
        threshold: Threshold | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        form = QFormLayout(self)
        self.policy = QComboBox()
        self.policy.addItem("Keep genres already in files", "keep")
        self.policy.addItem("Replace genres already in files", "overwrite")
        self.policy.setCurrentIndex(0 if settings.policy == "keep" else 1)
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        shown = threshold.value if threshold is not None else settings.min_confidence
        self.threshold.setValue(shown * 100)
        self._shown = round(self.threshold.value() / 100, 4)
        self.threshold.setToolTip("Predictions less sure than this are not written")
        self.threshold_source = QLabel(threshold.text() if threshold is not None else "")
        self.threshold_source.setToolTip(
            "In force: your own setting, else the threshold learned from your tags, else "
            "the genre model's measured one"
        )
        self.per = QComboBox()
        self.per.addItem("The album's tracks together", "album")
        self.per.addItem("Each track alone", "track")
        self.per.setCurrentIndex(0 if settings.per == "album" else 1)
        self.per.setToolTip(
            "Album: the genre pooled over an album's tracks decides (more accurate); "
            "compilations are never pooled"
        )
        self.bpm = QComboBox()
        self.bpm.addItem("Don't write BPM", "off")
        self.bpm.addItem("Write the estimate where a file has no BPM", "keep")
        self.bpm.addItem("Write the estimate, replacing any BPM", "overwrite")
        self.bpm.setCurrentIndex(max(0, self.bpm.findData(settings.bpm)))
        self.bpm.setToolTip(
            "Apply writes each track's tempo estimate (a whole number) beside its genre"
        )
        self.id3 = QComboBox()
        self.id3.addItem("ID3v2.4 (recommended)", 4)
        self.id3.addItem("ID3v2.3 (old players)", 3)
        self.id3.setCurrentIndex(0 if settings.id3_version == 4 else 1)
        self.jobs = QSpinBox()
        self.jobs.setRange(0, 64)
        self.jobs.setSpecialValueText(f"Automatic ({os.cpu_count() or 1})")
        self.jobs.setValue(settings.jobs)
        data = QLineEdit(data_dir)
        data.setReadOnly(True)
        form.addRow("Existing genres:", self.policy)
        form.addRow("Minimum confidence:", self.threshold)
        if threshold is not None:
            form.addRow("", self.threshold_source)
        form.addRow("Genre from:", self.per)
        form.addRow("BPM estimates:", self.bpm)
        form.addRow("MP3/WAV/AIFF tags:", self.id3)
        form.addRow("Analysis workers:", self.jobs)
        data.setToolTip("Where the analysis cache and the tag-change journal are kept")
        form.addRow("Database folder:", data)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._base = settings

    def settings(self) -> Settings:
        return self._base.updated(
            policy=self.policy.currentData(),
            # changed here: the person's own; else whatever rule put it in force stays
            min_confidence=new
            if (new := round(self.threshold.value() / 100, 4)) != self._shown
            else None,
            id3_version=self.id3.currentData(),
            per=self.per.currentData(),
            bpm=self.bpm.currentData(),
            jobs=self.jobs.value(),
        )


class LearnDialog(QDialog):
    """What 'Learn from My Tags' found and decided: the genres kept and dropped, the
    held-out check next to the stock model, and whether the library's own genres are used.
    When they are, a button goes back to the stock genres."""

    FORGET = 2  # the dialog's result when the person goes back to the stock genres

    def __init__(self, lines: list[str], used: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Learn from my tags")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        self.headline = QLabel(
            "<b>Your genres are used from now on.</b> Tracks are proposed in your words."
            if used
            else "<b>Nothing changes.</b> The stock genres stay in use."
        )
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.forget_button: QPushButton | None = None
        if used:
            self.forget_button = buttons.addButton(
                "Use the Stock Genres", QDialogButtonBox.ButtonRole.ResetRole
            )
            self.forget_button.setToolTip("Forget what was learned: back to our eleven genres")
            self.forget_button.clicked.connect(lambda: self.done(self.FORGET))
        layout.addWidget(buttons)


def about(parent: QWidget, model_version: str, accuracy: float | None) -> None:
    acc = f"{accuracy:.1%}" if accuracy is not None else "unknown"
    QMessageBox.about(
        parent,
        f"About {APP_NAME}",
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Organise your music by how it sounds: genres from the audio, written safely into your files, "
        "and similar songs from your own library.</p>"
        f"<p>Genre model {model_version}<br>Accuracy on unseen artists (cross-validation): {acc}</p>"
        "<p>Pretrained layers: musicnn (ISC licence, Music Technology Group, UPF).</p>",
    )


def quit_question(parent: QWidget, n: int) -> tuple[QMessageBox, QAbstractButton]:
    """Quit with genres chosen for n tracks and not written: the question, and its button
    that quits anyway (Cancel is the default)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Quit",
        f"You chose a genre for {n} track{'s' if n != 1 else ''} that "
        f"{'are' if n != 1 else 'is'} not written yet. Choices are not kept after you quit.",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        parent,
    )
    quit_button = box.button(QMessageBox.StandardButton.Discard)
    quit_button.setText("Quit without writing")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box, quit_button
