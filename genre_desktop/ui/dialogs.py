"""Confirmation of changes, settings, About."""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from genre_desktop import APP_NAME, __version__
from genre_desktop.config import Settings


class ApplyDialog(QDialog):
    """Lists every change before anything is written."""

    def __init__(
        self,
        changes: list[tuple[str, list[str], list[str], float | None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Apply genres")
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        n = len(changes)
        layout.addWidget(
            QLabel(
                f"Write the genre into {n} file{'s' if n != 1 else ''}? Everything else in the files stays as it is; Undo Last Apply (Ctrl+Z) restores them."
            )
        )
        table = QTableWidget(n, 4)
        table.setHorizontalHeaderLabels(["File", "Now", "Will be", "Confidence"])
        for i, (path, old, new, conf) in enumerate(changes):
            table.setItem(i, 0, QTableWidgetItem(os.path.basename(path)))
            table.item(i, 0).setToolTip(path)
            table.setItem(i, 1, QTableWidgetItem("; ".join(old) or "(none)"))
            table.setItem(i, 2, QTableWidgetItem("; ".join(new) or "(none)"))
            table.setItem(i, 3, QTableWidgetItem("your choice" if conf is None else f"{conf:.0%}"))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        self.table = table
        layout.addWidget(table)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            f"Write {n} genre{'s' if n != 1 else ''}"
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, data_dir: str, parent: QWidget | None = None) -> None:
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
        self.threshold.setValue(settings.min_confidence * 100)
        self.threshold.setToolTip("Predictions less sure than this are not written")
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
        form.addRow("MP3/WAV/AIFF tags:", self.id3)
        form.addRow("Analysis workers:", self.jobs)
        form.addRow("Library folder:", data)
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
            min_confidence=round(self.threshold.value() / 100, 4),
            id3_version=self.id3.currentData(),
            jobs=self.jobs.value(),
        )


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
