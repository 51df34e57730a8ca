"""The track table's columns: which are shown, and how wide.

The person's choices (the header's menu) win and persist; a column no row has content for
stays hidden until one has (untagged files show no empty Artist column); in a window too
narrow for all of them, the columns of YIELD_ORDER give way so the title keeps its width and
the table never scrolls sideways. Data columns keep their content's width; the text columns
share the free width, the title two parts."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from genre_desktop.ui.models import (
    COL_ALBUM_GENRE,
    COL_CONFIDENCE,
    COL_FOLDER,
    COL_GENRE,
    COL_LENGTH,
    COL_NUMBER,
    COL_PREDICTED,
    COL_STATUS,
    COL_TITLE,
    COL_YEAR,
    COLUMNS,
    DEFAULT_HIDDEN,
    FIELD_COLUMNS,
    YIELD_ORDER,
)

# the widest content a data column shows: its width follows the font
COMPACT = {
    COL_NUMBER: "2-10",
    COL_YEAR: "2026",
    COL_LENGTH: "0:00:00",
    COL_GENRE: "Genre in file",
    COL_PREDICTED: "✎ Classical",
    COL_CONFIDENCE: "Confidence",
    COL_ALBUM_GENRE: "Classical 100%",
    COL_STATUS: "keep: not sure enough",
    COL_FOLDER: "…/Artist/Album name",  # cut on the left: the last folders show
    # the columns of core.fields: their title, or a number's width
    **{c: max(f.title, "00000", key=len) for c, f in FIELD_COLUMNS.items()},
}


class ColumnFitter(QObject):
    def __init__(self, view: QTableView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        header = view.horizontalHeader()
        fm = view.fontMetrics()
        # what each column needs: its content's width, or a share of the free width that
        # keeps a title readable
        self.width = {
            col: fm.horizontalAdvance(COMPACT[col]) + 18
            if col in COMPACT
            else fm.horizontalAdvance("M" * (12 if col == COL_TITLE else 7))
            for col in range(len(COLUMNS))
        }
        for col in range(len(COLUMNS)):
            # the title stretches; the other columns are sized by fit()
            mode = (
                QHeaderView.ResizeMode.Stretch
                if col == COL_TITLE
                else QHeaderView.ResizeMode.Interactive
            )
            header.setSectionResizeMode(col, mode)
            if col != COL_TITLE:
                header.resizeSection(col, self.width[col])
        # the ✎ of a person's choice may come from a fallback font wider than measured
        self.width[COL_PREDICTED] += 12
        self.fixed = set(COMPACT)  # sized by their content, not by the window
        # the widths the yielding is decided by: a genre column widened for the owner's
        # longer words ('Singer-Songwriter') gives that width back before any column yields
        self.least = dict(self.width)
        self.person_hidden: set[int] = set(DEFAULT_HIDDEN)  # the column menu's choices
        self.person_shown: set[int] = set()
        # the columns in sight when the person last chose from the menu: none of them gives
        # way for the one they added (a choice wins over the automatic hiding, always)
        self.person_kept: set[int] = set()
        # the widest text each column shows now (sampled rows): a data column is no wider
        # than its content ('Status' of short states), a text column asks for its content
        # ('Ariana Grande' whole) before the title takes the rest
        self.content: dict[int, int] = {}
        self.empty: set[int] = set()
        self._menu: QMenu | None = None
        view.viewport().installEventFilter(self)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.menu)
        self.fit()

    def set_genre_names(self, names: list[str]) -> None:
        """The genre columns fit the longest genre proposed (the owner's words can be longer
        than ours: 'Singer-Songwriter'); at most 24 characters, longer ones are elided."""
        fm = self.view.fontMetrics()
        longest = max(
            [COMPACT[COL_PREDICTED][2:], *(n[:24] for n in names)], key=fm.horizontalAdvance
        )
        header = self.view.horizontalHeader()
        for col, text in ((COL_PREDICTED, f"✎ {longest}"), (COL_ALBUM_GENRE, f"{longest} 100%")):
            self.width[col] = max(self.least[col], fm.horizontalAdvance(text) + 18)
            header.resizeSection(col, self.width[col])
        self.fit()

    def show_column(self, col: int, on: bool) -> None:
        """The person's choice from the column menu (kept across restarts): it wins over
        the automatic hiding, and the columns they see stay (a narrow window scrolls
        sideways rather than hide what they chose)."""
        header = self.view.horizontalHeader()
        self.person_kept = {c for c in range(len(COLUMNS)) if not header.isSectionHidden(c)}
        if on:
            self.person_hidden.discard(col)
            self.person_shown.add(col)  # asked for: shown even while empty
            self.person_kept.add(col)
        else:
            self.person_hidden.add(col)
            self.person_shown.discard(col)
            self.person_kept.discard(col)
        self.fit()

    def set_empty(self, empty: set[int], force: bool = False) -> None:
        self.empty = empty
        # measuring reads every cell of the first rows (~30 ms for 300): again when rows were
        # added among them, else at most every MEASURE_EVERY seconds while results stream in
        # (and once more when the analysis is done: `force`)
        n = min(self.view.model().rowCount(), self.SAMPLE)
        now = time.monotonic()
        if force or n != self._measured_rows or now - self._measured_at >= self.MEASURE_EVERY:
            self._measured_rows, self._measured_at = n, now
            self.measure()
        self.fit()

    SAMPLE = 300  # rows measured: enough for the columns' widths, cheap for a big library
    MEASURE_EVERY = 2.0  # seconds
    _measured_rows = -1
    _measured_at = 0.0

    def measure(self) -> None:
        """The width of what each column shows, over the first rows (and their headers)."""
        model = self.view.model()
        fm = self.view.fontMetrics()
        n = min(model.rowCount(), self.SAMPLE)
        header = self.view.horizontalHeader().fontMetrics()
        content = {}
        for col in range(len(COLUMNS)):
            texts = {str(model.index(r, col).data() or "") for r in range(n)}
            widest = max((fm.horizontalAdvance(t) for t in texts), default=0)
            content[col] = max(widest, header.horizontalAdvance(COLUMNS[col]) + 12) + 18
        content[COL_PREDICTED] += 12  # the ✎, as above
        self.content = content

    def _need(self, col: int) -> int:
        """What a data column needs: its content, at most its full width."""
        if col in self.content and col in self.fixed:
            return min(self.least[col], self.content[col])
        return self.least[col]

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        want = [
            c
            for c in range(len(COLUMNS))
            if c not in self.person_hidden and (c not in self.empty or c in self.person_shown)
        ]
        room = self.view.viewport().width()
        chosen = self.person_shown | self.person_kept
        for col in YIELD_ORDER:
            if sum(self._need(c) for c in want) <= room:
                break
            if col in want and col not in chosen:
                want.remove(col)
        for col in range(len(COLUMNS)):
            hidden = col not in want
            if header.isSectionHidden(col) != hidden:
                header.setSectionHidden(col, hidden)
        # a widened genre column takes what is spare, up to its width
        spare = max(0, room - sum(self._need(c) for c in want))
        widths = {}
        for col in want:
            if col in self.fixed:
                full = min(self.width[col], self.content.get(col, self.width[col]))
                extra = max(0, min(full - self._need(col), spare))
                spare -= extra
                widths[col] = self._need(col) + extra
                header.resizeSection(col, widths[col])
        # the free width is shared: each text column gets what its content asks for where
        # there is room, else the same level as the others, the title twice that
        text = [c for c in want if c != COL_TITLE and c not in self.fixed]
        free = room - sum(widths.values())
        asks = {c: max(self.width[c], self.content.get(c, self.width[c])) for c in text}
        # the title stretches over what is left; it asks only for its content here
        title_asks = self.content.get(COL_TITLE, self.width[COL_TITLE])
        level = 0
        step = 8
        while text and level < max(asks.values()):
            nxt = level + step
            used = sum(min(asks[c], nxt) for c in text) + min(title_asks, 2 * nxt)
            if used > free:
                break
            level = nxt
        for col in text:
            header.resizeSection(col, max(self.width[col], min(asks[col], level)))
        # the columns the person chose do not fit: the title keeps a readable width and the
        # table scrolls sideways, rather than squeezing the title to nothing
        others = sum(header.sectionSize(c) for c in want if c != COL_TITLE)
        crowded = others + self.width[COL_TITLE] > room
        mode = QHeaderView.ResizeMode.Interactive if crowded else QHeaderView.ResizeMode.Stretch
        if header.sectionResizeMode(COL_TITLE) != mode:
            header.setSectionResizeMode(COL_TITLE, mode)
        if crowded:
            header.resizeSection(COL_TITLE, self.width[COL_TITLE])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit()
        return super().eventFilter(watched, event)

    def menu(self, pos: QPoint) -> None:
        """Right-click on the header: show or hide columns."""
        header = self.view.horizontalHeader()
        menu = QMenu(self.view)
        for col, name in enumerate(COLUMNS):
            a = menu.addAction(name)
            a.setCheckable(True)
            a.setChecked(not header.isSectionHidden(col))
            a.setEnabled(col != COL_TITLE)
            a.toggled.connect(lambda on, c=col: self.show_column(c, on))
        self._menu = menu
        menu.popup(header.mapToGlobal(pos))
