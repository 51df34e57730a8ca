"""What the window's parts (history, learning, preview, analysis) may ask of the window
that owns them: a small interface, so that none of them imports the window (no import
circle) or reaches into its private members."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from genre_desktop import config
from genre_desktop.core.library import Library
from genre_desktop.ui.models import TrackTableModel
from genre_desktop.ui.tasks import WriteWorker


class Host(Protocol):
    library: Library  # the window's connection (reads only: writes go through `writer`)
    writer: WriteWorker
    model: TrackTableModel
    settings: config.Settings
    act: dict[str, QAction]  # the window's actions by name (ui/actions.py)

    def widget(self) -> QWidget:
        """The parent of the questions and reports the parts show."""
        ...

    def say(self, text: str, ms: int = 0) -> None:
        """A line in the status bar (for `ms` milliseconds; 0: until the next)."""
        ...

    def show_dialog(self, dialog: QWidget) -> None:
        """A question or report about to be shown (the window keeps the last one)."""
        ...

    def refresh_genre_filter(self) -> None:
        """Genres changed (a write, an undo, a new judge): the genre filter lists them."""
        ...
