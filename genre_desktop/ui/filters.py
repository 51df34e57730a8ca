"""The bar above the tracks: a text filter, a genre filter and a status filter, driving the
table's `TrackFilter` proxy; and the status bar's links that filter ("3 files failed",
"5 waiting for your decision")."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit

from genre_desktop.ui.models import ERROR, KEPT, Status, TrackFilter, TrackTableModel

STATUS_FILTERS: tuple[tuple[str, tuple[Status, ...]], ...] = (
    ("All tracks", ()),
    ("Will change", (Status.WILL_CHANGE,)),
    ("Kept as they are", KEPT),
    ("Not sure enough", (Status.KEEP_UNSURE,)),
    ("Written", (Status.WRITTEN,)),
    ("Waiting", (Status.WAITING, Status.ANALYSING)),
    ("Errors", (Status.ERROR,)),
)


class FilterBar(QHBoxLayout):
    def __init__(self, proxy: TrackFilter) -> None:
        super().__init__()
        self.text = QLineEdit()
        self.text.setPlaceholderText("Filter by title, artist, album or file…")
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(proxy.set_text)
        self.genre = QComboBox()
        self.genre.addItem("All genres", "")
        self.genre.currentIndexChanged.connect(
            lambda _: proxy.set_genre(self.genre.currentData() or "")
        )
        self.status = QComboBox()
        for label, states in STATUS_FILTERS:
            self.status.addItem(label, states)
        self.status.currentIndexChanged.connect(
            lambda _: proxy.set_status(self.status.currentData() or ())
        )
        self.addWidget(self.text, 1)
        self.addWidget(self.genre)
        self.addWidget(self.status)

    def set_genres(self, genres: list[str]) -> None:
        """The genre filter lists these (the one chosen stays chosen if still there)."""
        current = self.genre.currentData()
        self.genre.blockSignals(True)
        self.genre.clear()
        self.genre.addItem("All genres", "")
        for g in genres:
            self.genre.addItem(g, g)
        i = self.genre.findData(current)
        self.genre.setCurrentIndex(max(0, i))
        self.genre.blockSignals(False)

    def show_status(self, label: str) -> None:
        self.status.setCurrentIndex(
            next(i for i, (s, _) in enumerate(STATUS_FILTERS) if s == label)
        )

    def clear(self) -> None:
        self.text.clear()
        self.genre.setCurrentIndex(0)
        self.status.setCurrentIndex(0)


class StatusLinks:
    """Lasting links in the status bar: the files that failed, the tracks waiting for the
    person's decision; each shows only its tracks in the table when clicked."""

    def __init__(self, model: TrackTableModel, filters: FilterBar, show_errors) -> None:
        self.model, self.filters = model, filters
        self.errors = QLabel("")
        self.errors.setTextFormat(Qt.TextFormat.RichText)
        self.errors.linkActivated.connect(lambda _: show_errors())
        self.errors.setVisible(False)
        self.waiting = QLabel("")
        self.waiting.setTextFormat(Qt.TextFormat.RichText)
        self.waiting.setToolTip(
            "Tracks the model is not sure enough about to write on its own: select them and "
            "Accept the suggestion, or choose a genre (right-click)"
        )
        self.waiting.linkActivated.connect(lambda _: filters.show_status("Not sure enough"))
        self.waiting.setVisible(False)

    def update_errors(self) -> int:
        """'N files failed', a link that lists them; returns N."""
        n = sum(1 for r in self.model.rows if r.status == ERROR)
        self.errors.setVisible(n > 0)
        self.errors.setText(
            f"<a href='errors'>{n} file{'s' if n != 1 else ''} failed</a>" if n else ""
        )
        return n

    def update_waiting(self) -> None:
        waiting = self.model.waiting_for_decision()
        self.waiting.setText(
            f'<a href="waiting">{waiting} waiting for your decision</a>' if waiting else ""
        )
        self.waiting.setVisible(bool(waiting))
